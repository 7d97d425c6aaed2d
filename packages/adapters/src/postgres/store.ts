import {
  type ActionJob,
  type CommitOutcome,
  type ErrorInfo,
  type IngestWrite,
  PolicyflowError,
  type ResourceSnapshot,
  type Store,
} from '@policyflow/core';
import { Coalescer } from './coalesce.js';
import {
  type AuditRow,
  type HistoryRow,
  type InvalidRow,
  type JobRow,
  json,
  type LedgerRow,
  pgText,
  type ResourceRow,
  toAudit,
  toHistory,
  toInvalid,
  toJob,
  toLedger,
  toSnapshot,
} from './rows.js';
import { migrate } from './schema.js';
import { ident, isRetryable, type SqlClient, type SqlQueryable, storeFailure } from './sql.js';
import { commitBatch, insertAudit, type JobsHook } from './write.js';

/** Options of {@link createSqlStore}. */
export interface SqlStoreOptions {
  /** The PostgreSQL schema the tables live in. Default `policyflow`. */
  readonly schema?: string;
  /** Most ingests committed in one transaction. Default 500. */
  readonly maxBatch?: number;
  /** History lines `getHistory` returns when no limit is given. Default 50. */
  readonly historyLimit?: number;
  /** Audit lines `listAudit` returns when no limit is given. Default 200. */
  readonly auditLimit?: number;
  /**
   * Called inside each commit transaction with the jobs it inserted. When set, something else (pg-boss) runs
   * the jobs, so `claimJobs` hands out nothing and `nextJobDueAt` is always undefined.
   */
  readonly onJobs?: JobsHook;
  /** Close the client when the store closes. Default true. */
  readonly ownsClient?: boolean;
  /**
   * How long a job claimed by the engine's runner may stay `running` without word from its runner before
   * another runner takes it again (its process died mid-attempt). A live runner renews the leases of the
   * jobs it runs every third of this, so an attempt may take longer. The lost attempt counts, with the
   * error `action_interrupted`. Default 10 minutes.
   */
  readonly jobLeaseMs?: number;
}

/** Default of {@link SqlStoreOptions.jobLeaseMs}. */
export const DEFAULT_JOB_LEASE_MS = 10 * 60_000;

/** A {@link Store} on SQL, with the client it runs on. */
export interface SqlStore extends Store {
  readonly client: SqlClient;
  readonly schema: string;
}

const RETRIES = 5;

/**
 * When a running job's lease ends, given the lease in ms as the parameter `$n`: its own end once a runner
 * has set one, else the claim time plus the lease (rows claimed before migration 3 have no end).
 */
function leaseEnd(n: number): string {
  return `coalesce(lease_until, updated_at + $${n}::bigint)`;
}

/** A write whose transaction failed, carried back to its own caller only. */
interface Failed {
  readonly failed: unknown;
}

async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetryable(error) || attempt >= RETRIES) throw error;
    }
  }
}

/**
 * Splits writes into rounds in which no event id and no resource key appears twice, so each batch
 * statement sees every row at most once. The engine already serializes one resource's ingests, so in practice
 * there is one round.
 */
function rounds(writes: ReadonlyArray<IngestWrite>): Array<Array<[number, IngestWrite]>> {
  const out: Array<Array<[number, IngestWrite]>> = [];
  const seen: Array<Set<string>> = [];
  writes.forEach((w, i) => {
    const ids = [`e:${w.ledger.eventId}`, ...(w.snapshot ? [`k:${w.snapshot.key}`] : [])];
    let r = 0;
    while (r < out.length && ids.some((id) => seen[r]!.has(id))) r++;
    if (r === out.length) {
      out.push([]);
      seen.push(new Set());
    }
    out[r]!.push([i, w]);
    for (const id of ids) seen[r]!.add(id);
  });
  return out;
}

/**
 * The one SQL store implementation behind `createPgliteStore` and `createPostgresStore`: applies migrations,
 * then serves the Store port. Concurrent commits are grouped into one transaction, and concurrent
 * `getResource` / `hasEvent` calls into one query each.
 *
 * @example
 * ```ts
 * const store = await createSqlStore(await pgliteClient(), { schema: 'policyflow' });
 * const engine = createEngine({ providers: [kota()], store });
 * ```
 */
