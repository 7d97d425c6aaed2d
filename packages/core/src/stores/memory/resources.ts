import type { ResourceSnapshot } from '../../store.js';
import { Codes, type StateCodes } from './columns.js';
import { IdIndex } from './idIndex.js';

// One resource's numbers sit side by side in one stride of a Float64Array: an ingest reads and writes all of
// them, and a resource is picked at random among thousands, so each separate column was a separate cache
// miss. Codes and row numbers are small integers, which a double holds exactly.
const STRIDE = 8;
const STATE = 0; // state code; 0 is "no state yet"
const VERSION = 1;
const OCCURRED_AT = 2;
const CREATED_AT = 3;
const UPDATED_AT = 4;
const STAMPED_AT = 5; // a flat machine's one `stateAt` stamp; NaN: unset
const LAST_TYPE = 6; // code of the last applied event's type
const HISTORY = 7; // ledger row + 1 of the newest history line; 0: none

// The references a resource holds, side by side for the same reason: its context, last event id and kind
// (provider and lifecycle, one object shared by every resource of a lifecycle).
const REFS = 3;
const CONTEXT = 0;
const LAST_ID = 1;
const KIND = 2;

interface Kind {
  readonly provider: string;
  readonly lifecycle: string;
  /** Length of `provider/lifecycle/`, where the id starts in the key. */
  readonly idAt: number;
}

/**
 * Resources in rows: a resource costs an index slot, one stride of numbers and four references, however many
 * events it has seen; the snapshot objects the engine hands over die young. Provider and lifecycle come from a
 * kind shared by the lifecycle's resources and the id from the key (`provider/lifecycle/id`), rather than being
 * stored. History lines are ledger rows chained newest first (the ledger keeps each line's link), so a
 * resource holds only the newest one.
 */
export class ResourceTable {
  // Keys packed like the ledger's event ids: a probe reads one slot, and no key string is kept.
  readonly #index = new IdIndex();
  #cells = new Float64Array(1024 * STRIDE);
  readonly #refs: unknown[] = [];
  readonly #types = new Codes();
  readonly #kinds = new Map<string, Kind>();
  // Parallel machines' stamps (one per region), by row; flat machines use the STAMPED_AT cell.
  readonly #regionStamps = new Map<number, Readonly<Record<string, number>>>();
  #count = 0;

  constructor(private readonly states: StateCodes) {}

  get size(): number {
    return this.#count;
  }

  key(row: number): string {
    return this.#index.id(row);
  }

  // An ingest reads, checks and writes the same key back to back: remember the last look-up.
  #lastKey: string | undefined;
  #lastRow: number | undefined;

