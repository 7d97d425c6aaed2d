import { isPolicyflowError, PolicyflowError } from '@policyflow/core';

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

/** JavaScript's own error types: a bug in the store or in its caller, never a failing database. */
const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/** A driver's error code: a SQLSTATE (`57P01`) or a system one (`ECONNREFUSED`), never free text. */
const ERROR_CODE = /^[0-9A-Z_]{2,32}$/;

/**
 * What the store throws for `error`, raised while it `what`s (`read resource kota/policy/pl_1`): a failure
 * of the database (unreachable, dropped connection, a statement it refused) as `store_failure`, whose 503 makes
 * a webhook sender retry. The message, which a webhook answer carries to the sender, is the store's own with
 * at most the driver's error code: it names no host, user, password or table. The driver's error is the
 * `cause`. A {@link PolicyflowError} and a programming error (`TypeError`, …) stay as they are.
 *
 * @example
 * ```ts
 * await client.query('SELECT 1').catch((e) => { throw storeFailure('pglite', 'read resources', e); });
 * ```
 */
export function storeFailure(dialect: SqlClient['dialect'], what: string, error: unknown): unknown {
  if (isPolicyflowError(error) || PROGRAMMING_ERRORS.some((E) => error instanceof E)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' && ERROR_CODE.test(code) ? ` (${code})` : '';
  return new PolicyflowError('store_failure', `the ${dialect} store failed to ${what}${known}`, {
    cause: error,
  });
}
