import { createEngine, type Engine, type EngineOptions, type RetryPolicy } from '@policyflow/core';
import type pg from 'pg';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { type ActionPayload, actionRegistry, runActionJobs } from './actions.js';
import { queues } from './boss.js';
import { type IngestPayload, type IngestQueue, ingestQueue } from './ingest.js';
import { createPostgresStore, type DurableStore } from './stores.js';

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** PostgreSQL connection string (or `pool`). */
  readonly url?: string;
  readonly pool?: pg.Pool;
  /** Store schema. Default `policyflow`; pg-boss lives in `<schema>_boss`. */
  readonly schema?: string;
  /** The engine's options, without the store (the worker makes it). */
  readonly engine: Omit<EngineOptions, 'store'>;
  /** Ingest jobs fetched and applied at once (different resources only). Default 100. */
  readonly concurrency?: number;
  /** Action jobs run at once. Default 20; 0 runs no actions in this process. */
  readonly actionConcurrency?: number;
  /** Seconds between polls when a queue is empty. Default 0.5. */
  readonly pollingIntervalSeconds?: number;
  /** Seconds before the jobs of a dead worker are handed to another. Default 60. */
  readonly ingestExpireSeconds?: number;
  /** How often pg-boss looks for such jobs. Default 60. */
  readonly superviseIntervalSeconds?: number;
  /** Retry policy of actions (pg-boss backoff). Default core's `DEFAULT_RETRY`. */
  readonly retry?: RetryPolicy;
  /** Pool size. Default 10. */
  readonly max?: number;
}

/** A running scale-out worker. */
export interface Worker {
  readonly engine: Engine;
  readonly store: DurableStore;
  readonly boss: PgBoss;
  /** A producer on this worker's pg-boss, for receivers living in the same process. */
  readonly queue: IngestQueue;
  /** Stops fetching, lets jobs in hand finish, closes the engine and the pool. */
  stop(): Promise<void>;
}

/**
 * Starts a scale-out worker: it consumes the ingest queue (pg-boss `key_strict_fifo` keyed by resource, so
 * one resource's events apply in order while different resources run in parallel, here and in every other
 * worker) and the action queue. Run as many as you like on one PostgreSQL.
 *
 * @example
 * ```ts
 * const worker = await createWorker({ url: process.env.DATABASE_URL!, engine: { providers: [kota()], rules }, concurrency: 100 });
 * process.on('SIGTERM', () => worker.stop());
 * ```
 */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const common = {
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    actionQueue: {
      ...(options.retry ? { retry: options.retry } : {}),
      superviseIntervalSeconds: options.superviseIntervalSeconds ?? 60,
      ingestExpireSeconds: options.ingestExpireSeconds ?? 60,
    },
  };
  const store = options.pool
    ? await createPostgresStore({ ...common, pool: options.pool })
    : await createPostgresStore({ ...common, url: options.url ?? '', max: options.max ?? 10 });
  const boss = store.boss!;
  const engine = createEngine({ ...options.engine, store });
  const polling = options.pollingIntervalSeconds ?? 0.5;

  await boss.work<IngestPayload>(
    queues.ingest,
    { batchSize: options.concurrency ?? 100, pollingIntervalSeconds: polling, burstWhenBatchFull: true },
    async (jobs) => {
      // A throw (store down) fails the batch and pg-boss retries it; what did commit comes back `duplicate`.
      await Promise.all(
        jobs.map((j) =>
          engine.ingest(j.data.body, {
            provider: j.data.provider,
            source: j.data.source,
            receivedAt: j.data.receivedAt,
          }),
        ),
      );
    },
  );
  const actionConcurrency = options.actionConcurrency ?? 20;
  if (actionConcurrency > 0) {
    const actions = actionRegistry(options.engine.actions);
    await boss.work<
      ActionPayload,
      unknown,
      { includeMetadata: true; perJobResults: true; batchSize: number; pollingIntervalSeconds: number }
    >(
      queues.actions,
      {
        includeMetadata: true,
        perJobResults: true,
        batchSize: actionConcurrency,
        pollingIntervalSeconds: polling,
      },
      (jobs: JobWithMetadata<ActionPayload>[]) =>
        runActionJobs(jobs, {
          store,
          actions,
          emit: engine.emit,
          ...(options.engine.logSink ? { log: options.engine.logSink } : {}),
        }),
    );
  }
  let stopped = false;
  return {
    engine,
    store,
    boss,
    queue: ingestQueue(boss, options.engine.providers),
    async stop() {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, close: false });
      await engine.close();
    },
  };
}
