import type { EventSource } from '../../event.js';
import { type HistoryEntry, type IngestStatus, ingestStatuses, type LedgerEntry } from '../../store.js';
import { Codes, F64Column, type StateCodes, U32Column } from './columns.js';

const STATUSES: ReadonlyArray<IngestStatus> = ingestStatuses;
const STATUS_CODE = new Map(STATUSES.map((s, i) => [s, i]));

/**
 * The event ledger in columns: one map slot per event id and a few typed-array cells, no object per event.
 * The ledger grows with every event ever seen, so its per-event cost decides the memory store's footprint
 * and how much the garbage collector has to trace. A row also holds what a history line needs beyond the
 * ledger (the states before and after, when it was recorded), so a resource's history is a list of rows.
 */
export class Ledger {
  readonly #index = new Map<string, number>();
  readonly #ids: string[] = [];
  // One code table per column: each keeps its own last-value cache, which a shared table would thrash.
  readonly #types = new Codes();
  readonly #providers = new Codes();
  readonly #sources = new Codes();
  // Per row: the resource's row in the resource table (-1: none), and the states before and after (codes).
  readonly #resource = new U32Column();
  readonly #from = new U32Column();
  readonly #to = new U32Column();

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
    return this.#index.has(id);
  }

  add(e: LedgerEntry, h: HistoryEntry | undefined, resourceRow: number): number {
    const row = this.#ids.length;
    this.#index.set(e.eventId, row);
    this.#ids.push(e.eventId);
    this.#resource.set(row, resourceRow + 1); // 0: no resource
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
    const row = this.#index.get(id);
    if (row === undefined) return undefined;
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

  id(row: number): string {
    return this.#ids[row]!;
  }

  type(row: number): string {
    return this.#types.value(this.#type.get(row));
  }

  history(row: number): HistoryEntry {
    return {
      eventId: this.#ids[row]!,
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
