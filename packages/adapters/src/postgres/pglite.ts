import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlQueryable, SqlResult } from './sql.js';

interface PgliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
}

function wrap(db: PgliteLike): SqlQueryable {
  return {
    async query<R>(text: string, params?: ReadonlyArray<unknown>): Promise<SqlResult<R>> {
      const r = await db.query<R>(text, params ? [...params] : undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  };
}

/** Options of {@link pgliteClient}. */
export interface PgliteClientOptions {
  /** A folder on disk (created when missing); omit for an in-memory database. */
  readonly path?: string;
  /** An already open PGlite instance; the client does not close it. */
  readonly db?: PGlite;
}

/** A {@link SqlClient} and the PGlite instance behind it (pg-boss's PGlite adapter needs the instance). */
export interface PgliteSqlClient extends SqlClient {
  readonly db: PGlite;
}

/**
 * A {@link SqlClient} on PGlite, embedded PostgreSQL in WebAssembly: one connection, in this process.
 *
 * @example
 * ```ts
 * const client = await pgliteClient({ path: './.policyflow' });
 * await client.query('SELECT 1');
 * await client.close();
 * ```
 */
export async function pgliteClient(options: PgliteClientOptions = {}): Promise<PgliteSqlClient> {
  const owned = options.db === undefined;
  const db = options.db ?? (options.path === undefined ? new PGlite() : new PGlite(options.path));
  await db.waitReady;
  const base = wrap(db);
  return {
    dialect: 'pglite',
    parallelism: 1,
    db,
    query: base.query,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    session: (fn) => fn({ ...base, lost: new Promise<void>(() => {}) }),
    async close() {
      if (owned && !db.closed) await db.close();
    },
  };
}
