import type { RetryPolicy } from '@policyflow/core';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { sendActionsHook } from './actions.js';
import { type BossOptions, startBoss } from './boss.js';
import { postgresClient } from './pg.js';
import { pgliteClient } from './pglite.js';
import type { SqlClient } from './sql.js';
import { createSqlStore, type SqlStore, type SqlStoreOptions } from './store.js';

/** Options shared by {@link createPgliteStore} and {@link createPostgresStore}. */
export interface DurableStoreOptions extends Omit<SqlStoreOptions, 'onJobs' | 'ownsClient'> {
  /**
   * Run actions as pg-boss jobs, sent inside each commit's transaction (pg-boss retries, backs off and dead
   * letters; a worker runs them, see `createWorker`). Off by default: the engine's own runner claims jobs
   * from the store's table.
   */
  readonly actionQueue?: boolean | (Partial<Omit<BossOptions, 'schema'>> & { readonly retry?: RetryPolicy });
}

/** A durable store; `boss` is set when actions go through pg-boss. */
export interface DurableStore extends SqlStore {
  readonly boss: PgBoss | undefined;
}

async function build(client: SqlClient, options: DurableStoreOptions): Promise<DurableStore> {
  const schema = options.schema ?? 'policyflow';
  const queue = options.actionQueue;
  let boss: PgBoss | undefined;
  try {
    if (queue) {
      const o = queue === true ? {} : queue;
      boss = await startBoss(client, { schema: `${schema}_boss`, ...o });
    }
    const b = boss;
    const store = await createSqlStore(client, {
      ...options,
      ownsClient: false,
      ...(b ? { onJobs: sendActionsHook(() => b, typeof queue === 'object' ? queue.retry : undefined) } : {}),
    });
    return {
      ...store,
      boss,
      async close() {
        await boss?.stop({ graceful: true, close: false }).catch(() => {});
        await client.close();
      },
    };
  } catch (error) {
    await boss?.stop({ close: false }).catch(() => {});
    await client.close();
    throw error;
  }
}

/**
 * A durable store on PGlite: embedded PostgreSQL in a folder on disk (or in memory without `path`).
 * Migrations run on open.
 *
 * @example
 * ```ts
 * const store = await createPgliteStore({ path: './.policyflow' });
 * const engine = createEngine({ providers: [kota(), ten99policy()], store });
 * ```
 */
export async function createPgliteStore(options: DurableStoreOptions & { readonly path?: string } = {}) {
  const client = await pgliteClient(options.path === undefined ? {} : { path: options.path });
  return build(client, options);
}

/**
 * A durable store on PostgreSQL, from a connection string or a `pg` Pool you own. Migrations run on open,
 * under an advisory lock, so many processes may start at once.
 *
 * @example
 * ```ts
 * const store = await createPostgresStore({ url: process.env.DATABASE_URL!, schema: 'policyflow' });
 * ```
 */
export async function createPostgresStore(
  options: DurableStoreOptions &
    ({ readonly url: string; readonly max?: number } | { readonly pool: pg.Pool }),
): Promise<DurableStore> {
  const client =
    'pool' in options
      ? postgresClient({ pool: options.pool })
      : postgresClient({ url: options.url, ...(options.max ? { max: options.max } : {}) });
  return build(client, options);
}