export async function createSqlStore(client: SqlClient, options: SqlStoreOptions = {}): Promise<SqlStore> {
  const schema = options.schema ?? 'policyflow';
  const s = ident(schema);
  const historyLimit = options.historyLimit ?? 50;
  const auditLimit = options.auditLimit ?? 200;
  const external = options.onJobs !== undefined;
  const lease = options.jobLeaseMs ?? DEFAULT_JOB_LEASE_MS;
  if (!(lease > 0 && Number.isFinite(lease))) {
    throw new PolicyflowError(
      'invalid_argument',
      `jobLeaseMs must be a finite number above 0, got ${lease}`,
      {
        path: ['jobLeaseMs'],
      },
    );
  }
  await migrate(client, schema);

  const batching = { parallelism: client.parallelism, maxBatch: options.maxBatch ?? 500 };
  const commitGroup = (part: ReadonlyArray<IngestWrite>) =>
    withRetry(() => client.transaction((tx) => commitBatch(tx, s, part, options.onJobs)));
  const commits = new Coalescer<IngestWrite, CommitOutcome | Failed>(async (writes) => {
    const outcomes: Array<CommitOutcome | Failed> = new Array(writes.length);
    for (const round of rounds(writes)) {
      const part = round.map(([, w]) => w);
      let results: Array<CommitOutcome | Failed>;
      try {
        results = await commitGroup(part);
      } catch (error) {
        // One bad write must not fail the ingests that happened to share its transaction: alone, each
        // either commits or fails by itself.
        results = part.length === 1 ? [{ failed: error }] : await commitAlone(part);
      }
      round.forEach(([i], j) => {
        outcomes[i] = results[j]!;
      });
    }
    return outcomes;
  }, batching);
  async function commitAlone(part: ReadonlyArray<IngestWrite>): Promise<Array<CommitOutcome | Failed>> {
    const out: Array<CommitOutcome | Failed> = [];
    for (const w of part) {
      try {
        out.push((await commitGroup([w]))[0]!);
      } catch (error) {
        out.push({ failed: error });
      }
    }
    return out;
  }
  /**
   * Jobs left `running` past their lease belong to a runner that died mid-attempt. The lost attempt counts:
   * each goes back to `pending`, due now, or is dead when that was its last, with an audit line saying which.
   * One statement, so it costs a round of claims one round trip and no transaction of its own.
   */
  async function reclaimJobs(now: number): Promise<ActionJob[]> {
    if (external) return [];
    const error: ErrorInfo = {
      code: 'action_interrupted',
      message: `the attempt did not finish within the job lease (${lease} ms): its runner stopped`,
      path: [],
    };
    const { rows } = await client.query<JobRow>(
      `WITH stale AS (
         UPDATE ${s}.jobs j SET attempts = j.attempts + 1, last_error = $3::jsonb, updated_at = $1, run_at = $1,
                lease_until = NULL,
                status = CASE WHEN j.attempts + 1 >= j.max_attempts THEN 'dead' ELSE 'pending' END
         FROM (SELECT id FROM ${s}.jobs WHERE status = 'running' AND ${leaseEnd(2)} <= $1
               FOR UPDATE SKIP LOCKED) c
         WHERE j.id = c.id RETURNING j.*),
       logged AS (
         INSERT INTO ${s}.audit (resource_key, event_id, kind, rule, job_id, error, at)
         SELECT coalesce(resource_key, ''), event_id,
                CASE WHEN status = 'dead' THEN 'action.dead' ELSE 'action.failed' END, rule, id, last_error, $1
         FROM stale ORDER BY seq)
       SELECT * FROM stale ORDER BY seq`,
      [now, lease, json(error)],
    );
    return rows.map(toJob);
  }

  const resources = new Coalescer<string, ResourceSnapshot | undefined>(async (keys) => {
    const { rows } = await client.query<ResourceRow>(
      `SELECT * FROM ${s}.resources WHERE key = ANY($1::text[])`,
      [[...new Set(keys)]],
    );
    const byKey = new Map(rows.map((r) => [r.key, toSnapshot(r)]));
    return keys.map((k) => byKey.get(k));
  }, batching);
  const events = new Coalescer<string, boolean>(async (ids) => {
    const { rows } = await client.query<{ event_id: string }>(
      `SELECT event_id FROM ${s}.ledger WHERE event_id = ANY($1::text[])`,
      [[...new Set(ids)]],
    );
    const seen = new Set(rows.map((r) => r.event_id));
    return ids.map((id) => seen.has(id));
  }, batching);
  let closed = false;

  /**
   * `work`, with a database failure turned into `store_failure` (see {@link storeFailure}): every read and
   * write the engine asks for but `commit` (which the engine wraps itself) goes through here, so an outage
   * met by a read of an ingest is a 503 a webhook sender retries, not a 500. The message is built only on
   * failure.
   */
  async function guard<T>(work: Promise<T>, what: string, subject?: string): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw storeFailure(client.dialect, subject === undefined ? what : `${what} ${subject}`, error);
    }
  }

  return {
    kind: client.dialect,
    client,
    schema,
    getResource: (key) => guard(resources.run(key), 'read resource', key),
    async listResources(filter = {}) {
      const { rows } = await guard(
        client.query<ResourceRow>(
          `SELECT * FROM ${s}.resources WHERE ($1::text IS NULL OR provider = $1) AND ($2::text IS NULL OR lifecycle = $2)
         ORDER BY key LIMIT $3`,
          [filter.provider ?? null, filter.lifecycle ?? null, filter.limit ?? null],
        ),
        'list resources',
      );
      return rows.map(toSnapshot);
    },
    async getHistory(key, limit = historyLimit) {
      const { rows } = await guard(
        client.query<HistoryRow>(
          `SELECT * FROM (SELECT * FROM ${s}.history WHERE key = $1 ORDER BY seq DESC LIMIT $2) h ORDER BY seq`,
          [key, limit],
        ),
        'read the history of',
        key,
      );
      return rows.map(toHistory);
    },
    hasEvent: (eventId) => guard(events.run(eventId), 'look up event', eventId),
    async getLedgerEntry(eventId) {
      const { rows } = await guard(
        client.query<LedgerRow>(`SELECT * FROM ${s}.ledger WHERE event_id = $1`, [eventId]),
        'read the ledger entry of',
        eventId,
      );
      return rows[0] === undefined ? undefined : toLedger(rows[0]);
    },
    async commit(write) {
      // A failed commit goes back as the database's own error: the engine makes it `store_failure` (the
      // one wrapping keeps the database's message one `cause` away, where hosts' logs look for it).
      const outcome = await commits.run(write);
      if (typeof outcome === 'object') throw outcome.failed;
      return outcome;
    },
    async recordInvalid(record) {
      await guard(
        client.query(
          `INSERT INTO ${s}.invalid (id, provider, source, received_at, error, body) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
         ON CONFLICT (id) DO NOTHING`,
          [
            record.id,
            pgText(record.provider),
            pgText(record.source),
            record.receivedAt,
            json(record.error),
            pgText(record.body),
          ],
        ),
        'record the invalid delivery',
        record.id,
      );
    },
    async listInvalid(filter = {}) {
      const { rows } = await guard(
        client.query<InvalidRow>(
          `SELECT * FROM (SELECT * FROM ${s}.invalid WHERE ($1::text IS NULL OR provider = $1) ORDER BY seq DESC LIMIT $2) v
         ORDER BY seq`,
          [filter.provider ?? null, filter.limit ?? null],
        ),
        'list invalid deliveries',
      );
      return rows.map(toInvalid);
    },
    async getCheckpoint(name) {
      const { rows } = await guard(
        client.query<{ value: string }>(`SELECT value FROM ${s}.checkpoints WHERE name = $1`, [name]),
        'read checkpoint',
        name,
      );
      return rows[0]?.value;
    },
    async setCheckpoint(name, value) {
      await guard(
        client.query(
          `INSERT INTO ${s}.checkpoints (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
          [name, value],
        ),
        'write checkpoint',
        name,
      );
    },
    reclaimJobs: (now) => guard(reclaimJobs(now), 'take back jobs past their lease'),
    jobLeaseMs: lease,
    async renewJobs(held, now) {
      const answer = held.map(() => false);
      if (external || held.length === 0) return answer;
      // Fenced like updateJob: a lease is renewed only while the row is still the claim its runner holds.
      // Each renewed row names the held claim it matched (`n`), not just its id: one runner may hold two
      // claims of one job (an attempt that lost its lease, and the job claimed again), and only one stands.
      // Only `lease_until` moves, never the claim, so a renewal whose answer is lost changes nothing a
      // runner relies on.
      const { rows } = await guard(
        client.query<{ n: string | number }>(
          `UPDATE ${s}.jobs j SET lease_until = $1 + $5::bigint
         FROM unnest($2::text[], $3::int[], $4::bigint[]) WITH ORDINALITY AS h(id, attempts, claimed_at, n)
         WHERE j.id = h.id AND j.status = 'running' AND j.attempts = h.attempts AND j.updated_at = h.claimed_at
         RETURNING h.n`,
          [now, held.map((j) => j.id), held.map((j) => j.attempts), held.map((j) => j.updatedAt), lease],
        ),
        'renew job leases',
      );
      for (const row of rows) answer[Number(row.n) - 1] = true;
      return answer;
    },
    async claimJobs(now, limit) {
      if (external) return [];
      // SKIP LOCKED lets several processes claim at once without handing one job to two of them.
      const { rows } = await guard(
        client.query<JobRow>(
          `UPDATE ${s}.jobs j SET status = 'running', updated_at = $1, lease_until = $1 + $3::bigint
         FROM (SELECT id FROM ${s}.jobs WHERE status = 'pending' AND run_at <= $1 ORDER BY run_at, created_at, seq
               LIMIT $2 FOR UPDATE SKIP LOCKED) c
         WHERE j.id = c.id RETURNING j.*`,
          [now, limit, lease],
        ),
        'claim jobs',
      );
      return rows.map(toJob).sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt);
    },
    async updateJob(job, audit, claimed) {
      return guard(
        client.transaction(async (tx) => {
          if (!(await upsertJob(tx, s, job, claimed))) return false;
          if (audit) await insertAudit(tx, s, audit);
          // A dead job made pending again with fresh attempts (`engine.retryDead`): queue it anew.
          if (options.onJobs && job.status === 'pending' && job.attempts === 0)
            await options.onJobs(tx, [job], true);
          return true;
        }),
        'update job',
        job.id,
      );
    },
    async getJob(id) {
      const { rows } = await guard(
        client.query<JobRow>(`SELECT * FROM ${s}.jobs WHERE id = $1`, [id]),
        'read job',
        id,
      );
      return rows[0] === undefined ? undefined : toJob(rows[0]);
    },
    async listJobs(filter = {}) {
      const { rows } = await guard(
        client.query<JobRow>(
          `SELECT * FROM ${s}.jobs WHERE ($1::text[] IS NULL OR status = ANY($1::text[]))
         AND ($2::text IS NULL OR resource_key = $2) ORDER BY seq LIMIT $3`,
          [filter.status ? [...filter.status] : null, filter.resourceKey ?? null, filter.limit ?? null],
        ),
        'list jobs',
      );
      return rows.map(toJob);
    },
    async nextJobDueAt() {
      if (external) return undefined;
      // A running job's lease ends too: then a runner must wake to take it back.
      const { rows } = await guard(
        client.query<{ at: string | number | null }>(
          `SELECT least((SELECT min(run_at) FROM ${s}.jobs WHERE status = 'pending'),
                      (SELECT min(${leaseEnd(1)}) FROM ${s}.jobs
                       WHERE status = 'running')) AS at`,
          [lease],
        ),
        'find when the next job is due',
      );
      const at = rows[0]?.at;
      return at === null || at === undefined ? undefined : Number(at);
    },
    async listAudit(resourceKey, limit = auditLimit) {
      const { rows } = await guard(
        client.query<AuditRow>(
          `SELECT * FROM (SELECT * FROM ${s}.audit WHERE resource_key = $1 ORDER BY seq DESC LIMIT $2) a ORDER BY seq`,
          [resourceKey, limit],
        ),
        'read the audit of',
        resourceKey,
      );
      return rows.map(toAudit);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (options.ownsClient ?? true) await client.close();
    },
  };
}

/**
 * Writes a job's whole row (insert when missing). With `claimed`, only while the stored row is still that claim
 * (running, same attempts, same claim time); answers whether it wrote.
 */
export async function upsertJob(
  tx: SqlQueryable,
  s: string,
  job: ActionJob,
  claimed?: ActionJob,
): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO ${s}.jobs (id, event_id, resource_key, rule, action_index, type, params, while_in, status, attempts,
       max_attempts, run_at, last_error, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13::jsonb, $14, $15)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, run_at = EXCLUDED.run_at,
       last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at
     WHERE $16::int IS NULL OR (jobs.status = 'running' AND jobs.attempts = $16::int AND jobs.updated_at = $17::bigint)
     RETURNING 1`,
    [
      job.id,
      job.eventId,
      job.resourceKey ?? null,
      job.rule,
      job.actionIndex,
      job.type,
      json(job.params),
      job.whileIn ?? null,
      job.status,
      job.attempts,
      job.maxAttempts,
      job.runAt,
      json(job.lastError),
      job.createdAt,
      job.updatedAt,
      claimed?.attempts ?? null,
      claimed?.updatedAt ?? null,
    ],
  );
  return rows.length > 0;
}
