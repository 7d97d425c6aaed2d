import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('waits for idle between timers, so real I/O a timer starts sees its due time', async () => {
    const server: Server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const clock = createSimulatedClock({ start: 0 });
      const log: string[] = [];
      const work = new Set<Promise<unknown>>();
      const track = (p: Promise<unknown>): void => {
        work.add(p);
        void p.finally(() => work.delete(p));
      };
      clock.setTimeout(() => {
        track(
          (async () => {
            await (await fetch(url)).text();
            log.push(`fetched at ${clock.now()}`);
            clock.setTimeout(() => log.push(`follow-up at ${clock.now()}`), 5);
          })(),
        );
      }, 10);
      clock.setTimeout(() => log.push(`late at ${clock.now()}`), 1000);
      const idleCalls: number[] = [];
      await clock.advance(2000, {
        idle: async () => {
          idleCalls.push(clock.now());
          while (work.size > 0) await Promise.all(work);
        },
      });
      expect(log).toEqual(['fetched at 10', 'follow-up at 15', 'late at 1000']);
      // Once before the first timer, then after each of the three.
      expect(idleCalls).toEqual([0, 10, 15, 1000]);
      expect(clock.now()).toBe(2000);
    } finally {
      server.close();
    }
  });

  it('runAll and advanceTo wait for idle too', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const seen: number[] = [];
    clock.setTimeout(() => undefined, 10);
    clock.setTimeout(() => undefined, 20);
    expect(await clock.runAll(10, { idle: () => seen.push(clock.now()) })).toBe(2);
    clock.setTimeout(() => undefined, 5);
    await clock.advanceTo(100, { idle: () => seen.push(clock.now()) });
    expect(seen).toEqual([0, 10, 20, 20, 25]);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a negative delay', -5000],
  ])('fires a timer set with %s after 1 ms, as Node does', async (_name, ms) => {
    const clock = createSimulatedClock({ start: 0 });
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), ms);
    expect(clock.nextDueAt()).toBe(1);
    expect(await clock.runAll()).toBe(1);
    expect(fired).toEqual([1]);
    expect(clock.now()).toBe(1);
    await clock.advance(10);
    expect(clock.now()).toBe(11);
  });

  it('fires a zero delay at now', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 0);
    await clock.advance(0);
    expect(fired).toEqual([0]);
  });
});
