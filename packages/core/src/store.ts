import type { StateValue } from 'xstate';
import type { ErrorInfo } from './errors.js';
import type { EventSource, PolicyEvent } from './event.js';

/**
 * Every status `ingest` can report, in the order summaries print them. docs/concepts.md says what each means.
 *
 * @example
 * ```ts
 * const counts = Object.fromEntries(ingestStatuses.map((s) => [s, 0]));
 * ```
 */
export const ingestStatuses = [
  'applied',
  'forced',
  'rejected',
  'stale',
  'duplicate',
  'unhandled',
  'invalid',
] as const;

/** What `ingest` made of one delivery. */
export type IngestStatus = (typeof ingestStatuses)[number];

/** The stored state of one resource. */
export interface ResourceSnapshot {
  readonly key: string;
  readonly provider: string;
  readonly lifecycle: string;
  readonly id: string;
  /** The machine's state value: a status string, or an object for parallel machines. */
  readonly state: StateValue;
  /** The resource's data as last seen: every applied event's `data`, shallow-merged in order. */
  readonly context: Readonly<Record<string, unknown>>;
  readonly lastEventId: string;
  readonly lastEventType: string;
  /** `occurredAt` of the newest event applied (epoch ms). */
  readonly occurredAt: number;
  /**
   * Per state region (`''` for a flat machine), `occurredAt` of the newest event that set it. An event older
   * than `occurredAt` may still set a region it is newer for (a status change delivered after a later
   * "data changed" event); otherwise it is `stale`. A store that does not keep it makes every event older
   * than `occurredAt` stale.
   */
  readonly stateAt?: Readonly<Record<string, number>>;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incremented on every change; a SQL store uses it for optimistic concurrency. */
  readonly version: number;
}

/** One line of a resource's history. */
export interface HistoryEntry {
  readonly eventId: string;
  readonly type: string;
  readonly status: 'applied' | 'forced' | 'rejected' | 'stale';
  readonly from: StateValue | undefined;
  readonly to: StateValue;
  readonly occurredAt: number;
  readonly recordedAt: number;
  readonly source: EventSource;
}

/** One line of the event ledger: every well-formed event id ever seen, with what became of it. */
export interface LedgerEntry {
  readonly eventId: string;
  readonly provider: string;
  readonly type: string;
  readonly key: string | undefined;
  readonly status: IngestStatus;
  readonly occurredAt: number;
  readonly receivedAt: number;
  readonly source: EventSource;
}

/** A delivery that failed validation, kept whole so nothing is lost. */
export interface InvalidRecord {
  readonly id: string;
  readonly provider: string;
  readonly source: EventSource;
  readonly receivedAt: number;
  readonly error: ErrorInfo;
  /** The body as received (text), so it can be replayed once the cause is fixed. */
  readonly body: string;
}

/** Status of an action job. */
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'dead' | 'cancelled';