  rowOf(key: string): number | undefined {
    if (key === this.#lastKey) return this.#lastRow;
    const found = this.#index.rowOf(key);
    const row = found < 0 ? undefined : found;
    this.#lastKey = key;
    this.#lastRow = row;
    return row;
  }

  version(row: number | undefined): number {
    return row === undefined ? 0 : this.#cells[row * STRIDE + VERSION]!;
  }

  /** The row of `key`, created (empty, version 0) when new. */
  ensure(key: string, createdAt: number): number {
    const found = this.rowOf(key);
    if (found !== undefined) return found;
    // The index numbers keys in the order they came, which is the order of rows.
    const row = this.#index.add(key);
    this.#count = row + 1;
    if ((row + 1) * STRIDE > this.#cells.length) {
      const next = new Float64Array(this.#cells.length * 2);
      next.set(this.#cells);
      this.#cells = next;
    }
    this.#lastKey = key;
    this.#lastRow = row;
    this.#refs.push(EMPTY, '', this.#kindOf(key));
    const at = row * STRIDE;
    const cells = this.#cells;
    cells[at + STATE] = 0;
    cells[at + VERSION] = 0;
    cells[at + OCCURRED_AT] = 0;
    cells[at + CREATED_AT] = createdAt;
    cells[at + UPDATED_AT] = createdAt;
    cells[at + STAMPED_AT] = Number.NaN;
    cells[at + LAST_TYPE] = 0;
    cells[at + HISTORY] = 0;
    return row;
  }

  #kindOf(key: string): Kind {
    const a = key.indexOf('/');
    const b = key.indexOf('/', a + 1);
    const prefix = key.slice(0, b + 1);
    let kind = this.#kinds.get(prefix);
    if (kind === undefined) {
      kind = { provider: key.slice(0, a), lifecycle: key.slice(a + 1, b), idAt: b + 1 };
      this.#kinds.set(prefix, kind);
    }
    return kind;
  }

  /** Writes a snapshot; `eventId` is the event being committed, which may or may not become the last one. */
  write(row: number, s: ResourceSnapshot, eventId: string): void {
    const at = row * STRIDE;
    const cells = this.#cells;
    cells[at + STATE] = this.states.code(s.state);
    cells[at + VERSION] = s.version;
    cells[at + OCCURRED_AT] = s.occurredAt;
    cells[at + CREATED_AT] = s.createdAt;
    cells[at + UPDATED_AT] = s.updatedAt;
    this.#refs[row * REFS + CONTEXT] = s.context;
    // A late event moves state but leaves the newer event as the last one: then nothing changes here.
    if (s.lastEventId === eventId) {
      cells[at + LAST_TYPE] = this.#types.code(s.lastEventType);
      this.#refs[row * REFS + LAST_ID] = eventId;
    }
    this.#writeStamps(row, s.stateAt);
  }

  #writeStamps(row: number, stateAt: Readonly<Record<string, number>> | undefined): void {
    let count = 0;
    for (const _ in stateAt) count++;
    const flat = stateAt?.[''];
    const at = row * STRIDE + STAMPED_AT;
    if (count === 1 && flat !== undefined) {
      // Only a row whose cell is unset can have stamps in the map.
      if (Number.isNaN(this.#cells[at]!)) this.#regionStamps.delete(row);
      this.#cells[at] = flat;
    } else {
      this.#cells[at] = Number.NaN;
      if (count === 0) this.#regionStamps.delete(row);
      else this.#regionStamps.set(row, stateAt!);
    }
  }

  #readStamps(row: number): Readonly<Record<string, number>> {
    const flat = this.#cells[row * STRIDE + STAMPED_AT]!;
    if (!Number.isNaN(flat)) return { '': flat };
    return this.#regionStamps.get(row) ?? NO_STAMPS;
  }

  /** The ledger row of the newest history line, or -1. */
  historyHead(row: number | undefined): number {
    return row === undefined ? -1 : this.#cells[row * STRIDE + HISTORY]! - 1;
  }

  setHistoryHead(row: number, ledgerRow: number): void {
    this.#cells[row * STRIDE + HISTORY] = ledgerRow + 1;
  }

  /**
   * The snapshot of `row`. `key` is the caller's copy of the row's key when it has one: the engine looked the
   * row up by it, and reading it back from the table would only touch more memory.
   */
  snapshot(row: number | undefined, key?: string): ResourceSnapshot | undefined {
    if (row === undefined) return undefined;
    const cells = this.#cells;
    const at = row * STRIDE;
    const state = this.states.value(cells[at + STATE]!);
    if (state === undefined) return undefined;
    const refs = this.#refs;
    const k = key ?? this.#index.id(row);
    const kind = refs[row * REFS + KIND] as Kind;
    return {
      key: k,
      provider: kind.provider,
      lifecycle: kind.lifecycle,
      id: k.slice(kind.idAt),
      state,
      stateAt: this.#readStamps(row),
      context: refs[row * REFS + CONTEXT] as Readonly<Record<string, unknown>>,
      lastEventId: refs[row * REFS + LAST_ID] as string,
      lastEventType: this.#types.value(cells[at + LAST_TYPE]!),
      occurredAt: cells[at + OCCURRED_AT]!,
      createdAt: cells[at + CREATED_AT]!,
      updatedAt: cells[at + UPDATED_AT]!,
      version: cells[at + VERSION]!,
    };
  }

  *rows(): IterableIterator<number> {
    for (let row = 0; row < this.#count; row++) yield row;
  }
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_STAMPS: Readonly<Record<string, number>> = Object.freeze({});
