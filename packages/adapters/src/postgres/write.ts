import type { ActionJob, AuditEntry, CommitOutcome, IngestWrite } from '@policyflow/core';
import { JOB_COLUMNS, JOB_UNNEST, jobArrays, json } from './rows.js';
import type { SqlQueryable } from './sql.js';

/**
 * Called inside the commit transaction with the jobs it inserted (pg-boss sends them on the same
 * transaction); `redrive` is set when a dead job is being run again.
 */
export type JobsHook = (tx: SqlQueryable, jobs: ReadonlyArray<ActionJob>, redrive?: boolean) => Promise<void>;

function ledgerArrays(writes: ReadonlyArray<IngestWrite>): unknown[] {
  const l = writes.map((w) => w.ledger);
  return [
    l.map((e) => e.eventId),
    l.map((e) => e.provider),
    l.map((e) => e.type),
    l.map((e) => e.key ?? null),
    l.map((e) => e.status),
    l.map((e) => e.occurredAt),
    l.map((e) => e.receivedAt),
    l.map((e) => e.source),
  ];
}

async function insertLedger(
  tx: SqlQueryable,
  s: string,
  writes: ReadonlyArray<IngestWrite>,
): Promise<Set<string>> {
  const { rows } = await tx.query<{ event_id: string }>(
    `INSERT INTO ${s}.ledger (event_id, provider, type, key, status, occurred_at, received_at, source)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[])
     ORDER BY 1 ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    ledgerArrays(writes),
  );
  return new Set(rows.map((r) => r.event_id));
}

const SNAPSHOT_COLUMNS =
  'key, provider, lifecycle, id, state, context, last_event_id, last_event_type, occurred_at, created_at, updated_at, version, state_at';

function snapshotArrays(writes: ReadonlyArray<IngestWrite>): unknown[] {
  const s = writes.map((w) => w.snapshot!);
  return [
    s.map((r) => r.key),
    s.map((r) => r.provider),
    s.map((r) => r.lifecycle),
    s.map((r) => r.id),
    s.map((r) => json(r.state)),
    s.map((r) => json(r.context)),
    s.map((r) => r.lastEventId),
    s.map((r) => r.lastEventType),
    s.map((r) => r.occurredAt),
    s.map((r) => r.createdAt),
    s.map((r) => r.updatedAt),
    s.map((r) => r.version),
    writes.map((w) => w.expectedVersion ?? -1),
    s.map((r) => json(r.stateAt)),
  ];
}

/**
 * Writes the snapshots, each only if the stored version is still the one the ingest read (0: no row yet;
 * -1: no check). Under READ COMMITTED a concurrent writer's UPDATE makes ours re-check the new row and
 * miss, and a concurrent INSERT makes ours do nothing, so a lost race is a missing key, never an error.
 */
async function writeSnapshots(
  tx: SqlQueryable,
  s: string,
  writes: ReadonlyArray<IngestWrite>,
): Promise<Set<string>> {
  const { rows } = await tx.query<{ key: string }>(
    `WITH i AS MATERIALIZED (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::bigint[], $10::bigint[], $11::bigint[], $12::int[], $13::int[], $14::text[])
       AS u(key, provider, lifecycle, id, state, context, last_event_id, last_event_type, occurred_at, created_at, updated_at, version, expected, state_at)
     ),
     upd AS (
       UPDATE ${s}.resources r SET provider = i.provider, lifecycle = i.lifecycle, id = i.id, state = i.state::jsonb,
         context = i.context::jsonb, last_event_id = i.last_event_id, last_event_type = i.last_event_type,
         occurred_at = i.occurred_at, created_at = i.created_at, updated_at = i.updated_at, version = i.version,
         state_at = i.state_at::jsonb
       FROM i WHERE r.key = i.key AND i.expected <> 0 AND (i.expected < 0 OR r.version = i.expected)
       RETURNING r.key
     ),
     ins AS (
       INSERT INTO ${s}.resources (${SNAPSHOT_COLUMNS})
       SELECT key, provider, lifecycle, id, state::jsonb, context::jsonb, last_event_id, last_event_type, occurred_at,
         created_at, updated_at, version, state_at::jsonb
       FROM i WHERE i.expected = 0 OR (i.expected < 0 AND NOT EXISTS (SELECT 1 FROM ${s}.resources x WHERE x.key = i.key))
       ORDER BY key
       ON CONFLICT (key) DO NOTHING
       RETURNING key
     )
     SELECT key FROM upd UNION ALL SELECT key FROM ins`,
    snapshotArrays(writes),
  );
  return new Set(rows.map((r) => r.key));
}

async function insertHistory(tx: SqlQueryable, s: string, writes: ReadonlyArray<IngestWrite>): Promise<void> {
  const rows = writes.filter((w) => w.history !== undefined && w.ledger.key !== undefined);
  if (rows.length === 0) return;
  const h = rows.map((w) => w.history!);
  await tx.query(
    `INSERT INTO ${s}.history (key, event_id, type, status, from_state, to_state, occurred_at, recorded_at, source)
     SELECT key, event_id, type, status, from_state::jsonb, to_state::jsonb, occurred_at, recorded_at, source
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[])
     AS u(key, event_id, type, status, from_state, to_state, occurred_at, recorded_at, source)`,
    [
      rows.map((w) => w.ledger.key!),
      h.map((e) => e.eventId),
      h.map((e) => e.type),
      h.map((e) => e.status),
      h.map((e) => json(e.from)),
      h.map((e) => json(e.to)),
      h.map((e) => e.occurredAt),
      h.map((e) => e.recordedAt),
      h.map((e) => e.source),
    ],
  );
}

/** Inserts jobs; an idempotency key already stored is kept as it is. Returns the jobs actually inserted. */
export async function insertJobs(
  tx: SqlQueryable,
  s: string,
  jobs: ReadonlyArray<ActionJob>,
): Promise<ReadonlyArray<ActionJob>> {
  if (jobs.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO ${s}.jobs (${JOB_COLUMNS})
     SELECT id, event_id, resource_key, rule, action_index, type, params::jsonb, while_in, status, attempts,
       max_attempts, run_at, last_error::jsonb, created_at, updated_at
     FROM ${JOB_UNNEST} ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id`,
    jobArrays(jobs),
  );
  const inserted = new Set(rows.map((r) => r.id));
  return jobs.filter((j) => inserted.has(j.id));
}

