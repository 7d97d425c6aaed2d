import type { EventSource } from '../../event.js';
import { type HistoryEntry, type IngestStatus, ingestStatuses, type LedgerEntry } from '../../store.js';
import { Codes, F64Column, type StateCodes, U32Column } from './columns.js';
import { IdIndex } from './idIndex.js';

const STATUSES: ReadonlyArray<IngestStatus> = ingestStatuses;
const STATUS_CODE = new Map(STATUSES.map((s, i) => [s, i]));

/**
 * The event ledger in columns: the ids packed in an {@link IdIndex} and a few typed-array cells per event, no
 * object and no string per event.
 * The ledger grows with every event ever seen, so its per-event cost decides the memory store's footprint
 * and how much the garbage collector has to trace. A row also holds what a history line needs beyond the
 * ledger (the states before and after, when it was recorded) and the row of the resource's previous line, so
 * a resource's history is a chain of rows from its newest.
 */
export class Ledger {
  readonly #ids = new IdIndex();
  // One code table per column: each keeps its own last-value cache, which a shared table would thrash.
  readonly #types = new Codes();
  readonly #providers = new Codes();
  readonly #sources = new Codes();
  // Per row: the resource's row in the resource table (-1: none), and the states before and after (codes).
  readonly #resource = new U32Column();
  readonly #from = new U32Column();
  readonly #to = new U32Column();
  readonly #previousLine = new U32Column(); // row + 1 of the resource's previous history line; 0: none

  constructor(
    private readonly states: StateCodes,
    private readonly keyOf: (resourceRow: number) => string,
  ) {}
  readonly #status = new U32Column();
  readonly #type = new U32Column();
  readonly #provider = new U32Column();
  readonly #source = new U32Column();
  readonly #occurredAt = new F64Column();
  readonly #receivedAt = new F64Column();
  readonly #recordedAt = new F64Column();

  has(id: string): boolean {
    return this.#ids.rowOf(id) >= 0;
  }

  /**
   * Adds an event the ledger does not have yet (the caller checks with `has`). `previousLine` is the row of
   * the resource's newest history line (-1: none), which this row's line then follows.
   */
  add(e: LedgerEntry, h: HistoryEntry | undefined, resourceRow: number, previousLine: number): number {
    const row = this.#ids.add(e.eventId);
    if (row < 0) throw new Error(`ledger already has ${e.eventId}`);
    this.#resource.set(row, resourceRow + 1); // 0: no resource
    this.#previousLine.set(row, previousLine + 1);
    this.#from.set(row, this.states.code(h?.from));
    this.#to.set(row, this.states.code(h?.to));
    this.#status.set(row, STATUS_CODE.get(e.status) ?? 0);
    this.#type.set(row, this.#types.code(e.type));
    this.#provider.set(row, this.#providers.code(e.provider));
    this.#source.set(row, this.#sources.code(e.source));
    this.#occurredAt.set(row, e.occurredAt);
    this.#receivedAt.set(row, e.receivedAt);
    this.#recordedAt.set(row, h?.recordedAt ?? e.receivedAt);
    return row;
  }

  get(id: string): LedgerEntry | undefined {
    const row = this.#ids.rowOf(id);
    if (row < 0) return undefined;
    const resource = this.#resource.get(row) - 1;
    return {
      eventId: id,
      key: resource < 0 ? undefined : this.keyOf(resource),
      type: this.#types.value(this.#type.get(row)),
      provider: this.#providers.value(this.#provider.get(row)),
      source: this.#sources.value(this.#source.get(row)) as EventSource,
      status: STATUSES[this.#status.get(row)]!,
      occurredAt: this.#occurredAt.get(row),
      receivedAt: this.#receivedAt.get(row),
    };
  }

  /** The rows of a history chain from `newest` back, oldest first, at most `limit` of them. */
  chain(newest: number, limit: number): number[] {
    const rows: number[] = [];
    for (let row = newest; row >= 0 && rows.length < limit; row = this.#previousLine.get(row) - 1)
      rows.push(row);
    return rows.reverse();
  }

  id(row: number): string {
    return this.#ids.id(row);
  }

  type(row: number): string {
    return this.#types.value(this.#type.get(row));
  }

  history(row: number): HistoryEntry {
    return {
      eventId: this.#ids.id(row),
      type: this.#types.value(this.#type.get(row)),
      status: STATUSES[this.#status.get(row)] as HistoryEntry['status'],
      from: this.states.value(this.#from.get(row)),
      to: this.states.value(this.#to.get(row))!,
      occurredAt: this.#occurredAt.get(row),
      recordedAt: this.#recordedAt.get(row),
      source: this.#sources.value(this.#source.get(row)),
    };
  }
}
