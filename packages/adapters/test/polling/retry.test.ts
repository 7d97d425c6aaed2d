import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** The adapters project has no global fast-check setup, so the seed is fixed here. */
const SEED = 42;

import { backoffDelay, ProviderApiError, parseDuration, withRetry } from '../../src/polling/index.js';

function apiError(httpStatus: number, retryAfterMs?: number): ProviderApiError {
  return new ProviderApiError(`status ${httpStatus}`, {
    provider: 'kota',
    httpStatus,
    providerCode: undefined,
    retryAfterMs,
    body: undefined,
  });
}

describe('backoffDelay (full jitter)', () => {
  it('stays in [0, min(max, base·2^attempt))', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, { baseMs: 100, maxMs: 10_000 }, () => r);
        return d >= 0 && d < Math.min(10_000, 100 * 2 ** attempt);
      }),
      { seed: SEED },
    );
  });
});

describe('withRetry', () => {
  it('retries retryable errors, preferring Retry-After, then succeeds', async () => {
    const delays: number[] = [];
    const failures = [apiError(429, 2000), apiError(503), apiError(0)];
    const result = await withRetry(
      async () => {
        const next = failures.shift();
        if (next) throw next;
        return 'ok';
      },
      { baseMs: 100 },
      { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([2000, 100, 200]);
  });

  it('waits a Retry-After up to maxMs, no longer', async () => {
    const delays: number[] = [];
    const failures = [apiError(503, 3_600_000), apiError(429, 90_000)];
    const run = (maxMs?: number) =>
      withRetry(
        async () => {
          const next = failures.shift();
          if (next) throw next;
          return 'ok';
        },
        maxMs === undefined ? {} : { maxMs },
        { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
      );
    expect(await run(5_000)).toBe('ok');
    expect(delays).toEqual([5_000, 5_000]);
    failures.push(apiError(503, 3_600_000));
    expect(await run()).toBe('ok');
    expect(delays[2]).toBe(60_000);
  });

  it('throws 401/403 and other 4xx at once, and gives up after maxRetries', async () => {
    for (const status of [401, 403, 400, 404]) {
      let calls = 0;
      const p = withRetry(
        async () => {
          calls += 1;
          throw apiError(status);
        },
        {},
        { sleep: async () => {}, random: () => 0 },
      );
      await expect(p).rejects.toBeInstanceOf(ProviderApiError);
      expect(calls).toBe(1);
    }
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw apiError(500);
        },
        { maxRetries: 2 },
        { sleep: async () => {}, random: () => 0 },
      ),
    ).rejects.toThrow('status 500');
    expect(calls).toBe(3);
  });
});

describe('parseDuration', () => {
  it('reads units and numbers, and rejects the rest', () => {
    expect([
      parseDuration('250ms'),
      parseDuration('30s'),
      parseDuration('1m'),
      parseDuration('2h'),
      parseDuration(5),
    ]).toEqual([250, 30_000, 60_000, 7_200_000, 5]);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
    expect(() => parseDuration(-1)).toThrow(/not a duration/);
  });
});
