import type { RetryOverrides, RetryPolicy } from '../rules/types.js';

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/**
 * Milliseconds of a delay written as `30s`, `15m`, `2h`, `2d`, `1w`, `500ms`, or a number of milliseconds;
 * undefined when it is none of those.
 *
 * @example
 * ```ts
 * parseDelay('2d'); // 172800000
 * ```
 */
export function parseDelay(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = DURATION.exec(value.trim());
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/**
 * The default retry policy: 6 attempts, backoff from 1 s up to 10 min.
 *
 * @example
 * ```ts
 * createEngine({ providers, rules, retry: { ...DEFAULT_RETRY, attempts: 10 } });
 * ```
 */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 6, baseMs: 1000, maxMs: 600_000 });

/**
 * The wait before the next attempt after `attempt` failed ones: exponential backoff with full jitter,
 * `random() * min(maxMs, baseMs * 2^(attempt-1))`.
 *
 * @example
 * ```ts
 * backoff({ attempts: 5, baseMs: 1000, maxMs: 60_000 }, 3, () => 0.5); // 2000
 * ```
 */
export function backoff(policy: RetryPolicy, attempt: number, random: () => number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * A retry policy with the defined fields of each override applied in turn (undefined fields keep the base).
 *
 * @example
 * ```ts
 * mergeRetry(DEFAULT_RETRY, { attempts: 3 }); // { attempts: 3, baseMs: 1000, maxMs: 600000 }
 * ```
 */
export function mergeRetry(
  base: RetryPolicy,
  ...overrides: ReadonlyArray<RetryOverrides | undefined>
): RetryPolicy {
  let out = base;
  for (const o of overrides) {
    if (o === undefined) continue;
    out = {
      attempts: o.attempts ?? out.attempts,
      baseMs: o.baseMs ?? out.baseMs,
      maxMs: o.maxMs ?? out.maxMs,
    };
  }
  return out;
}
