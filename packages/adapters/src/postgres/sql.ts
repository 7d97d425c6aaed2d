/** Rows a statement returned and how many rows it touched. */
export interface SqlResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** Anything that runs one parameterised statement: a client, or an open transaction. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>): Promise<SqlResult<R>>;
}

/** One database session, held for a while. */
export interface SqlSession extends SqlQueryable {
  /** Resolves when the session's connection drops (never, on PGlite). */
  readonly lost: Promise<void>;
}

/**
 * The tiny database surface the store needs, so one store implementation runs on PGlite and on PostgreSQL.
 * `pgliteClient` and `postgresClient` are the two drivers.
 *
 * @example
 * ```ts
 * const client: SqlClient = postgresClient({ url: 'postgres://postgres@127.0.0.1:5432/test' });
 * const n = await client.transaction(async (tx) => (await tx.query('SELECT 1 AS one')).rows.length);
 * ```
 */
export interface SqlClient extends SqlQueryable {
  /** `pglite` is one in-process connection; `postgres` is a pool. */
  readonly dialect: 'pglite' | 'postgres';
  /** Commits that may run at once: 1 on PGlite (one connection), a few on a pool. */
  readonly parallelism: number;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Runs `fn` on one session (advisory session locks need that); PGlite has only one. */
  session<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Quotes an SQL identifier (a schema name).
 *
 * @example
 * ```ts
 * ident('my"schema'); // '"my""schema"'
 * ```
 */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const RETRYABLE = new Set(['40001', '40P01']);

/** True for serialization failures and deadlocks, which a retry of the whole transaction fixes. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}
