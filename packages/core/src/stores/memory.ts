import type { StateValue } from 'xstate';
import type { EventSource } from '../event.js';
import { cloneOrCopy } from '../internal/clone.js';
import type {
  ActionJob,
  AuditEntry,
  CommitOutcome,
  IngestStatus,
  IngestWrite,
  InvalidRecord,
  ResourceSnapshot,
  Store,
  SyncStoreOps,
} from '../store.js';
import { StateCodes } from './memory/columns.js';
import { DelayedJobs } from './memory/delayedJobs.js';
import { Ledger } from './memory/ledger.js';
import { ResourceTable, StoredSnapshot } from './memory/resources.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** History lines `getHistory` returns at most per resource (the newest). Default 50. */
  readonly historyLimit?: number;
  /** Audit lines kept per resource. Default 200. */
  readonly auditLimit?: number;
  /**
   * Finished jobs (`succeeded`, `cancelled`) kept for `getJob` and `listJobs`, the newest; older ones are
   * forgotten, so a long-lived host with rules does not grow by one job per fired action. Dead letters and
   * jobs still to run are always kept. Default 10 000.
   */
  readonly finishedJobLimit?: number;
}

function isFinished(job: ActionJob): boolean {
  return job.status === 'succeeded' || job.status === 'cancelled';
}

/** True when `stored` is still the claim `claimed` (nobody took the job back since). */
function isClaim(stored: ActionJob | undefined, claimed: ActionJob): boolean {
  return (
    stored?.status === 'running' &&
    stored.attempts === claimed.attempts &&
    stored.updatedAt === claimed.updatedAt
  );
}

// What the store's readers get: copies, so that a caller changing one (a job's `runAt`, its params) changes
// nothing the store keeps; a delayed job's place in its heap is its `runAt` as written.
function jobCopy(job: ActionJob): ActionJob {
  const params = job.params;
  return {
    ...job,
    params: params !== null && typeof params === 'object' ? cloneOrCopy(params) : params,
    lastError: job.lastError === undefined ? undefined : { ...job.lastError },
  };
}

function auditCopy(entry: AuditEntry): AuditEntry {
  return entry.error === undefined ? { ...entry } : { ...entry, error: { ...entry.error } };
}

function invalidCopy(record: InvalidRecord): InvalidRecord {
  return { ...record, error: { ...record.error } };
}

/** The last `limit` items (all without a limit; none for 0, where `slice(-0)` would give all). */
function newest<T>(list: ReadonlyArray<T>, limit: number | undefined): T[] {
  if (limit === undefined) return [...list];
  return limit <= 0 ? [] : list.slice(-limit);
}

function pushBounded<T>(map: Map<string, T[]>, key: string, value: T, limit: number): void {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  list.push(value);
  if (list.length > limit) list.splice(0, list.length - limit);
}

