import type { StateValue } from 'xstate';
import { cloneOrCopy } from '../../internal/clone.js';
import { isRecord, standardData } from '../../internal/envelope.js';
import type { ResourceSnapshot } from '../../store.js';
import type { StateCodes } from './columns.js';
import { IdIndex } from './idIndex.js';
import { KeyLists } from './keyLists.js';

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
const LAST_EVENT = 6; // ledger row + 1 of the last applied event, whose id and type the ledger holds; 0: none
const HISTORY = 7; // ledger row + 1 of the newest history line; 0: none

// The references a resource holds, side by side for the same reason: its context (the object, or the JSON
// text of the delivery whose data it is), that context's key list, and its kind (provider and lifecycle, one
// object shared by every resource of a lifecycle).
const REFS = 3;
const CONTEXT = 0;
const KEYS = 1;
const KIND = 2;

interface Kind {
  readonly provider: string;
  readonly lifecycle: string;
  /** Length of `provider/lifecycle/`, where the id starts in the key. */
  readonly idAt: number;
}

/** The ledger, as far as a resource needs it: the id and type of the event at a ledger row. */
export interface LedgerEvents {
  id(ledgerRow: number): string;
  type(ledgerRow: number): string;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
// Not frozen, as key lists are not (see KeyLists).
const NO_KEYS: ReadonlyArray<string> = [];
const NO_STAMPS: Readonly<Record<string, number>> = Object.freeze({});

/** The context a stored reference stands for: the object itself, or the data of the JSON text it is. */
function contextOf(stored: unknown): Readonly<Record<string, unknown>> {
  if (typeof stored !== 'string') return stored as Readonly<Record<string, unknown>>;
  const body: unknown = JSON.parse(stored);
  // The store was handed this text as the delivery whose data is the context, so both hold.
  return (isRecord(body) ? standardData(body) : undefined) ?? EMPTY;
}

/**
 * A resource as the memory store reads it for the engine. The fields an ingest reads are plain; the rest
 * (its context, which may be kept as text, the last event's id and type, which the ledger holds, and the
 * region stamps) are built when first read, from what the row held when the snapshot was taken. It never
 * leaves the engine: the store's public reads, and the engine's listeners and reactors, get plain copies
 * ({@link StoredSnapshot.plain}), since a class's getters are lost to a spread.
 */
export class StoredSnapshot implements ResourceSnapshot {
  readonly key: string;
  readonly provider: string;
  readonly lifecycle: string;
  readonly state: StateValue;
  readonly occurredAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
  readonly #kind: Kind;
  readonly #stored: unknown;
  readonly #keys: ReadonlyArray<string>;
  readonly #lastEvent: number;
  readonly #stamp: number;
  readonly #stamps: Readonly<Record<string, number>> | undefined;
  readonly #events: LedgerEvents;
  #context: Readonly<Record<string, unknown>> | undefined;

  constructor(
    key: string,
    kind: Kind,
    state: StateValue,
    cells: Float64Array,
    at: number,
    stored: unknown,
    keys: ReadonlyArray<string>,
    stamps: Readonly<Record<string, number>> | undefined,
    events: LedgerEvents,
  ) {
    this.key = key;
    this.provider = kind.provider;
    this.lifecycle = kind.lifecycle;
    this.state = state;
    this.occurredAt = cells[at + OCCURRED_AT]!;
    this.createdAt = cells[at + CREATED_AT]!;
    this.updatedAt = cells[at + UPDATED_AT]!;
    // Read as the small integer it is, so the field holds it unboxed rather than as a heap number.
    const version = cells[at + VERSION]!;
    this.version = version < 0x7fffffff ? version | 0 : version;
    this.#kind = kind;
    this.#stored = stored;
    this.#keys = keys;
    this.#lastEvent = cells[at + LAST_EVENT]! - 1;
    this.#stamp = cells[at + STAMPED_AT]!;
    this.#stamps = stamps;
    this.#events = events;
    this.#context = undefined;
  }

