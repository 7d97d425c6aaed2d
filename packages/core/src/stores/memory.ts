import type {
  ActionJob,
  AuditEntry,
  CommitOutcome,
  HistoryEntry,
  IngestWrite,
  InvalidRecord,
  LedgerEntry,
  ResourceSnapshot,
  Store,
} from '../store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** History lines kept per resource (oldest dropped first). Default 50. */
  readonly historyLimit?: number;
  /** Audit lines kept per resource. Default 200. */
  readonly auditLimit?: number;
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
 * Everything is lost when the process ends.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: [kota()], store: createMemoryStore({ historyLimit: 10 }) });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const historyLimit = options.historyLimit ?? 50;
  const auditLimit = options.auditLimit ?? 200;
  const resources = new Map<string, ResourceSnapshot>();
  const ledger = new Map<string, LedgerEntry>();
  const history = new Map<string, HistoryEntry[]>();
  const audit = new Map<string, AuditEntry[]>();
  const invalid: InvalidRecord[] = [];
  const checkpoints = new Map<string, string>();
  const jobs = new Map<string, ActionJob>();

  function appendAudit(entries: ReadonlyArray<AuditEntry> | undefined): void {
    if (!entries) return;
    for (const a of entries) pushBounded(audit, a.resourceKey ?? '', a, auditLimit);
  }

  return {
    kind: 'memory',
    async getResource(key) {
      return resources.get(key);
    },
    async listResources(filter = {}) {
      const out: ResourceSnapshot[] = [];
      for (const r of resources.values()) {
        if (filter.provider !== undefined && r.provider !== filter.provider) continue;
        if (filter.lifecycle !== undefined && r.lifecycle !== filter.lifecycle) continue;
        out.push(r);
        if (filter.limit !== undefined && out.length >= filter.limit) break;
      }
      return out;
    },
    async getHistory(key, limit = historyLimit) {
      return (history.get(key) ?? []).slice(-limit);
    },
    async hasEvent(eventId) {
      return ledger.has(eventId);
    },
    async getLedgerEntry(eventId) {
      return ledger.get(eventId);
    },
    async commit(write: IngestWrite): Promise<CommitOutcome> {
      // Checks first, then writes: nothing is half-applied.
      if (ledger.has(write.ledger.eventId)) return 'duplicate';
      const snap = write.snapshot;
      if (snap !== undefined && write.expectedVersion !== undefined) {
        const current = resources.get(snap.key)?.version ?? 0;
        if (current !== write.expectedVersion) return 'conflict';
      }
      ledger.set(write.ledger.eventId, write.ledger);
      if (snap !== undefined) resources.set(snap.key, snap);
      if (write.history !== undefined && write.ledger.key !== undefined) {
        pushBounded(history, write.ledger.key, write.history, historyLimit);
      }
      if (write.jobs) for (const job of write.jobs) if (!jobs.has(job.id)) jobs.set(job.id, job);
      appendAudit(write.audit);
      return 'committed';
    },
    async recordInvalid(record) {
      invalid.push(record);
    },
    async listInvalid(filter = {}) {
      const list =
        filter.provider === undefined ? invalid : invalid.filter((r) => r.provider === filter.provider);
      return filter.limit === undefined ? [...list] : list.slice(-filter.limit);
    },
    async getCheckpoint(name) {
      return checkpoints.get(name);
    },
    async setCheckpoint(name, value) {
      checkpoints.set(name, value);
    },
    async claimJobs(now, limit) {
      const due = [...jobs.values()]
        .filter((j) => j.status === 'pending' && j.runAt <= now)
        .sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt)
        .slice(0, limit);
      return due.map((j) => {
        const claimed: ActionJob = { ...j, status: 'running', updatedAt: now };
        jobs.set(j.id, claimed);
        return claimed;
      });
    },
    async updateJob(job, entries) {
      jobs.set(job.id, job);
      appendAudit(entries);
    },
    async getJob(id) {
      return jobs.get(id);
    },
    async listJobs(filter = {}) {
      const out: ActionJob[] = [];
      for (const j of jobs.values()) {
        if (filter.status && !filter.status.includes(j.status)) continue;
        if (filter.resourceKey !== undefined && j.resourceKey !== filter.resourceKey) continue;
        out.push(j);
        if (filter.limit !== undefined && out.length >= filter.limit) break;
      }
      return out;
    },
    async nextJobDueAt() {
      let min: number | undefined;
      for (const j of jobs.values())
        if (j.status === 'pending' && (min === undefined || j.runAt < min)) min = j.runAt;
      return min;
    },
    async listAudit(resourceKey, limit = auditLimit) {
      return (audit.get(resourceKey) ?? []).slice(-limit);
    },
    async close() {},
  };
}
