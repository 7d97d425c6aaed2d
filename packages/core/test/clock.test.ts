import { afterEach, describe, expect, test, vi } from 'vitest';
import { systemClock } from '../src/clock.js';

const DAY = 86_400_000;
// The longest wait one Node timer takes; a longer one fires after 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the system clock', () => {
  test('a wait longer than one Node timer allows fires when asked, not at once', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    const waits: number[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => {
      waits.push(ms);
      return real(fn, ms);
    }) as typeof setTimeout);
    const fired: number[] = [];
    systemClock.setTimeout(() => fired.push(Date.now()), 30 * DAY);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(30 * DAY - MAX_TIMER_MS - 1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([Date.UTC(2026, 0, 1) + 30 * DAY]);
    // No timer was ever asked for more than Node takes.
    expect(Math.max(...waits)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(waits).toHaveLength(2);
  });

  test('cancelling a long wait cancels whichever of its timers is waiting', () => {
    vi.useFakeTimers({ now: 0 });
    let fired = 0;
    const cancel = systemClock.setTimeout(() => fired++, 60 * DAY);
    vi.advanceTimersByTime(40 * DAY);
    cancel();
    vi.advanceTimersByTime(40 * DAY);
    expect(fired).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a short wait is one timer, as before', () => {
    vi.useFakeTimers({ now: 0 });
    let fired = 0;
    systemClock.setTimeout(() => fired++, 1000);
    vi.advanceTimersByTime(999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });
});
