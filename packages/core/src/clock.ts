/**
 * The engine reads time only through a `Clock`, so tests can drive time by hand
 * (see `createSimulatedClock` in `@policyflow/testing`).
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: [kota()], clock: systemClock });
 * ```
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** The longest wait one Node timer takes: longer ones fire after 1 ms (with a `TimeoutOverflowWarning`). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The real clock: `Date.now()` and `setTimeout`. Timers are unref'd so they never keep a process alive. A wait
 * longer than one Node timer allows (about 24.8 days: a `delay: 30d` reminder) is a chain of timers, each
 * waiting what is left, so it fires when asked rather than at once (and a wait of `Infinity` never fires).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const at = Date.now() + ms;
    let handle: ReturnType<typeof setTimeout>;
    const arm = (wait: number): void => {
      handle = setTimeout(
        wait > MAX_TIMER_MS ? () => arm(at - Date.now()) : fn,
        Math.min(Math.max(wait, 0), MAX_TIMER_MS),
      );
      handle.unref?.();
    };
    arm(ms);
    return () => clearTimeout(handle);
  },
};
