import type { Clock } from '@policyflow/core';
import { type Duration, toMilliseconds } from './duration.js';

/** Options of {@link createSimulatedClock}. */
export interface SimulatedClockOptions {
  /** The starting time: epoch ms, a `Date` or ISO-8601 text. Default `2025-01-01T00:00:00Z`. */
  readonly start?: number | Date | string;
}

/** A {@link Clock} whose time moves only when a test says so. */
export interface SimulatedClock extends Clock {
  /**
   * Moves time forward, firing every timer that falls due on the way in due order (ties in the order they
   * were set), with `now()` equal to each timer's due time while it runs. Work the timers start (promises,
   * timers set by timers) is let run before the next one fires.
   */
  advance(by: Duration): Promise<void>;
  /** Advances to an absolute time (never backwards). */
  advanceTo(time: number | Date | string): Promise<void>;
  /** Fires timers until none is left, or `limit` have fired (guards against self-rescheduling loops). */
  runAll(limit?: number): Promise<number>;
  /** Timers set and not yet fired or cancelled. */
  pending(): number;
  /** Due time of the next timer, if any. */
  nextDueAt(): number | undefined;
}

interface Timer {
  readonly seq: number;
  readonly dueAt: number;
  readonly fn: () => void;
}

const DEFAULT_START = Date.UTC(2025, 0, 1);

function toEpoch(value: number | Date | string): number {
  const ms =
    typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) throw new TypeError(`invalid time ${String(value)}`);
  return ms;
}

// Lets promise chains and `setImmediate` callbacks started by a timer settle before the next one fires.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Creates a simulated clock for `createEngine({ clock })`: deterministic time and timers, no sleeping.
 *
 * @example
 * ```ts
 * const clock = createSimulatedClock({ start: '2025-01-01T00:00:00Z' });
 * clock.setTimeout(() => console.log('reminder', new Date(clock.now()).toISOString()), 2 * 86_400_000);
 * await clock.advance('2d'); // reminder 2025-01-03T00:00:00.000Z
 * ```
 */
export function createSimulatedClock(options: SimulatedClockOptions = {}): SimulatedClock {
  let now = options.start === undefined ? DEFAULT_START : toEpoch(options.start);
  let seq = 0;
  const timers = new Map<number, Timer>();

  function next(until: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of timers.values()) {
      if (t.dueAt > until) continue;
      if (best === undefined || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.seq < best.seq))
        best = t;
    }
    return best;
  }

  async function fireUntil(target: number, limit: number): Promise<number> {
    let fired = 0;
    await settle();
    for (let t = next(target); t !== undefined && fired < limit; t = next(target)) {
      timers.delete(t.seq);
      now = Math.max(now, t.dueAt);
      fired += 1;
      t.fn();
      await settle();
    }
    return fired;
  }

  const clock: SimulatedClock = {
    now: () => now,
    setTimeout(fn, ms) {
      seq += 1;
      const id = seq;
      timers.set(id, { seq: id, dueAt: now + Math.max(0, ms), fn });
      return () => {
        timers.delete(id);
      };
    },
    async advance(by) {
      const target = now + toMilliseconds(by);
      await fireUntil(target, Number.POSITIVE_INFINITY);
      now = Math.max(now, target);
    },
    async advanceTo(time) {
      const target = toEpoch(time);
      await fireUntil(target, Number.POSITIVE_INFINITY);
      now = Math.max(now, target);
    },
    runAll: (limit = 10_000) => fireUntil(Number.POSITIVE_INFINITY, limit),
    pending: () => timers.size,
    nextDueAt: () => next(Number.POSITIVE_INFINITY)?.dueAt,
  };
  return clock;
}
