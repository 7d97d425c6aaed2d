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

/** The real clock: `Date.now()` and `setTimeout`. Timers are unref'd so they never keep a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};
