/**
 * `@policyflow/adapters/postgres`: the durable store on PGlite and PostgreSQL (one schema, one
 * implementation), pg-boss action jobs sent in the commit's transaction, and scale-out workers.
 *
 * @example
 * ```ts
 * import { createPgliteStore } from '@policyflow/adapters/postgres';
 * const engine = createEngine({ providers: [kota()], store: await createPgliteStore({ path: './.policyflow' }) });
 * ```
 */
export type { ActionPayload, ActionWorkerOptions, WorkActionsOptions } from './actions.js';
export { actionRegistry, runActionJobs, sendActionsHook, workActions } from './actions.js';
export type { BossOptions } from './boss.js';
export { bossDb, ingestQueueName, queues, shardOf, startBoss } from './boss.js';
export { orderedUuid, uuidOf } from './ids.js';
export type { Delivery, IngestPayload, IngestQueue } from './ingest.js';
export { ingestQueue, orderKey } from './ingest.js';
export type { Leadership, WhileLeaderOptions } from './leader.js';
export { tryLead, whileLeader } from './leader.js';
export type { PostgresClientOptions, PostgresSqlClient } from './pg.js';
export { postgresClient } from './pg.js';
export type { PgliteClientOptions, PgliteSqlClient } from './pglite.js';
export { pgliteClient } from './pglite.js';
export type { Migration } from './schema.js';
export { migrate, migrations } from './schema.js';
export type { SqlClient, SqlQueryable, SqlResult } from './sql.js';
export { ident } from './sql.js';
export type { SqlStore, SqlStoreOptions } from './store.js';
export { createSqlStore, DEFAULT_JOB_LEASE_MS } from './store.js';
export type { DurableStore, DurableStoreOptions } from './stores.js';
export { createPgliteStore, createPostgresStore } from './stores.js';
export type { Worker, WorkerOptions } from './worker.js';
export { createWorker } from './worker.js';
export type { JobsHook } from './write.js';