/** One fired action: a job that runs at least once, identified by its idempotency key. */
export interface ActionJob {
  /** `eventId:rule:actionIndex`: the same delivery fires the same key, so redelivery never doubles it. */
  readonly id: string;
  readonly eventId: string;
  readonly resourceKey: string | undefined;
  readonly rule: string;
  readonly actionIndex: number;
  readonly type: string;
  /** Params with templates already rendered against the firing event. */
  readonly params: unknown;
  /** Cancel the job when it comes due if the resource has left this state. */
  readonly whileIn: string | undefined;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Epoch ms when the job may (next) run. */
  readonly runAt: number;
  readonly lastError: ErrorInfo | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** An audit line: a rule fired, or an action attempt ended. */
export interface AuditEntry {
  readonly at: number;
  readonly resourceKey: string | undefined;
  readonly eventId: string;
  readonly kind: 'rule.fired' | 'action.succeeded' | 'action.failed' | 'action.dead' | 'action.cancelled';
  readonly rule: string;
  readonly jobId?: string;
  readonly error?: ErrorInfo;
}

/**
 * Everything one ingest writes, committed as one unit: a SQL store makes it one transaction, so a crash
 * leaves all of it or none of it.
 */
export interface IngestWrite {
  readonly ledger: LedgerEntry;
  /** The new snapshot, when the resource changed. */
  readonly snapshot?: ResourceSnapshot | undefined;
  /** The version the snapshot replaces (0 for a new resource); a mismatch is a `conflict`. */
  readonly expectedVersion?: number | undefined;
  readonly history?: HistoryEntry | undefined;
  /**
   * The JSON text of the delivery, when the snapshot's context is exactly its data as the standard envelope
   * reads it (`data.object` when that is an object, else `data`): a store may keep this text instead of the
   * parsed tree and parse the context from it when read. The engine sets it only for text it parsed itself.
   */
  readonly contextText?: string | undefined;
  readonly jobs?: ReadonlyArray<ActionJob>;
  readonly audit?: ReadonlyArray<AuditEntry>;
}

/** `duplicate`: the ledger already had the event id; `conflict`: the snapshot moved on since it was read. */
export type CommitOutcome = 'committed' | 'duplicate' | 'conflict';

/**
 * The synchronous face of a store that keeps everything in process memory. When a store offers it, the engine
 * reads and commits without awaiting, which is most of the cost of an in-memory ingest.
 */
export interface SyncStoreOps {
  /**
   * The store this face belongs to. The engine and the job runner use a face only when it is the face of the
   * very store they were given (`store.sync.owner === store`). A wrapper built by spreading a store
   * (`{ ...inner, claimJobs }`) is another object: the inner face it copied, which would bypass its
   * overrides, is then ignored, and the wrapper's own (awaited) methods are called.
   */
  readonly owner: Store;
  hasEvent(eventId: string): boolean;
  getResource(key: string): ResourceSnapshot | undefined;
  /**
   * The own keys of the context of `snapshot` (as this face's `getResource` returned it), in order, known
   * without reading that context (which may be kept as text); undefined when the store does not know them.
   * The engine merges the next event's data with it by them.
   */
  contextKeys?(snapshot: ResourceSnapshot): ReadonlyArray<string> | undefined;
  commit(write: IngestWrite): CommitOutcome;
  /**
   * Commits what `commit` would for the write of an event that moved (or forced) its resource, its parts
   * handed over one by one: the engine's hot path, which then builds no write, ledger entry or history line
   * (three objects an ingest). The line is `from` → `to`, recorded at `recordedAt`; the ledger entry's
   * fields are the event's. Optional: without it the engine builds the write for `commit`.
   */
  commitEvent?(
    event: PolicyEvent,
    status: 'applied' | 'forced' | 'rejected' | 'stale',
    source: EventSource,
    receivedAt: number,
    from: StateValue | undefined,
    to: StateValue,
    recordedAt: number,
    snapshot: ResourceSnapshot | undefined,
    expectedVersion: number | undefined,
    contextText: string | undefined,
    jobs: ReadonlyArray<ActionJob>,
    audit: ReadonlyArray<AuditEntry>,
  ): CommitOutcome;
  /**
   * `Store.claimJobs` without the promise. Optional: with it (and `updateJob`), the job runner runs an action
   * whose handler answers at once (log, emit) from claim to outcome in one turn, without awaiting.
   */
  claimJobs?(now: number, limit: number): ActionJob[];
  /** `Store.updateJob` without the promise; see `claimJobs`. */
  updateJob?(job: ActionJob, audit?: ReadonlyArray<AuditEntry>, claimed?: ActionJob): boolean;
}

/**
 * The persistence port. The engine owns ordering; the store owns durability.
 * `createMemoryStore()` implements it in memory; `@policyflow/adapters/postgres` on PGlite and PostgreSQL.
 */
export interface Store {
  readonly kind: string;
  /**
   * Present only on in-memory stores; see {@link SyncStoreOps}. The engine and the job runner use it in
   * place of the methods it mirrors, but only when its `owner` is this store: a wrapper that spreads a store
   * and overrides some of its methods gets its overrides called without doing anything more.
   */
  readonly sync?: SyncStoreOps;
  getResource(key: string): Promise<ResourceSnapshot | undefined>;
  listResources(filter?: {
    readonly provider?: string;
    readonly lifecycle?: string;
    readonly limit?: number;
  }): Promise<ResourceSnapshot[]>;
  getHistory(key: string, limit?: number): Promise<HistoryEntry[]>;
  hasEvent(eventId: string): Promise<boolean>;
  getLedgerEntry(eventId: string): Promise<LedgerEntry | undefined>;
  commit(write: IngestWrite): Promise<CommitOutcome>;

  recordInvalid(record: InvalidRecord): Promise<void>;
  listInvalid(filter?: { readonly provider?: string; readonly limit?: number }): Promise<InvalidRecord[]>;

  getCheckpoint(name: string): Promise<string | undefined>;
  setCheckpoint(name: string, value: string): Promise<void>;

  /** Marks up to `limit` pending jobs due at `now` as running and returns them, oldest `runAt` first. */
  claimJobs(now: number, limit: number): Promise<ActionJob[]>;
  /**
   * For a store that outlives its process: takes back jobs left `running` past the store's job lease (their
   * runner died mid-attempt), counting the lost attempt as `action_interrupted`, and returns them as they
   * now are, `pending` again or `dead`. Such a store also counts each lease's end in `nextJobDueAt`, so that
   * a runner wakes for it. The runner calls this before it claims, and reports each job on the bus.
   */
  reclaimJobs?(now: number): Promise<ActionJob[]>;
  /** The job lease of a store that takes jobs back (see `reclaimJobs`), in ms: runners renew within it. */
  readonly jobLeaseMs?: number;
  /**
   * For a store that takes jobs back: makes the leases of jobs a runner is still running (each as
   * `claimJobs` handed it out) run from `now`, fenced as `updateJob` is. Answers one boolean per held job, in
   * order: false when its claim no longer stands (it was taken back, so its runner's outcome will be
   * dropped). A renewal never changes the claim itself. The runner renews every third of the lease, so an
   * attempt may outlast the lease while its process lives.
   */
  renewJobs?(held: ReadonlyArray<ActionJob>, now: number): Promise<boolean[]>;
  /**
   * Writes a job's new status, attempts, runAt and error (and appends its audit lines). With `claimed` (the
   * job as `claimJobs` handed it out), it writes only while the stored job is still that claim, and answers
   * false otherwise: its lease ran out and another runner took the job back, whose outcome stands.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a store written before the fence answers nothing, which means written.
  updateJob(job: ActionJob, audit?: ReadonlyArray<AuditEntry>, claimed?: ActionJob): Promise<boolean | void>;
  getJob(id: string): Promise<ActionJob | undefined>;
  listJobs(filter?: {
    readonly status?: ReadonlyArray<JobStatus>;
    readonly resourceKey?: string;
    readonly limit?: number;
  }): Promise<ActionJob[]>;
  /** The earliest `runAt` among pending jobs, so a runner can sleep until then. */
  nextJobDueAt(): Promise<number | undefined>;
  listAudit(resourceKey: string, limit?: number): Promise<AuditEntry[]>;

  close(): Promise<void>;
}
