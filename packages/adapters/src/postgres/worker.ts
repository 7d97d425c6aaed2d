import {
  createEngine,
  type Engine,
  type EngineOptions,
  PolicyflowError,
  type RetryPolicy,
} from '@policyflow/core';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { workActions } from './actions.js';
import { ingestQueueName } from './boss.js';
import { type IngestPayload, type IngestQueue, ingestQueue } from './ingest.js';
import { ident } from './sql.js';
import { createPostgresStore, type DurableStore } from './stores.js';

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

const SHARDS_CHECKPOINT = 'policyflow:ingest-shards';

/**
 * The first worker on a schema records its shard count; a later one with another count would break
 * per-resource order (a key would move shard), so it refuses to start.
 */
async function agreeOnShards(store: DurableStore, shards: number): Promise<void> {
  const s = ident(store.schema);
  await store.client.query(
    `INSERT INTO ${s}.checkpoints (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
    [SHARDS_CHECKPOINT, String(shards)],
  );
  const recorded = await store.getCheckpoint(SHARDS_CHECKPOINT);
  if (recorded !== String(shards)) {
    await store.close();
    throw new PolicyflowError(
      'invalid_argument',
      `this schema's ingest queue has ${recorded} shard(s); start every worker and producer with shards: ${recorded}`,
      { path: ['shards'] },
    );
  }
}

/** Applies one fetched batch and settles each job on its own. */
async function applyBatch(
  boss: PgBoss,
  engine: Engine,
  queue: string,
  jobs: ReadonlyArray<{ id: string; data: IngestPayload }>,
): Promise<void> {
  const settled = await Promise.allSettled(
    jobs.map((j) =>
      engine.ingest(j.data.body, {
        provider: j.data.provider,
        source: j.data.source,
        receivedAt: j.data.receivedAt,
      }),
    ),
  );
  const done = jobs.filter((_, i) => settled[i]!.status === 'fulfilled').map((j) => j.id);
  const failed = jobs.filter((_, i) => settled[i]!.status === 'rejected').map((j) => j.id);
  // If settling fails, the jobs expire and run again; the ledger makes that a no-op.
  if (done.length > 0) await boss.complete(queue, done).catch(() => {});
  if (failed.length > 0) await boss.fail(queue, failed).catch(() => {});
}

/**
 * One fetch loop over the ingest shards, round robin from a shard of its own. pg-boss hands out at most one
 * job per resource key at a time (`key_strict_fifo`), so a batch never holds two events of one resource.
 * Each job is settled on its own: a failed ingest is retried by pg-boss and holds back only its resource.
 * The loop fetches again at once while there is work, and waits `idleMs` only when every shard is empty.
 */
async function ingestLoop(
  boss: PgBoss,
  engine: Engine,
  o: { readonly batchSize: number; readonly idleMs: number; readonly shards: number; readonly first: number },
  stopped: () => boolean,
): Promise<void> {
  let shard = o.first % o.shards;
  let empty = 0;
  while (!stopped()) {
    const queue = ingestQueueName(shard);
    shard = (shard + 1) % o.shards;
    let jobs: Array<{ id: string; data: IngestPayload }> = [];
    try {
      jobs = await boss.fetch<IngestPayload>(queue, { batchSize: o.batchSize });
    } catch {
      // A failed fetch counts as an empty shard: the loop backs off rather than spinning.
    }
    if (jobs.length === 0) {
      empty += 1;
      if (empty >= o.shards) {
        empty = 0;
        await pause(o.idleMs);
      }
      continue;
    }
    empty = 0;
    await applyBatch(boss, engine, queue, jobs);
  }
}

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** PostgreSQL connection string (or `pool`). */
  readonly url?: string;
  readonly pool?: pg.Pool;
  /** Store schema. Default `policyflow`; pg-boss lives in `<schema>_boss`. */
  readonly schema?: string;
  /** The engine's options, without the store (the worker makes it). */
  readonly engine: Omit<EngineOptions, 'store'>;
  /** Ingest jobs fetched and applied at once (different resources only). Default 1000. */
  readonly concurrency?: number;
  /**
   * Fetch loops on the ingest queue. Default 1: the fetch scans the backlog, so on a small database server
   * more loops compete more than they overlap; raise it when the server has cores to spare.
   */
  readonly fetchers?: number;
  /** Action jobs run at once. Default 20; 0 runs no actions in this process. */
  readonly actionConcurrency?: number;
  /** Seconds between polls when a queue is empty. Default 0.5. */
  readonly pollingIntervalSeconds?: number;
  /** Ingest queue shards; producers (`ingestQueue`) must use the same number. Default 1. */
  readonly shards?: number;
  /** Seconds before the jobs of a dead worker are handed to another. Default 60. */
  readonly ingestExpireSeconds?: number;
  /** Seconds an action attempt may run before pg-boss retries it. Default 300. */
  readonly actionExpireSeconds?: number;
  /** How often pg-boss looks for such jobs. Default 60. */
  readonly superviseIntervalSeconds?: number;
  /** Retry policy of actions (pg-boss backoff). Default core's `DEFAULT_RETRY`. */
  readonly retry?: RetryPolicy;
  /** Pool size. Default 10. */
  readonly max?: number;
  /** Start consuming at once. Default true; with false, call `start()`. */
  readonly autoStart?: boolean;
}

