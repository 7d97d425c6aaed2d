import type { EventSource } from '../../event.js';
import { type HistoryEntry, type IngestStatus, ingestStatuses, type LedgerEntry } from '../../store.js';
import { Codes, type StateCodes } from './columns.js';
import { IdIndex } from './idIndex.js';

const STATUSES: ReadonlyArray<IngestStatus> = ingestStatuses;

/** The code of a status: its place in `ingestStatuses`, found by comparing, which a switch does on pointers. */
function statusCode(status: IngestStatus): number {
  switch (status) {
    case 'applied':
      return 0;
    case 'forced':
      return 1;
    case 'rejected':
      return 2;
    case 'stale':
      return 3;
    case 'duplicate':
      return 4;
    case 'unhandled':
      return 5;
    case 'invalid':
      return 6;
    default:
      return 0;
  }
}

// A row is a stride of small integers and a stride of times, each written once, one after the other: two
// sequential streams rather than a column per field.
const CODES = 8;
const RESOURCE = 0; // the resource's row + 1; 0: none
const PREVIOUS_LINE = 1; // row + 1 of the resource's previous history line; 0: none
const FROM = 2; // state codes of the history line
const TO = 3;
const STATUS = 4;
const TYPE = 5;
const PROVIDER = 6;
const SOURCE = 7;
const TIMES = 3;
const OCCURRED_AT = 0;
const RECEIVED_AT = 1;
const RECORDED_AT = 2;
// Rows sit in chunks of 2048, so the ledger grows by a chunk and never copies what it holds. Doubling arrays
// wrote every row twice, into memory never touched before, and a first touch is a page fault (on the VMs
// measured, about 13 µs a page: a third of a microsecond per event). A chunk (64 KiB of codes, 48 KiB of
// times) is also small enough for the C allocator to serve from memory freed earlier rather than mapping new.
const SHIFT = 11;
const CHUNK_ROWS = 1 << SHIFT;
const MASK = CHUNK_ROWS - 1;

/**
 * The event ledger in rows of numbers: the ids packed in an {@link IdIndex} and a few typed-array cells per
 * event, no object and no string per event. The ledger grows with every event ever seen, so its per-event
 * cost decides the memory store's footprint and how much the garbage collector has to trace. A row also
 * holds what a history line needs beyond the ledger (the states before and after, when it was recorded) and
 * the row of the resource's previous line, so a resource's history is a chain of rows from its newest.
 */
export class Ledger {
  readonly #ids = new IdIndex();
  readonly #codes: Uint32Array[] = [];
  readonly #times: Float64Array[] = [];
  // One code table per field: each keeps its own last-value cache, which a shared table would thrash.
  readonly #types = new Codes();
  readonly #providers = new Codes();
  readonly #sources = new Codes();

  constructor(
    private readonly states: StateCodes,
    private readonly keyOf: (resourceRow: number) => string,
  ) {}

  has(id: string): boolean {
    return this.#ids.rowOf(id) >= 0;
  }

  /**
   * Adds an event the ledger does not have yet (the caller checks with `has`). `previousLine` is the row of
   * the resource's newest history line (-1: none), which this row's line then follows. `fromCode` and
   * `toCode` are the state codes of the line's states when the caller has them (-1: look them up).
   */
  add(
    e: LedgerEntry,
    h: HistoryEntry | undefined,
    resourceRow: number,
    previousLine: number,
    fromCode = -1,
    toCode = -1,
  ): number {
    return this.addParts(
      e.eventId,
      e.provider,
      e.type,
      e.source,
      e.status,
      e.occurredAt,
      e.receivedAt,
      h?.recordedAt ?? e.receivedAt,
      resourceRow,
      previousLine,
      fromCode >= 0 ? fromCode : this.states.code(h?.from),
      toCode >= 0 ? toCode : this.states.code(h?.to),
    );
  }

  /** `add` with the entry's fields one by one and its line's state codes found (0: no state). */
  addParts(
    eventId: string,
    provider: string,
    type: string,
    source: EventSource,
    status: IngestStatus,
    occurredAt: number,
    receivedAt: number,
    recordedAt: number,
    resourceRow: number,
    previousLine: number,
    fromCode: number,
    toCode: number,
  ): number {
    const row = this.#ids.add(eventId);
    if (row < 0) throw new Error(`ledger already has ${eventId}`);
    const chunk = row >>> SHIFT;
    // Rows come in order: a row is in the last chunk or starts the next.
    if (chunk === this.#codes.length) this.#addChunk();
    const c = (row & MASK) * CODES;
    const codes = this.#codes[chunk]!;
    codes[c + RESOURCE] = resourceRow + 1;
    codes[c + PREVIOUS_LINE] = previousLine + 1;
    codes[c + FROM] = fromCode;
    codes[c + TO] = toCode;
    codes[c + STATUS] = statusCode(status);
    codes[c + TYPE] = this.#types.code(type);
    codes[c + PROVIDER] = this.#providers.code(provider);
    codes[c + SOURCE] = this.#sources.code(source);
    const t = (row & MASK) * TIMES;
    const times = this.#times[chunk]!;
    times[t + OCCURRED_AT] = occurredAt;
    times[t + RECEIVED_AT] = receivedAt;
    times[t + RECORDED_AT] = recordedAt;
    return row;
  }

  #addChunk(): void {
    this.#codes.push(new Uint32Array(CHUNK_ROWS * CODES));
    this.#times.push(new Float64Array(CHUNK_ROWS * TIMES));
  }

  #code(row: number, field: number): number {
    return this.#codes[row >>> SHIFT]![(row & MASK) * CODES + field]!;
  }

  #time(row: number, field: number): number {
    return this.#times[row >>> SHIFT]![(row & MASK) * TIMES + field]!;
  }

  get(id: string): LedgerEntry | undefined {
    const row = this.#ids.rowOf(id);
    if (row < 0) return undefined;
    const resource = this.#code(row, RESOURCE) - 1;
    return {
      eventId: id,
      key: resource < 0 ? undefined : this.keyOf(resource),
      type: this.type(row),
      provider: this.#providers.value(this.#code(row, PROVIDER)),
      source: this.#sources.value(this.#code(row, SOURCE)) as EventSource,
      status: STATUSES[this.#code(row, STATUS)]!,
      occurredAt: this.#time(row, OCCURRED_AT),
      receivedAt: this.#time(row, RECEIVED_AT),
    };
  }

  /** The rows of a history chain from `newest` back, oldest first, at most `limit` of them. */
  chain(newest: number, limit: number): number[] {
    const rows: number[] = [];
    for (let row = newest; row >= 0 && rows.length < limit; row = this.#code(row, PREVIOUS_LINE) - 1)
      rows.push(row);
    return rows.reverse();
  }

  id(row: number): string {
    return this.#ids.id(row);
  }

  type(row: number): string {
    return this.#types.value(this.#code(row, TYPE));
  }

  history(row: number): HistoryEntry {
    return {
      eventId: this.#ids.id(row),
      type: this.type(row),
      status: STATUSES[this.#code(row, STATUS)] as HistoryEntry['status'],
      from: this.states.value(this.#code(row, FROM)),
      to: this.states.value(this.#code(row, TO))!,
      occurredAt: this.#time(row, OCCURRED_AT),
      recordedAt: this.#time(row, RECORDED_AT),
      source: this.#sources.value(this.#code(row, SOURCE)),
    };
  }
}
