import type { StateValue } from 'xstate';
import type {
  ActionJob,
  AuditEntry,
  CommitOutcome,
  HistoryEntry,
  IngestStatus,
  IngestWrite,
  InvalidRecord,
  LedgerEntry,
  ResourceSnapshot,
  Store,
  SyncStoreOps,
} from '../store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** History lines kept per resource (oldest dropped first). Default 50. */
  readonly historyLimit?: number;
  /** Audit lines kept per resource. Default 200. */
  readonly auditLimit?: number;
}

const STATUSES: ReadonlyArray<IngestStatus> = [
  'applied',
  'forced',
  'rejected',
  'stale',
  'duplicate',
  'unhandled',
  'invalid',
];
const STATUS_CODE = new Map(STATUSES.map((s, i) => [s, i]));

/**
 * The event ledger in columns: one map slot per event id and a few typed-array cells, no object per event.
 * The ledger grows with every event ever seen, so its per-event cost decides the memory store's footprint
 * and how much the garbage collector has to trace. A row also holds what a history line needs beyond the
 * ledger (the state after the event and when it was recorded), so history is a list of row numbers.
 */
class Ledger {
  readonly #index = new Map<string, number>();
  #status = new Uint8Array(1024);
  #occurredAt = new Float64Array(1024);
  #receivedAt = new Float64Array(1024);
  #recordedAt = new Float64Array(1024);
  readonly #ids: string[] = [];
  // Per row: key, type, provider, source, from, to. Strings and state values are shared, never copied.
  readonly #refs: unknown[] = [];

  has(id: string): boolean {
    return this.#index.has(id);
  }

  get size(): number {
    return this.#ids.length;
  }