/** A running scale-out worker. */
export interface Worker {
  readonly engine: Engine;
  readonly store: DurableStore;
  readonly boss: PgBoss;
  /** A producer on this worker's pg-boss, for receivers living in the same process. */
  readonly queue: IngestQueue;
  /** Starts consuming (when created with `autoStart: false`); idempotent. */
  start(): Promise<void>;
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
  const shards = Math.max(1, options.shards ?? 1);
  const common = {
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    actionQueue: {
      ...(options.retry ? { retry: options.retry } : {}),
      superviseIntervalSeconds: options.superviseIntervalSeconds ?? 60,
      ingestExpireSeconds: options.ingestExpireSeconds ?? 60,
      actionExpireSeconds: options.actionExpireSeconds ?? 300,
      ingestShards: shards,
    },
  };
  const store = options.pool
    ? await createPostgresStore({ ...common, pool: options.pool })
    : await createPostgresStore({ ...common, url: options.url ?? '', max: options.max ?? 10 });
  const boss = store.boss!;
  await agreeOnShards(store, shards);
  // The worker's retry policy is the engine's too: the engine gives each job its attempts (`maxAttempts`), which
  // the action queue counts against, while the queue's backoff comes from the same policy.
  const engine = createEngine({
    ...options.engine,
    ...(options.retry ? { retry: { ...options.retry, ...options.engine.retry } } : {}),
    store,
  });
  const polling = options.pollingIntervalSeconds ?? 0.5;
  let stopped = false;

  let loops: Array<Promise<void>> | undefined;
  async function start(): Promise<void> {
    if (loops !== undefined || stopped) return;
    // The action worker first: pg-boss checks its options (a polling interval under 0.5 s is refused), and a
    // worker that failed to start must not be consuming the ingest queue already.
    const actionConcurrency = options.actionConcurrency ?? 20;
    if (actionConcurrency > 0) {
      await workActions(boss, {
        store,
        ...(options.engine.actions ? { actions: options.engine.actions } : {}),
        emit: engine.emit,
        concurrency: actionConcurrency,
        pollingIntervalSeconds: polling,
        ...(options.engine.logSink ? { log: options.engine.logSink } : {}),
      });
    }
    const offset = Math.floor(Math.random() * shards);
    loops = Array.from({ length: options.fetchers ?? 1 }, (_, i) =>
      ingestLoop(
        boss,
        engine,
        { batchSize: options.concurrency ?? 1000, idleMs: polling * 1000, shards, first: offset + i },
        () => stopped,
      ),
    );
  }
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    await Promise.all(loops ?? []);
    await boss.stop({ graceful: true, close: false });
    await engine.close();
  }
  if (options.autoStart ?? true) {
    try {
      await start();
    } catch (error) {
      // The caller gets no worker to stop: its queue, pool and connections are closed here.
      await stop().catch(() => undefined);
      throw error;
    }
  }
  return {
    engine,
    store,
    boss,
    queue: ingestQueue(boss, options.engine.providers, { shards }),
    start,
    stop,
  };
}
