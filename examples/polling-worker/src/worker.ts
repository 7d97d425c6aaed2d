import {
  createPoller,
  kotaClient,
  type Poller,
  type PollSummary,
  ten99policyClient,
} from '@policyflow/adapters/polling';
import { createEngine, type Engine, kota, type RuleSpec, type Store, ten99policy } from '@policyflow/core';

/** Where each provider's events API is, and its key. */
export interface ApiSettings {
  readonly baseUrl?: string;
  readonly apiKey: string;
}

/** Options of {@link createPollingWorker}. */
export interface PollingWorkerOptions {
  readonly store: Store;
  readonly kota?: ApiSettings;
  readonly ten99policy?: ApiSettings;
  readonly rules?: ReadonlyArray<RuleSpec>;
}

/** A worker that keeps the engine in step with the providers by polling alone (no public webhook endpoint). */
export interface PollingWorker {
  readonly engine: Engine;
  readonly pollers: ReadonlyArray<Poller>;
  /** One catch-up pass over every provider. */
  pollOnce(): Promise<PollSummary[]>;
  /** Polls every `every` until `signal` aborts, then closes the engine and the store. */
  run(every: string, signal: AbortSignal): Promise<void>;
}

/**
 * Builds a polling worker. Each poller keeps its checkpoint in the store, so a restarted worker carries on
 * where it stopped, and an event seen twice is a `duplicate` in the engine's ledger.
 *
 * @example
 * ```ts
 * const worker = createPollingWorker({ store: await createPgliteStore({ path: './.policyflow' }), kota: { apiKey } });
 * await worker.run('1m', controller.signal);
 * ```
 */
export function createPollingWorker(options: PollingWorkerOptions): PollingWorker {
  const engine = createEngine({
    providers: [kota(), ten99policy()],
    store: options.store,
    ...(options.rules ? { rules: options.rules } : {}),
  });
  const pollers: Poller[] = [];
  if (options.kota) pollers.push(createPoller({ engine, client: kotaClient(options.kota) }));
  if (options.ten99policy)
    pollers.push(createPoller({ engine, client: ten99policyClient(options.ten99policy) }));
  return {
    engine,
    pollers,
    pollOnce: () => Promise.all(pollers.map((p) => p.pollOnce())),
    async run(every, signal) {
      try {
        await Promise.all(pollers.map((p) => p.start({ every, signal })));
      } finally {
        await engine.close();
      }
    },
  };
}
