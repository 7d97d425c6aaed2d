import { describe, expect, it } from 'vitest';
import { createSimulatedClock, toMilliseconds } from '../src/index.js';

describe('toMilliseconds', () => {
  it.each([
    ['500ms', 500],
    ['45s', 45_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    [250, 250],
  ] as const)('%s is %i ms', (input, ms) => {
    expect(toMilliseconds(input)).toBe(ms);
  });

  it.each(['', '2 days', '1x', '-1s', 'h'])('rejects %j', (input) => {
    expect(() => toMilliseconds(input)).toThrow(TypeError);
  });
});

describe('createSimulatedClock', () => {
  it('starts where it is told and only moves when advanced', async () => {
    const clock = createSimulatedClock({ start: '2025-03-01T00:00:00Z' });
    expect(new Date(clock.now()).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    await clock.advance('1h');
    expect(new Date(clock.now()).toISOString()).toBe('2025-03-01T01:00:00.000Z');
  });

  it('fires due timers in due order, ties in the order set, each at its due time', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 2000);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 1000);
    clock.setTimeout(() => fired.push(['c', clock.now()]), 2000);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 5000);
    await clock.advance('3s');
    expect(fired).toEqual([
      ['a', 1000],
      ['b', 2000],
      ['c', 2000],
    ]);
    expect(clock.now()).toBe(3000);
    expect(clock.pending()).toBe(1);
    expect(clock.nextDueAt()).toBe(5000);
  });

  it('does not fire cancelled timers', async () => {
    const clock = createSimulatedClock({ start: 0 });
    let fired = false;
    const cancel = clock.setTimeout(() => {
      fired = true;
    }, 10);
    cancel();
    await clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('fires timers set by timers when they fall inside the window, after awaited work settles', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const log: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => {
        log.push(`async at ${clock.now()}`);
        clock.setTimeout(() => log.push(`second at ${clock.now()}`), 500);
      });
    }, 1000);
    await clock.advance('2s');
    expect(log).toEqual(['async at 1000', 'second at 1500']);
  });

  it('runAll stops at its limit when timers keep rescheduling themselves', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const tick = (): void => {
      clock.setTimeout(tick, 1000);
    };
    tick();
    expect(await clock.runAll(5)).toBe(5);
    expect(clock.now()).toBe(5000);
  });

  it('advanceTo never goes backwards', async () => {
    const clock = createSimulatedClock({ start: 10_000 });
    await clock.advanceTo(5000);
    expect(clock.now()).toBe(10_000);
  });
});
