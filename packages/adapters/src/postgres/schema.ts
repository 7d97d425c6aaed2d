import { PolicyflowError } from '@policyflow/core';
import { ident, type SqlClient } from './sql.js';

/** One schema change. Versions only ever grow; a released migration is never edited. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL with `{{s}}` standing for the quoted schema name. */
  readonly sql: string;
}

/**
 * The store's migrations, oldest first.
 *
 * @example
 * ```ts
 * const newest = migrations[migrations.length - 1]!.version;
 * ```
 */
export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE {{s}}.ledger (
  event_id text PRIMARY KEY,
  provider text NOT NULL,
  type text NOT NULL,
  key text,
  status text NOT NULL,
  occurred_at bigint NOT NULL,
  received_at bigint NOT NULL,
  source text NOT NULL
);
CREATE TABLE {{s}}.resources (
  key text PRIMARY KEY,
  provider text NOT NULL,
  lifecycle text NOT NULL,
  id text NOT NULL,
  state jsonb NOT NULL,
  context jsonb NOT NULL,
  last_event_id text NOT NULL,
  last_event_type text NOT NULL,
  occurred_at bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  version integer NOT NULL
);
CREATE INDEX resources_provider_lifecycle ON {{s}}.resources (provider, lifecycle);
CREATE TABLE {{s}}.history (
  seq bigserial PRIMARY KEY,
  key text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  status text NOT NULL,
  from_state jsonb,
  to_state jsonb NOT NULL,
  occurred_at bigint NOT NULL,
  recorded_at bigint NOT NULL,
  source text NOT NULL
);
CREATE INDEX history_key ON {{s}}.history (key, seq);
CREATE TABLE {{s}}.audit (
  seq bigserial PRIMARY KEY,
  resource_key text NOT NULL,
  event_id text NOT NULL,
  kind text NOT NULL,
  rule text NOT NULL,
  job_id text,
  error jsonb,
  at bigint NOT NULL
);
CREATE INDEX audit_resource ON {{s}}.audit (resource_key, seq);
CREATE TABLE {{s}}.invalid (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  provider text NOT NULL,
  source text NOT NULL,
  received_at bigint NOT NULL,
  error jsonb NOT NULL,
  body text NOT NULL
);
CREATE TABLE {{s}}.checkpoints (
  name text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE {{s}}.jobs (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  event_id text NOT NULL,
  resource_key text,
  rule text NOT NULL,
  action_index integer NOT NULL,
  type text NOT NULL,
  params jsonb,
  while_in text,
  status text NOT NULL,
  attempts integer NOT NULL,
  max_attempts integer NOT NULL,
  run_at bigint NOT NULL,
  last_error jsonb,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX jobs_pending ON {{s}}.jobs (run_at, created_at) WHERE status = 'pending';
CREATE INDEX jobs_status ON {{s}}.jobs (status, seq);
CREATE INDEX jobs_resource ON {{s}}.jobs (resource_key, seq);
`,
  },
  {
    version: 2,
    name: 'resource state_at',
    sql: `ALTER TABLE {{s}}.resources ADD COLUMN state_at jsonb;
`,
  },
  {
    // When a running job's lease ends, apart from `updated_at`, which is the claim its runner's writes are
    // fenced on: renewing a lease must not move the claim. NULL (jobs claimed before this): claim + lease.
    version: 3,
    name: 'job lease_until',
    sql: `ALTER TABLE {{s}}.jobs ADD COLUMN lease_until bigint;
`,
  },
];

function lockKey(schema: string): string {
  return `policyflow:migrate:${schema}`;
}

/**
 * Brings `schema` up to the newest migration. Idempotent, and safe when several processes start at once: the
 * whole run is one transaction holding an advisory lock on the schema's name, so the second process waits,
 * then finds nothing left to do. Returns the versions it applied.
 *
 * @example
 * ```ts
 * const applied = await migrate(client, 'policyflow'); // [1] on a fresh database, [] after that
 * ```
 */
export async function migrate(client: SqlClient, schema: string): Promise<number[]> {
  const s = ident(schema);
  try {
    return await client.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey(schema)]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${s}.migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${s}.migrations`);
      const done = new Set(rows.map((r) => Number(r.version)));
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        for (const statement of m.sql.replaceAll('{{s}}', s).split(';\n')) {
          if (statement.trim() !== '') await tx.query(statement);
        }
        await tx.query(`INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
        applied.push(m.version);
      }
      return applied;
    });
  } catch (cause) {
    throw new PolicyflowError(
      'migration_failed',
      `migrating schema ${schema} failed: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}