  add(e: LedgerEntry, h: HistoryEntry | undefined): number {
    const row = this.#ids.length;
    if (row === this.#status.length) this.#grow();
    this.#index.set(e.eventId, row);
    this.#ids.push(e.eventId);
    this.#status[row] = STATUS_CODE.get(e.status) ?? 0;
    this.#occurredAt[row] = e.occurredAt;
    this.#receivedAt[row] = e.receivedAt;
    this.#recordedAt[row] = h?.recordedAt ?? e.receivedAt;
    this.#refs.push(e.key, e.type, e.provider, e.source, h?.from, h?.to);
    return row;
  }

  get(id: string): LedgerEntry | undefined {
    const row = this.#index.get(id);
    return row === undefined ? undefined : this.entry(row);
  }

  entry(row: number): LedgerEntry {
    const m = row * 6;
    return {
      eventId: this.#ids[row]!,
      key: this.#refs[m] as string | undefined,
      type: this.#refs[m + 1] as string,
      provider: this.#refs[m + 2] as string,
      source: this.#refs[m + 3] as string,
      status: STATUSES[this.#status[row]!]!,
      occurredAt: this.#occurredAt[row]!,
      receivedAt: this.#receivedAt[row]!,
    };
  }

  history(row: number): HistoryEntry {
    const m = row * 6;
    return {
      eventId: this.#ids[row]!,
      type: this.#refs[m + 1] as string,
      status: STATUSES[this.#status[row]!] as HistoryEntry['status'],
      from: this.#refs[m + 4] as StateValue | undefined,
      to: this.#refs[m + 5] as StateValue,
      occurredAt: this.#occurredAt[row]!,
      recordedAt: this.#recordedAt[row]!,
      source: this.#refs[m + 3] as string,
    };
  }

  #grow(): void {
    const size = this.#status.length * 2;
    const grow = <T extends Uint8Array | Float64Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.#status = grow(this.#status, new Uint8Array(size));
    this.#occurredAt = grow(this.#occurredAt, new Float64Array(size));
    this.#receivedAt = grow(this.#receivedAt, new Float64Array(size));
    this.#recordedAt = grow(this.#recordedAt, new Float64Array(size));
  }
}

/**
 * One resource, kept as mutable fields rather than as the snapshot objects the engine hands over: those then
 * die young, and a resource costs one object however many events it has seen. History is ledger rows.
 */
interface Slot {
  readonly key: string;
  readonly provider: string;
  readonly lifecycle: string;
  readonly id: string;
  readonly createdAt: number;
  state: StateValue | undefined;
  context: Readonly<Record<string, unknown>>;
  lastEventId: string;
  lastEventType: string;
  occurredAt: number;
  updatedAt: number;
  version: number;
  rows: number | number[] | undefined;
}

function snapshotOf(slot: Slot | undefined): ResourceSnapshot | undefined {
  if (slot === undefined || slot.state === undefined) return undefined;
  return {
    key: slot.key,
    provider: slot.provider,
    lifecycle: slot.lifecycle,
    id: slot.id,
    state: slot.state,
    context: slot.context,
    lastEventId: slot.lastEventId,
    lastEventType: slot.lastEventType,
    occurredAt: slot.occurredAt,
    createdAt: slot.createdAt,
    updatedAt: slot.updatedAt,
    version: slot.version,
  };
}

function newSlot(snap: ResourceSnapshot | undefined, key: string, ledger: LedgerEntry): Slot {
  return {
    key,
    provider: snap?.provider ?? ledger.provider,
    lifecycle: snap?.lifecycle ?? key.split('/')[1] ?? '',
    id: snap?.id ?? key.split('/').slice(2).join('/'),
    createdAt: snap?.createdAt ?? ledger.receivedAt,
    state: undefined,
    context: {},
    lastEventId: '',
    lastEventType: '',
    occurredAt: 0,
    updatedAt: 0,
    version: 0,
    rows: undefined,
  };
}

function pushRow(slot: Slot, row: number, limit: number): void {
  const cur = slot.rows;
  if (cur === undefined || limit <= 1) slot.rows = row;
  else if (typeof cur === 'number') slot.rows = [cur, row];
  else {
    cur.push(row);
    if (cur.length > limit) cur.splice(0, cur.length - limit);
  }
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
  const slots = new Map<string, Slot>();
  const ledger = new Ledger();
  const audit = new Map<string, AuditEntry[]>();
  const invalid: InvalidRecord[] = [];
  const checkpoints = new Map<string, string>();
  const jobs = new Map<string, ActionJob>();

  function appendAudit(entries: ReadonlyArray<AuditEntry> | undefined): void {
    if (!entries) return;
    for (const a of entries) pushBounded(audit, a.resourceKey ?? '', a, auditLimit);
  }

  const sync: SyncStoreOps = {
    hasEvent: (eventId) => ledger.has(eventId),
    getResource: (key) => snapshotOf(slots.get(key)),
    commit(write: IngestWrite): CommitOutcome {
      // Checks first, then writes: nothing is half-applied.
      if (ledger.has(write.ledger.eventId)) return 'duplicate';
      const key = write.ledger.key;
      const snap = write.snapshot;
      let slot = key === undefined ? undefined : slots.get(key);
      if (
        snap !== undefined &&
        write.expectedVersion !== undefined &&
        (slot?.version ?? 0) !== write.expectedVersion
      ) {
        return 'conflict';
      }
      const row = ledger.add(write.ledger, write.history);
      if (key !== undefined && (snap !== undefined || write.history !== undefined)) {
        if (slot === undefined) {
          slot = newSlot(snap, key, write.ledger);
          slots.set(key, slot);
        }
        if (snap !== undefined) {
          slot.state = snap.state;
          slot.context = snap.context;
          slot.lastEventId = snap.lastEventId;
          slot.lastEventType = snap.lastEventType;
          slot.occurredAt = snap.occurredAt;
          slot.updatedAt = snap.updatedAt;
          slot.version = snap.version;
        }
        if (write.history !== undefined) pushRow(slot, row, historyLimit);
      }
      if (write.jobs) for (const job of write.jobs) if (!jobs.has(job.id)) jobs.set(job.id, job);
      appendAudit(write.audit);
      return 'committed';
    },
  };

  return {
    kind: 'memory',
    sync,
    async getResource(key) {
      return snapshotOf(slots.get(key));
    },
    async listResources(filter = {}) {
      const out: ResourceSnapshot[] = [];
      for (const slot of slots.values()) {
        if (filter.provider !== undefined && slot.provider !== filter.provider) continue;
        if (filter.lifecycle !== undefined && slot.lifecycle !== filter.lifecycle) continue;
        const snap = snapshotOf(slot);
        if (snap === undefined) continue;
        out.push(snap);
        if (filter.limit !== undefined && out.length >= filter.limit) break;
      }
      return out;
    },
    async getHistory(key, limit = historyLimit) {
      const rows = slots.get(key)?.rows;
      if (rows === undefined || limit <= 0) return [];
      const list = typeof rows === 'number' ? [rows] : rows.slice(-limit);
      return list.map((r) => ledger.history(r));
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