/** Appends audit lines. */
export async function insertAudit(
  tx: SqlQueryable,
  s: string,
  entries: ReadonlyArray<AuditEntry>,
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO ${s}.audit (resource_key, event_id, kind, rule, job_id, error, at)
     SELECT resource_key, event_id, kind, rule, job_id, error::jsonb, at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
     AS u(resource_key, event_id, kind, rule, job_id, error, at)`,
    [
      entries.map((a) => a.resourceKey ?? ''),
      entries.map((a) => a.eventId),
      entries.map((a) => a.kind),
      entries.map((a) => a.rule),
      entries.map((a) => a.jobId ?? null),
      entries.map((a) => json(a.error)),
      entries.map((a) => a.at),
    ],
  );
}

/**
 * Commits many ingests in one transaction, each with the outcome it would have had alone: a duplicate or a
 * conflicting write leaves no trace (its ledger row is taken back), the others all land. A fixed number of
 * set-based statements per batch, whatever its size: that is what makes group commit pay.
 */
export async function commitBatch(
  tx: SqlQueryable,
  s: string,
  writes: ReadonlyArray<IngestWrite>,
  onJobs: JobsHook | undefined,
): Promise<CommitOutcome[]> {
  const inserted = await insertLedger(tx, s, writes);
  const withSnapshot = writes.filter((w) => w.snapshot !== undefined && inserted.has(w.ledger.eventId));
  const conflicted = new Set<string>();
  if (withSnapshot.length > 0) {
    const landed = await writeSnapshots(tx, s, withSnapshot);
    for (const w of withSnapshot) if (!landed.has(w.snapshot!.key)) conflicted.add(w.ledger.eventId);
    if (conflicted.size > 0) {
      await tx.query(`DELETE FROM ${s}.ledger WHERE event_id = ANY($1::text[])`, [[...conflicted]]);
    }
  }
  const committed = writes.filter((w) => inserted.has(w.ledger.eventId) && !conflicted.has(w.ledger.eventId));
  await insertHistory(tx, s, committed);
  const newJobs = await insertJobs(
    tx,
    s,
    committed.flatMap((w) => w.jobs ?? []),
  );
  await insertAudit(
    tx,
    s,
    committed.flatMap((w) => w.audit ?? []),
  );
  if (onJobs !== undefined && newJobs.length > 0) await onJobs(tx, newJobs);
  return writes.map((w) =>
    conflicted.has(w.ledger.eventId)
      ? 'conflict'
      : inserted.has(w.ledger.eventId)
        ? 'committed'
        : 'duplicate',
  );
}
