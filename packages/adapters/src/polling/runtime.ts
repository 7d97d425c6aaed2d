import type { Engine, IngestStatus } from '@policyflow/core';
import { type RetryOptions, type Sleep, withRetry } from './retry.js';

/** What one `pollOnce()` did. */
export interface PollSummary {
  readonly provider: string;
  /** Events received from the API (overlaps and repeats included). */
  readonly fetched: number;
  readonly requests: number;
  /** Events handed to the engine (after the poller's own de-duplication). */
  readonly ingested: number;
  readonly statuses: Readonly<Partial<Record<IngestStatus, number>>>;
  /** The checkpoint after the pass. */
  readonly checkpoint: string | undefined;
  /**
   * True when the pass found that events may be lost (a `gap` was emitted): to the provider's retention, or, at
   * Kota, in a run of equal timestamps longer than a page that could not be read whole.
   */
  readonly gap: boolean;
  readonly retries: number;
}

/** A summary under construction. */
export interface MutableSummary {
  provider: string;
  fetched: number;
  requests: number;
  ingested: number;
  statuses: Partial<Record<IngestStatus, number>>;
  checkpoint: string | undefined;
  gap: boolean;
  retries: number;
}

/** Everything a provider's pass needs, bound once per poller. */
export interface PassRuntime {
  readonly engine: Engine;
  readonly provider: string;
  readonly checkpointName: string;
  readonly source: string;
  readonly now: () => number;
  readonly signal: AbortSignal | undefined;
  /** Calls the API with retries, counting requests and retries into `summary`. */
  call<T>(summary: MutableSummary, fn: () => Promise<T>): Promise<T>;
  /** Ingests events in the given order; per-resource order is kept by the engine's queue. */
  ingest(summary: MutableSummary, events: ReadonlyArray<object>): Promise<void>;
}

/**
 * Builds the pass runtime.
 *
 * @example
 * ```ts
 * const rt = createRuntime({ engine, provider: 'kota', checkpointName: 'poll:kota', source: 'poll', now: Date.now,
 *   sleep: realSleep, random: Math.random, retry: {}, signal: undefined });
 * ```
 */
export function createRuntime(options: {
  readonly engine: Engine;
  readonly provider: string;
  readonly checkpointName: string;
  readonly source: string;
  readonly now: () => number;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly retry: RetryOptions;
  readonly signal: AbortSignal | undefined;
}): PassRuntime {
  const { engine, provider, source } = options;
  return {
    engine,
    provider,
    checkpointName: options.checkpointName,
    source,
    now: options.now,
    signal: options.signal,
    call(summary, fn) {
      return withRetry(
        () => {
          summary.requests += 1;
          return fn();
        },
        options.retry,
        {
          sleep: options.sleep,
          random: options.random,
          signal: options.signal,
          onRetry: (error, delayMs) => {
            summary.retries += 1;
            engine.emit('warning', {
              code: 'poll_retry',
              message: `${provider} poll: ${error.message}; retrying in ${delayMs} ms`,
            });
          },
        },
      );
    },
    async ingest(summary, events) {
      if (events.length === 0) return;
      // Started together so the store's latency overlaps; the engine queues each resource's events in call order.
      const settled = await Promise.allSettled(events.map((e) => engine.ingest(e, { provider, source })));
      let failure: unknown;
      for (const r of settled) {
        if (r.status === 'fulfilled') {
          summary.ingested += 1;
          summary.statuses[r.value.status] = (summary.statuses[r.value.status] ?? 0) + 1;
        } else if (failure === undefined) {
          failure = r.reason;
        }
      }
      if (failure !== undefined) throw failure;
    },
  };
}
