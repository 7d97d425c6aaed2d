import type { Clock } from '@policyflow/core';
import { type Duration, toMilliseconds } from './duration.js';

/** Options of {@link createSimulatedClock}. */
export interface SimulatedClockOptions {
  /** The starting time: epoch ms, a `Date` or ISO-8601 text. Default `2025-01-01T00:00:00Z`. */
  readonly start?: number | Date | string;
}

/** Options of {@link SimulatedClock.advance}, {@link SimulatedClock.advanceTo} and {@link SimulatedClock.runAll}. */
export interface AdvanceOptions {
  /**
   * Waits for the work the timers start, however long it takes in real time (real I/O included): awaited
   * once before the first timer fires and again after each one, before the next fires (or time moves on to
   * the target), with `now()` still at that timer's due time. It should resolve once that work is done;
   * `TestEngine.advance` passes one that drains its engine. When it rejects, so does the call, with the clock
   * left at that timer's due time.
   */
  readonly idle?: () => unknown;
}

/**
 * A {@link Clock} whose time moves only when a test says so.
 *
 * `setTimeout(fn, ms)` fires `fn` at `now() + ms`. A delay that is not a finite number of at least 0 (negative,
 * `NaN`, `Infinity`) fires after 1 ms, as Node's `setTimeout` does; a delay of 0 fires at `now()`.
 */
export interface SimulatedClock extends Clock {
  /**
   * Moves time forward, firing every timer that falls due on the way in due order (ties in the order they
   * were set), with `now()` equal to each timer's due time while it runs; timers set by a timer fire too when
   * they fall due on the way. Between two timers the clock waits one event-loop turn (a `setImmediate`), which
   * lets promise chains a timer starts run as long as they need no I/O and no further turn. Work that waits on
   * real I/O (a `fetch`, a socket, a file) or on more turns may still be running when the next timer fires,
   * and then sees a later `now()`, unless `options.idle` waits for it.
   */
  advance(by: Duration, options?: AdvanceOptions): Promise<void>;
  /** Advances to an absolute time (never backwards), as {@link SimulatedClock.advance} does. */
  advanceTo(time: number | Date | string, options?: AdvanceOptions): Promise<void>;
  /**
   * Fires timers until none is left, or `limit` have fired (guards against self-rescheduling loops), waiting
   * between them as {@link SimulatedClock.advance} does. Returns how many fired.
   */
  runAll(limit?: number, options?: AdvanceOptions): Promise<number>;
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

// One event-loop turn: lets promise chains started by a timer (and the `setImmediate` callbacks it queued) run
// before the next one fires. Real I/O takes longer; `AdvanceOptions.idle` waits for that.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// Node's setTimeout fires a delay outside [1, 2^31 - 1] ms (negative, NaN, Infinity) after 1 ms. Longer finite
// delays are kept: the system clock chains timers for them.
function delayOf(ms: number): number {
  return Number.isFinite(ms) && ms >= 0 ? ms : 1;
}

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

  async function fireUntil(target: number, limit: number, idle: AdvanceOptions['idle']): Promise<number> {
    let fired = 0;
    await settle();
    await idle?.();
    for (let t = next(target); t !== undefined && fired < limit; t = next(target)) {
      timers.delete(t.seq);
      now = Math.max(now, t.dueAt);
      fired += 1;
      t.fn();
      await settle();
      await idle?.();
    }
    return fired;
  }

  const clock: SimulatedClock = {
    now: () => now,
    setTimeout(fn, ms) {
      seq += 1;
      const id = seq;
      timers.set(id, { seq: id, dueAt: now + delayOf(ms), fn });
      return () => {
        timers.delete(id);
      };
    },
    async advance(by, options) {
      const target = now + toMilliseconds(by);
      await fireUntil(target, Number.POSITIVE_INFINITY, options?.idle);
      now = Math.max(now, target);
    },
    async advanceTo(time, options) {
      const target = toEpoch(time);
      await fireUntil(target, Number.POSITIVE_INFINITY, options?.idle);
      now = Math.max(now, target);
    },
    runAll: (limit = 10_000, options) => fireUntil(Number.POSITIVE_INFINITY, limit, options?.idle),
    pending: () => timers.size,
    nextDueAt: () => next(Number.POSITIVE_INFINITY)?.dueAt,
  };
  return clock;
}
