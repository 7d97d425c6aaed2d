import { type Db, fromPglite, PgBoss } from 'pg-boss';
import type { PgliteSqlClient } from './pglite.js';
import type { SqlClient, SqlQueryable } from './sql.js';

/**
 * pg-boss queue names the store and the workers use.
 *
 * @example
 * ```ts
 * const dead = await boss.findJobs(queues.actionsDead, {});
 * ```
 */
export const queues = Object.freeze({
  ingest: 'policyflow.ingest',
  ingestDead: 'policyflow.ingest.dead',
  actions: 'policyflow.actions',
  actionsDead: 'policyflow.actions.dead',
});

/**
 * The ingest queue of one shard. Shard 0 is the plain `policyflow.ingest`, so one shard is no shard.
 *
 * @example
 * ```ts
 * ingestQueueName(0); // 'policyflow.ingest'
 * ingestQueueName(2); // 'policyflow.ingest.2'
 * ```
 */
export function ingestQueueName(shard: number): string {
  return shard === 0 ? queues.ingest : `${queues.ingest}.${shard}`;
}

/**
 * The shard of a resource key (FNV-1a): a key always lands in the same shard, so its order holds.
 *
 * @example
 * ```ts
 * shardOf('kota/employer_quote/erhq_1', 4); // 0…3, the same every time
 * ```
 */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}

/**
 * Options of {@link startBoss}. Queue settings (the expiries) are fixed when a queue is created, that is by the
 * first process that starts on a schema; later processes keep them.
 */
export interface BossOptions {
  /** pg-boss's own schema. Default: the store schema followed by `_boss`. */
  readonly schema: string;
  /** How often expired active jobs are found and retried (seconds). Default 60; tests use 1. */
  readonly superviseIntervalSeconds?: number;
  /** Seconds an ingest job may stay active before it is retried (a worker died holding it). Default 60. */
  readonly ingestExpireSeconds?: number;
  /** Seconds an action attempt may run before it is retried. Default 300. */
  readonly actionExpireSeconds?: number;
  /**
   * Ingest queues, each `key_strict_fifo` with a table of its own. A fetch scans its queue's backlog, so
   * several workers do better on several shards. Every producer and worker must use the same number. Default 1.
   */
  readonly ingestShards?: number;
}

/**
 * pg-boss's database interface over one of our clients or transactions.
 *
 * @example
 * ```ts
 * await client.transaction((tx) => boss.send('q', {}, { db: bossDb(tx) }));
 * ```
 */
export function bossDb(q: SqlQueryable): Db {
  return { executeSql: (text, values) => q.query(text, values) };
}

function isPglite(client: SqlClient): client is PgliteSqlClient {
  return client.dialect === 'pglite';
}

/**
 * Starts pg-boss on the same database as the store (same PGlite instance, or same pool) and makes sure the
 * queues exist: ingest with `key_strict_fifo` (one resource's events in order), actions with dead letters.
 *
 * @example
 * ```ts
 * const boss = await startBoss(client, { schema: 'policyflow_boss' });
 * ```
 */
export async function startBoss(client: SqlClient, options: BossOptions): Promise<PgBoss> {
  const supervise = options.superviseIntervalSeconds ?? 60;
  const boss = new PgBoss({
    db: isPglite(client) ? fromPglite(client.db) : bossDb(client),
    ...(isPglite(client) ? { backend: 'pglite' as const } : {}),
    schema: options.schema,
    schedule: false,
    superviseIntervalSeconds: supervise,
    monitorIntervalSeconds: supervise,
    // Completed ingest jobs are worthless once applied (the ledger is the record) and slow the fetch down.
    maintenanceIntervalSeconds: 300,
  });
  // pg-boss reports background failures as events; without a listener an EventEmitter would throw.
  (boss as unknown as NodeJS.EventEmitter).on('error', () => {});
  await boss.start();
  const have = new Set((await boss.getQueues()).map((q) => q.name));
  const ensure = async (name: string, opts: Parameters<PgBoss['createQueue']>[1]) => {
    if (have.has(name)) return;
    // Another process starting at the same moment may create it first; that is fine.
    await boss.createQueue(name, opts).catch(async (error: unknown) => {
      if ((await boss.getQueue(name)) === null) throw error;
    });
  };
  await ensure(queues.ingestDead, { policy: 'standard' });
  const shards = Math.max(1, options.ingestShards ?? 1);
  for (let shard = 0; shard < shards; shard++) {
    await ensure(ingestQueueName(shard), {
      policy: 'key_strict_fifo',
      // A table per shard: the fetch then scans only its own shard's jobs.
      partition: shards > 1,
      retryLimit: 1000,
      retryDelay: 1,
      retryBackoff: true,
      retryDelayMax: 60,
      expireInSeconds: options.ingestExpireSeconds ?? 60,
      deleteAfterSeconds: 600,
      deadLetter: queues.ingestDead,
    });
  }
  await ensure(queues.actionsDead, { policy: 'standard' });
  await ensure(queues.actions, {
    policy: 'standard',
    expireInSeconds: options.actionExpireSeconds ?? 300,
    deadLetter: queues.actionsDead,
  });
  // insert() reads the queue from a cache it fills through its own connection; filling it now means an
  // insert made inside our transaction never waits on a second connection (on PGlite that would deadlock).
  for (let shard = 0; shard < shards; shard++) await boss.insert(ingestQueueName(shard), []);
  await boss.insert(queues.actions, []);
  return boss;
}