  get id(): string {
    return this.key.slice(this.#kind.idAt);
  }

  get context(): Readonly<Record<string, unknown>> {
    this.#context ??= contextOf(this.#stored);
    return this.#context;
  }

  get lastEventId(): string {
    return this.#lastEvent < 0 ? '' : this.#events.id(this.#lastEvent);
  }

  get lastEventType(): string {
    return this.#lastEvent < 0 ? '' : this.#events.type(this.#lastEvent);
  }

  get stateAt(): Readonly<Record<string, number>> {
    return Number.isNaN(this.#stamp) ? (this.#stamps ?? NO_STAMPS) : { '': this.#stamp };
  }

  /** The own keys of this snapshot's context, in order: known without reading the context. */
  get contextKeys(): ReadonlyArray<string> {
    return this.#keys;
  }

  /**
   * A plain copy, every field its own. With `detach`, its context and region stamps are the copy's own
   * too (a context kept as text is parsed anew; an object is cloned), so the caller may change them.
   */
  plain(detach = false): ResourceSnapshot {
    const stateAt = this.stateAt;
    return {
      key: this.key,
      provider: this.provider,
      lifecycle: this.lifecycle,
      id: this.id,
      state: this.state,
      stateAt: detach ? { ...stateAt } : stateAt,
      context: detach ? this.#detachedContext() : this.context,
      lastEventId: this.lastEventId,
      lastEventType: this.lastEventType,
      occurredAt: this.occurredAt,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      version: this.version,
    };
  }

  toJSON(): ResourceSnapshot {
    return this.plain();
  }

  #detachedContext(): Readonly<Record<string, unknown>> {
    if (typeof this.#stored === 'string') return contextOf(this.#stored);
    return cloneOrCopy(this.context);
  }
}

/**
 * Resources in rows: a resource costs an index slot, one stride of numbers and three references, however many
 * events it has seen; the snapshot objects the engine reads die young, and so does each event's parsed data
 * when the engine hands the delivery's text over with it: the row then holds that text, which the caller's
 * delivery held anyway, and the context is parsed from it when read. A tree of objects kept for every
 * resource was what the collector spent most on: each one lived for thousands of ingests, long enough to be
 * copied out of the young generation, and then had to be traced and swept. Provider and lifecycle come from
 * a kind shared by the lifecycle's resources and the id from the key (`provider/lifecycle/id`). History lines
 * are ledger rows chained newest first (the ledger keeps each line's link), so a resource holds only the
 * newest one.
 */
export class ResourceTable {
  // Keys packed like the ledger's event ids: a probe reads one slot and one entry, and no key string is kept.
  readonly #index = new IdIndex();
  #cells = new Float64Array(1024 * STRIDE);
  readonly #refs: unknown[] = [];
  readonly #lists = new KeyLists();
  readonly #kinds = new Map<string, Kind>();
  // Parallel machines' stamps (one per region), by row; flat machines use the STAMPED_AT cell.
  readonly #regionStamps = new Map<number, Readonly<Record<string, number>>>();
  #count = 0;

  constructor(
    private readonly states: StateCodes,
    private readonly events: LedgerEvents,
  ) {}

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
    return this.lookUp(key);
  }

  /**
   * `rowOf` without asking the memo first: for the read that starts an ingest, whose key is never the last
   * one looked up, so that comparing them (two strings of one length, mostly) would be wasted.
   */
  lookUp(key: string): number | undefined {
    const found = this.#index.rowOf(key);
    const row = found < 0 ? undefined : found;
    this.#lastKey = key;
    this.#lastRow = row;
    return row;
  }

  /** The code of the row's state (0: none yet). */
  stateCode(row: number): number {
    return this.#cells[row * STRIDE + STATE]!;
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
    this.#refs.push(EMPTY, NO_KEYS, this.#kindOf(key));
    const at = row * STRIDE;
    const cells = this.#cells;
    cells[at + STATE] = 0;
    cells[at + VERSION] = 0;
    cells[at + OCCURRED_AT] = 0;
    cells[at + CREATED_AT] = createdAt;
    cells[at + UPDATED_AT] = createdAt;
    cells[at + STAMPED_AT] = Number.NaN;
    cells[at + LAST_EVENT] = 0;
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

  /**
   * Writes a snapshot committed with the event at `ledgerRow`, which may or may not become the last one.
   * `text`, when given, is the JSON of a delivery whose data (as the standard envelope reads it) is the
   * snapshot's context: the row keeps the text instead of the object.
   */
  write(
    row: number,
    s: ResourceSnapshot,
    eventId: string,
    ledgerRow: number,
    text?: string,
    stateCode = this.states.code(s.state),
  ): void {
    const at = row * STRIDE;
    const cells = this.#cells;
    cells[at + STATE] = stateCode;
    cells[at + VERSION] = s.version;
    cells[at + OCCURRED_AT] = s.occurredAt;
    cells[at + CREATED_AT] = s.createdAt;
    cells[at + UPDATED_AT] = s.updatedAt;
    const refs = this.#refs;
    const context = s.context;
    refs[row * REFS + KEYS] = this.#lists.of(context, refs[row * REFS + KEYS] as ReadonlyArray<string>);
    refs[row * REFS + CONTEXT] = text ?? context;
    // A late event moves state but leaves the newer event as the last one: then nothing changes here.
    if (s.lastEventId === eventId) cells[at + LAST_EVENT] = ledgerRow + 1;
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
  snapshot(row: number | undefined, key?: string): StoredSnapshot | undefined {
    if (row === undefined) return undefined;
    const cells = this.#cells;
    const at = row * STRIDE;
    const state = this.states.value(cells[at + STATE]!);
    if (state === undefined) return undefined;
    const refs = this.#refs;
    const r = row * REFS;
    const stamps = Number.isNaN(cells[at + STAMPED_AT]!) ? this.#regionStamps.get(row) : undefined;
    return new StoredSnapshot(
      key ?? this.#index.id(row),
      refs[r + KIND] as Kind,
      state,
      cells,
      at,
      refs[r + CONTEXT],
      refs[r + KEYS] as ReadonlyArray<string>,
      stamps,
      this.events,
    );
  }

  *rows(): IterableIterator<number> {
    for (let row = 0; row < this.#count; row++) yield row;
  }
}
