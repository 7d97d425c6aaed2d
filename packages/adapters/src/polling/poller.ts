import { type Engine, isPolicyflowError, PolicyflowError, parseTimestamp } from '@policyflow/core';
import type { KotaClient } from './kota.js';
import { type KotaPollOptions, kotaPass } from './kotaPoller.js';
import { parseDuration, type RetryOptions, realSleep, type Sleep } from './retry.js';
import { createRuntime, type MutableSummary, type PassRuntime, type PollSummary } from './runtime.js';
import type { Ten99PolicyClient } from './ten99policy.js';
import { type Ten99PolicyPollOptions, ten99policyPass } from './ten99policyPoller.js';

/** Options of {@link createPoller}. Provider-specific options apply to that provider's client only. */
export interface PollerOptions extends KotaPollOptions, Ten99PolicyPollOptions {
  readonly engine: Engine;
  readonly client: KotaClient | Ten99PolicyClient;
  /** The catalog's provider name. Default: the client's (`kota` / `ten99policy`). */
  readonly provider?: string;
  /** Where the checkpoint lives in the store. Default `poll:<provider>`. */
  readonly checkpointName?: string;
  /** Without a checkpoint, start here (epoch ms, Date or ISO). Default: everything the API still has. */
  readonly since?: number | Date | string;
  /** `source` recorded with each event. Default `poll`. */
  readonly source?: string;
  readonly retry?: RetryOptions;
  /** Injectable for deterministic tests. Defaults: the engine's clock, a real timer, `Math.random`. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** Called when a pass fails in `start()` (after its retries) and polling goes on. */
  readonly onError?: (error: unknown) => void;
}

/** Options of {@link Poller.start}. */
export interface StartOptions {
  /** Pause between passes: ms or `30s`, `1m`, … */
  readonly every: number | string;
  readonly signal?: AbortSignal;
}

/**
 * A poller for one provider's events API.
 *
 * @example
 * ```ts
 * const poller = createPoller({ engine, client: kotaClient({ baseUrl, apiKey }) });
 * await poller.pollOnce();
 * await poller.start({ every: '1m', signal: controller.signal }); // resolves when aborted
 * ```
 */
export interface Poller {
  readonly provider: string;
  /** One catch-up pass; concurrent calls share the pass in flight. */
  pollOnce(options?: { readonly signal?: AbortSignal }): Promise<PollSummary>;
  /**
   * Polls until `signal` aborts. A failed pass is reported (`warning` on the bus, `onError`) and retried on
   * the next tick, except refused credentials (401/403), which stop polling: the promise rejects.
   */
  start(options: StartOptions): Promise<void>;
}

function sinceOf(value: number | Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : parseTimestamp(value);
  if (ms === undefined)
    throw new PolicyflowError('invalid_argument', `since '${String(value)}' is not a time`, {
      path: ['since'],
    });
  return ms;
}

/**
 * Creates a poller. Kota: reads `GET /events` ascending from the checkpoint minus an overlap, each page from just
 * before the previous page's newest event (Kota orders equal timestamps in no stable way), de-duplicating by id,
 * warning near the 30-day retention and emitting `gap` past it. 1099Policy: walks `GET /api/v1/events`
 * (newest first) back to the checkpoint event with `starting_after`, then ingests oldest first. Both keep the
 * checkpoint in the engine's store, retry 429/5xx with full-jitter backoff honouring `Retry-After`, and stop
 * on 401/403. An event the webhook already delivered is a `duplicate` in the engine's ledger. When an ingest
 * fails (store failure, overload), the pass stops without moving the checkpoint past that page and the next
 * pass ingests it again: what went through is a `duplicate`, and an event whose resource moved on meanwhile is
 * recorded as `stale`; nothing is lost.
 *
 * @example
 * ```ts
 * const poller = createPoller({ engine, client: ten99policyClient({ apiKey }), pageSize: 100 });
 * const summary = await poller.pollOnce(); // { fetched, ingested, statuses: { applied: 12, duplicate: 3 }, … }
 * ```
 */
export function createPoller(options: PollerOptions): Poller {
  const { engine, client } = options;
  const provider = options.provider ?? client.provider;
  if (engine.catalog(provider) === undefined) {
    throw new PolicyflowError('invalid_argument', `the engine has no provider '${provider}'`, {
      path: ['provider'],
    });
  }
  const since = sinceOf(options.since);
  const pass =
    client.provider === 'kota' ? kotaPass(client, options, since) : ten99policyPass(client, options, since);
  const now = options.now ?? (() => engine.clock.now());
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const runtimeFor = (signal: AbortSignal | undefined): PassRuntime =>
    createRuntime({
      engine,
      provider,
      checkpointName: options.checkpointName ?? `poll:${provider}`,
      source: options.source ?? 'poll',
      now,
      sleep,
      random,
      retry: options.retry ?? {},
      signal,
    });
  let inFlight: Promise<PollSummary> | undefined;

  async function run(signal: AbortSignal | undefined): Promise<PollSummary> {
    const summary: MutableSummary = {
      provider,
      fetched: 0,
      requests: 0,
      ingested: 0,
      statuses: {},
      checkpoint: undefined,
      gap: false,
      retries: 0,
    };
    await pass(runtimeFor(signal), summary);
    return summary;
  }

  const poller: Poller = {
    provider,
    pollOnce(call = {}) {
      inFlight ??= run(call.signal).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    async start({ every, signal }) {
      const interval = parseDuration(every);
      while (!signal?.aborted) {
        try {
          await poller.pollOnce(signal === undefined ? {} : { signal });
        } catch (error) {
          if (signal?.aborted) break;
          if (isPolicyflowError(error, 'provider_auth_failed')) throw error;
          engine.emit('warning', {
            code: 'poll_failed',
            message: `${provider} poll failed: ${String(error)}`,
          });
          options.onError?.(error);
        }
        if (signal?.aborted) break;
        await sleep(interval, signal);
      }
    },
  };
  return poller;
}
