import { backoff, PolicyflowError, parseDelay } from '@policyflow/core';
import { ProviderApiError } from './errors.js';

/** Sleeps `ms`, resolving early when `signal` aborts. Injectable so tests never wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The real sleep: a timer, cleared when the signal aborts.
 *
 * @example
 * ```ts
 * await realSleep(1000, controller.signal);
 * ```
 */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

const DEFAULT_MAX_MS = 60_000;

/** Retry policy of a poller. */
export interface RetryOptions {
  /** Attempts after the first. Default 8. */
  readonly maxRetries?: number;
  /** First backoff ceiling. Default 500 ms. */
  readonly baseMs?: number;
  /** Backoff ceiling. Default 60 s. */
  readonly maxMs?: number;
}

/** What {@link withRetry} needs besides the policy. */
export interface RetryRuntime {
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly signal?: AbortSignal | undefined;
  readonly onRetry?: (error: ProviderApiError, delayMs: number, attempt: number) => void;
}

/**
 * Exponential backoff with full jitter: a uniform delay in `[0, min(maxMs, baseMs·2^attempt))`.
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseMs: 500, maxMs: 60_000 }, Math.random); // somewhere in [0, 4000)
 * ```
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number): number {
  // Core's full-jitter backoff counts failed attempts from 1; the pollers count retries from 0.
  return backoff(
    { attempts: Infinity, baseMs: options.baseMs ?? 500, maxMs: options.maxMs ?? DEFAULT_MAX_MS },
    attempt + 1,
    random,
  );
}

/**
 * Runs `fn`, retrying retryable {@link ProviderApiError}s (429, 5xx, network) with full-jitter backoff; a
 * `Retry-After` the provider sent wins over the backoff, up to `maxMs`. Anything else (401/403 included) is
 * thrown at once.
 *
 * @example
 * ```ts
 * const page = await withRetry(() => client.listEvents({ page: 1 }), {}, { sleep: realSleep, random: Math.random });
 * ```
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  options: RetryOptions,
  runtime: RetryRuntime,
): Promise<T> {
  const maxRetries = options.maxRetries ?? 8;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ProviderApiError) || !error.retryable || attempt >= maxRetries) throw error;
      if (runtime.signal?.aborted) throw error;
      // A provider's Retry-After wins, up to the backoff ceiling: an hour (or a far HTTP-date) would stall
      // a pass, and a `poll --once`, for that long.
      const delay =
        error.retryAfterMs === undefined
          ? backoffDelay(attempt, options, runtime.random)
          : Math.min(error.retryAfterMs, options.maxMs ?? DEFAULT_MAX_MS);
      runtime.onRetry?.(error, delay, attempt);
      await runtime.sleep(delay, runtime.signal);
    }
  }
}

/**
 * `250ms`, `30s`, `1m`, `2h`, `1d`, or a number of ms.
 *
 * @example
 * ```ts
 * parseDuration('1m'); // 60000
 * ```
 */
export function parseDuration(value: number | string): number {
  const ms = parseDelay(typeof value === 'string' ? value.trim() : value);
  if (ms !== undefined) return ms;
  throw new PolicyflowError(
    'invalid_argument',
    `'${String(value)}' is not a duration (e.g. 500ms, 30s, 1m, 2h)`,
    {
      path: ['every'],
    },
  );
}
