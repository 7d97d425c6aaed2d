import type {
  ActionJob,
  AuditEntry,
  ErrorInfo,
  EventSource,
  HistoryEntry,
  InvalidRecord,
  JobStatus,
  LedgerEntry,
  ResourceSnapshot,
} from '@policyflow/core';

type StateValue = ResourceSnapshot['state'];

// `pg` returns bigint columns as strings and PGlite as numbers; Number() reads both.
type Num = number | string;

export interface ResourceRow {
  key: string;
  provider: string;
  lifecycle: string;
  id: string;
  state: StateValue;
  context: Record<string, unknown>;
  state_at: Record<string, number> | null;
  last_event_id: string;
  last_event_type: string;
  occurred_at: Num;
  created_at: Num;
  updated_at: Num;
  version: Num;
}

export function toSnapshot(r: ResourceRow): ResourceSnapshot {
  return {
    key: r.key,
    provider: r.provider,
    lifecycle: r.lifecycle,
    id: r.id,
    state: r.state,
    context: r.context,
    lastEventId: r.last_event_id,
    lastEventType: r.last_event_type,
    occurredAt: Number(r.occurred_at),
    ...(r.state_at === null ? {} : { stateAt: r.state_at }),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

export interface LedgerRow {
  event_id: string;
  provider: string;
  type: string;
  key: string | null;
  status: LedgerEntry['status'];
  occurred_at: Num;
  received_at: Num;
  source: EventSource;
}

export function toLedger(r: LedgerRow): LedgerEntry {
  return {
    eventId: r.event_id,
    provider: r.provider,
    type: r.type,
    key: r.key ?? undefined,
    status: r.status,
    occurredAt: Number(r.occurred_at),
    receivedAt: Number(r.received_at),
    source: r.source,
  };
}

export interface HistoryRow {
  event_id: string;
  type: string;
  status: HistoryEntry['status'];
  from_state: StateValue | null;
  to_state: StateValue;
  occurred_at: Num;
  recorded_at: Num;
  source: EventSource;
}

export function toHistory(r: HistoryRow): HistoryEntry {
  return {
    eventId: r.event_id,
    type: r.type,
    status: r.status,
    from: r.from_state ?? undefined,
    to: r.to_state,
    occurredAt: Number(r.occurred_at),
    recordedAt: Number(r.recorded_at),
    source: r.source,
  };
}

export interface AuditRow {
  resource_key: string;
  event_id: string;
  kind: AuditEntry['kind'];
  rule: string;
  job_id: string | null;
  error: ErrorInfo | null;
  at: Num;
}

export function toAudit(r: AuditRow): AuditEntry {
  return {
    at: Number(r.at),
    resourceKey: r.resource_key === '' ? undefined : r.resource_key,
    eventId: r.event_id,
    kind: r.kind,
    rule: r.rule,
    ...(r.job_id === null ? {} : { jobId: r.job_id }),
    ...(r.error === null ? {} : { error: r.error }),
  };
}

export interface InvalidRow {
  id: string;
  provider: string;
  source: EventSource;
  received_at: Num;
  error: ErrorInfo;
  body: string;
}

export function toInvalid(r: InvalidRow): InvalidRecord {
  return {
    id: r.id,
    provider: r.provider,
    source: r.source,
    receivedAt: Number(r.received_at),
    error: r.error,
    body: r.body,
  };
}

export interface JobRow {
  id: string;
  event_id: string;
  resource_key: string | null;
  rule: string;
  action_index: Num;
  type: string;
  params: unknown;
  while_in: string | null;
  status: JobStatus;
  attempts: Num;
  max_attempts: Num;
  run_at: Num;
  last_error: ErrorInfo | null;
  created_at: Num;
  updated_at: Num;
}

export function toJob(r: JobRow): ActionJob {
  return {
    id: r.id,
    eventId: r.event_id,
    resourceKey: r.resource_key ?? undefined,
    rule: r.rule,
    actionIndex: Number(r.action_index),
    type: r.type,
    params: r.params ?? undefined,
    whileIn: r.while_in ?? undefined,
    status: r.status,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    runAt: Number(r.run_at),
    lastError: r.last_error ?? undefined,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * JSON text for a jsonb parameter, `null` for SQL NULL. jsonb refuses U+0000, which the engine keeps out of
 * events but which an error message (a response body an action quoted, say) or a config literal can still
 * hold: it becomes U+FFFD there, so that writing the record never fails over one character.
 */
export function json(value: unknown): string | null {
  if (value === undefined) return null;
  const out = JSON.stringify(value);
  return out.includes('\\u0000') ? JSON.stringify(value, withoutNul) : out;
}

/** For a `text` column, which refuses U+0000 as jsonb does (see {@link json}). */
export function pgText(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

function withoutNul(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return pgText(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (!keys.some((k) => k.includes('\0'))) return value;
  // fromEntries defines properties, so a `__proto__` key stays an own key here too.
  return Object.fromEntries(keys.map((k) => [pgText(k), (value as Record<string, unknown>)[k]]));
}

export const JOB_COLUMNS =
  'id, event_id, resource_key, rule, action_index, type, params, while_in, status, attempts, max_attempts, run_at, last_error, created_at, updated_at';

/** The columns of {@link JOB_COLUMNS} as parallel arrays, for one `unnest` insert. */
export function jobArrays(jobs: ReadonlyArray<ActionJob>): unknown[] {
  return [
    jobs.map((j) => j.id),
    jobs.map((j) => j.eventId),
    jobs.map((j) => j.resourceKey ?? null),
    jobs.map((j) => j.rule),
    jobs.map((j) => j.actionIndex),
    jobs.map((j) => j.type),
    jobs.map((j) => json(j.params)),
    jobs.map((j) => j.whileIn ?? null),
    jobs.map((j) => j.status),
    jobs.map((j) => j.attempts),
    jobs.map((j) => j.maxAttempts),
    jobs.map((j) => j.runAt),
    jobs.map((j) => json(j.lastError)),
    jobs.map((j) => j.createdAt),
    jobs.map((j) => j.updatedAt),
  ];
}

export const JOB_UNNEST =
  'unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[], $12::bigint[], $13::text[], $14::bigint[], $15::bigint[]) AS u(id, event_id, resource_key, rule, action_index, type, params, while_in, status, attempts, max_attempts, run_at, last_error, created_at, updated_at)';