/**
 * An in-memory {@link Store}: for tests, and for hosts that own durability themselves.
 * Everything is lost when the process ends. It offers the synchronous face ({@link SyncStoreOps}) the
 * engine uses to ingest without awaiting.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: [kota()], store: createMemoryStore({ historyLimit: 10 }) });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const historyLimit = options.historyLimit ?? 50;
  const auditLimit = options.auditLimit ?? 200;
  const finishedJobLimit = options.finishedJobLimit ?? 10_000;
  const states = new StateCodes();
  const resources: ResourceTable = new ResourceTable(states, {
    id: (r) => ledger.id(r),
    type: (r) => ledger.type(r),
  });
  const ledger: Ledger = new Ledger(states, (r) => resources.key(r));
  const audit = new Map<string, AuditEntry[]>();
  const invalid: InvalidRecord[] = [];
  const checkpoints = new Map<string, string>();
  // Jobs still to run, running or dead. Finished ones (succeeded, cancelled) are in `done`, the newest
  // `finishedJobLimit`, oldest first; an id is in one of the two at most. Apart, because the jobs an ingest
  // and a runner round write are few, while thousands are kept for `getJob`: in one map a job's writes were
  // seven look-ups into the large one (a cache miss each), and now are four.
  const jobs = new Map<string, ActionJob>();
  const done = new Map<string, ActionJob>();
  // Pending jobs apart, so claiming and waking scan only what can run, not every job ever fired.
  // Only jobs that were due when written (nearly all): the others wait in `delayed` until they come due.
  const pending = new Map<string, ActionJob>();
  const delayed = new DelayedJobs((job) => jobs.get(job.id) === job);

  function jobOf(id: string): ActionJob | undefined {
    return jobs.get(id) ?? done.get(id);
  }

  // Finished jobs in the order they finished, from `finishedFrom` (a queue without shifting the array). The
  // oldest is found here, not as the map's first key: a map read from its front past thousands of deleted
  // entries walks every one of them until it is rehashed.
  let finished: ActionJob[] = [];
  let finishedFrom = 0;

  function forgetOldest(): void {
    while (done.size > finishedJobLimit && finishedFrom < finished.length) {
      const oldest = finished[finishedFrom]!;
      finishedFrom += 1;
      // A job put back or finished again since is not this finish any more: its newer place counts.
      if (done.get(oldest.id) === oldest) done.delete(oldest.id);
    }
    // Compacted once the part already passed is most of it, or once finishes that no longer count are (a job
    // finished again and again would otherwise grow the queue while the map stays small).
    const queued = finished.length - finishedFrom;
    if ((finishedFrom > 4096 && finishedFrom > queued) || queued > 2 * done.size + 4096) {
      finished = finished.slice(finishedFrom).filter((j) => done.get(j.id) === j);
      finishedFrom = 0;
    }
  }

  function* everyJob(): Generator<ActionJob> {
    yield* jobs.values();
    yield* done.values();
  }

  /** Writes `job`. `fresh`: the caller knows its id is in neither map (a commit checked). */
  function putJob(job: ActionJob, fresh = false): void {
    const id = job.id;
    if (isFinished(job)) {
      if (!jobs.delete(id)) done.delete(id);
      pending.delete(id);
      done.set(id, job);
      finished.push(job);
      forgetOldest();
      return;
    }
    const live = jobs.size;
    jobs.set(id, job);
    // New among the live ones: a finished job put back to run (by a host) leaves the finished ones.
    if (!fresh && jobs.size !== live) done.delete(id);
    if (job.status === 'pending' && job.runAt <= job.updatedAt) pending.set(id, job);
    else {
      pending.delete(id);
      if (job.status === 'pending') delayed.push(job);
    }
  }

  function appendAudit(entries: ReadonlyArray<AuditEntry> | undefined): void {
    if (!entries) return;
    for (const a of entries) pushBounded(audit, a.resourceKey ?? '', a, auditLimit);
  }

  function claimJobs(now: number, limit: number): ActionJob[] {
    for (const job of delayed.takeDue(now)) pending.set(job.id, job);
    const due = [...pending.values()]
      .filter((j) => j.runAt <= now)
      .sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt)
      .slice(0, limit);
    return due.map((j) => {
      const claimed: ActionJob = { ...j, status: 'running', updatedAt: now };
      putJob(claimed);
      return claimed;
    });
  }

  function updateJob(
    job: ActionJob,
    entries: ReadonlyArray<AuditEntry> | undefined,
    claimed: ActionJob | undefined,
  ): boolean {
    if (claimed !== undefined && !isClaim(jobs.get(job.id), claimed)) return false;
    putJob(job);
    appendAudit(entries);
    return true;
  }

  let self: Store | undefined;
  const sync: SyncStoreOps = {
    // The store made below: this face is its own, and a wrapper's copy of it is not (see syncFaceOf).
    get owner(): Store {
      return self as Store;
    },
    claimJobs,
    updateJob,
    hasEvent: (eventId) => ledger.has(eventId),
    getResource: (key) => resources.snapshot(resources.lookUp(key), key),
    contextKeys: (snapshot) => (snapshot instanceof StoredSnapshot ? snapshot.contextKeys : undefined),
    commit(write: IngestWrite): CommitOutcome {
      const l = write.ledger;
      const h = write.history;
      return commitParts(
        l.eventId,
        l.provider,
        l.type,
        l.key,
        l.status,
        l.occurredAt,
        l.receivedAt,
        l.source,
        h,
        h?.from,
        h?.to,
        h?.recordedAt ?? l.receivedAt,
        write.snapshot,
        write.expectedVersion,
        write.contextText,
        write.jobs,
        write.audit,
      );
    },
    commitEvent(
      event,
      status,
      source,
      receivedAt,
      from,
      to,
      recordedAt,
      snapshot,
      expectedVersion,
      text,
      jobs,
      audit,
    ) {
      return commitParts(
        event.id,
        event.provider,
        event.type,
        event.resource?.key,
        status,
        event.occurredAt,
        receivedAt,
        source,
        true,
        from,
        to,
        recordedAt,
        snapshot,
        expectedVersion,
        text,
        jobs,
        audit,
      );
    },
  };

  /**
   * One commit, its parts one by one: checks first, then writes, so nothing is half-applied. `history` says
   * whether the commit has a history line (with `from`, `to`, `recordedAt`).
   */
  function commitParts(
    eventId: string,
    provider: string,
    type: string,
    key: string | undefined,
    status: IngestStatus,
    occurredAt: number,
    receivedAt: number,
    source: EventSource,
    history: unknown,
    from: StateValue | undefined,
    to: StateValue | undefined,
    recordedAt: number,
    snap: ResourceSnapshot | undefined,
    expectedVersion: number | undefined,
    contextText: string | undefined,
    newJobs: ReadonlyArray<ActionJob> | undefined,
    audits: ReadonlyArray<AuditEntry> | undefined,
  ): CommitOutcome {
    if (ledger.has(eventId)) return 'duplicate';
    if (snap !== undefined && expectedVersion !== undefined && key !== undefined) {
      if (resources.version(resources.rowOf(key)) !== expectedVersion) return 'conflict';
    }
    const hasLine = history !== undefined && history !== false;
    const row =
      key !== undefined && (snap !== undefined || hasLine)
        ? resources.ensure(key, snap?.createdAt ?? receivedAt)
        : -1;
    const line = row >= 0 && hasLine;
    const previousLine = line ? resources.historyHead(row) : -1;
    // The line's states are mostly the row's state before and the snapshot's after: their codes are known
    // without a look-up (the engine read `from` from this row, as the very object the codes hold).
    const rowCode = row >= 0 ? resources.stateCode(row) : 0;
    const fromCode = rowCode > 0 && from === states.value(rowCode) ? rowCode : states.code(from);
    const snapCode = snap === undefined ? 0 : states.code(snap.state);
    const toCode = snap !== undefined && to === snap.state ? snapCode : states.code(to);
    const ledgerRow = ledger.addParts(
      eventId,
      provider,
      type,
      source,
      status,
      occurredAt,
      receivedAt,
      recordedAt,
      row,
      previousLine,
      hasLine ? fromCode : 0,
      hasLine ? toCode : 0,
    );
    if (row >= 0) {
      if (snap !== undefined) resources.write(row, snap, eventId, ledgerRow, contextText, snapCode);
      if (line) resources.setHistoryHead(row, ledgerRow);
    }
    if (newJobs) for (const job of newJobs) if (jobOf(job.id) === undefined) putJob(job, true);
    appendAudit(audits);
    return 'committed';
  }

  self = {
    kind: 'memory',
    sync,
    async getResource(key) {
      return resources.snapshot(resources.rowOf(key), key)?.plain(true);
    },
    async listResources(filter = {}) {
      const out: ResourceSnapshot[] = [];
      if (filter.limit !== undefined && filter.limit <= 0) return out;
      for (const row of resources.rows()) {
        const snap = resources.snapshot(row);
        if (snap === undefined) continue;
        if (filter.provider !== undefined && snap.provider !== filter.provider) continue;
        if (filter.lifecycle !== undefined && snap.lifecycle !== filter.lifecycle) continue;
        out.push(snap.plain(true));
        if (filter.limit !== undefined && out.length >= filter.limit) break;
      }
      return out;
    },
    async getHistory(key, limit = historyLimit) {
      const newest = resources.historyHead(resources.rowOf(key));
      return ledger.chain(newest, Math.min(limit, historyLimit)).map((r) => ledger.history(r));
    },
    async hasEvent(eventId) {
      return ledger.has(eventId);
    },
    async getLedgerEntry(eventId) {
      return ledger.get(eventId);
    },
    async commit(write) {
      return sync.commit(write);
    },
    async recordInvalid(record) {
      invalid.push(record);
    },
    async listInvalid(filter = {}) {
      const list =
        filter.provider === undefined ? invalid : invalid.filter((r) => r.provider === filter.provider);
      return newest(list, filter.limit).map(invalidCopy);
    },
    async getCheckpoint(name) {
      return checkpoints.get(name);
    },
    async setCheckpoint(name, value) {
      checkpoints.set(name, value);
    },
    async claimJobs(now, limit) {
      return claimJobs(now, limit);
    },
    async updateJob(job, entries, claimed) {
      return updateJob(job, entries, claimed);
    },
    async getJob(id) {
      const job = jobOf(id);
      return job === undefined ? undefined : jobCopy(job);
    },
    async listJobs(filter = {}) {
      const out: ActionJob[] = [];
      if (filter.limit !== undefined && filter.limit <= 0) return out;
      for (const j of everyJob()) {
        if (filter.status && !filter.status.includes(j.status)) continue;
        if (filter.resourceKey !== undefined && j.resourceKey !== filter.resourceKey) continue;
        out.push(jobCopy(j));
        if (filter.limit !== undefined && out.length >= filter.limit) break;
      }
      return out;
    },
    async nextJobDueAt() {
      let min = delayed.nextDueAt();
      for (const j of pending.values()) if (min === undefined || j.runAt < min) min = j.runAt;
      return min;
    },
    async listAudit(resourceKey, limit = auditLimit) {
      return newest(audit.get(resourceKey) ?? [], limit).map(auditCopy);
    },
    async close() {},
  };
  return self;
}
