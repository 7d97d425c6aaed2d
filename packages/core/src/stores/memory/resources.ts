import type { ResourceSnapshot } from '../../store.js';
import { F64Column, type StateCodes, U32Column } from './columns.js';

/**
 * Resources in columns: a resource costs an index slot and a few cells, however many events it has seen,
 * and the snapshot objects the engine hands over die young. Provider, lifecycle and id are read back from
 * the key (`provider/lifecycle/id`) rather than stored.
 */
export class ResourceTable {
  readonly #index = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #context: Array<Readonly<Record<string, unknown>>> = [];
  readonly #history: Array<number | number[] | undefined> = [];
  readonly #state = new U32Column(); // code; 0 is "no state yet"
  readonly #lastEvent = new U32Column(); // ledger row of the last applied event
  readonly #occurredAt = new F64Column();
  readonly #createdAt = new F64Column();
  readonly #updatedAt = new F64Column();
  readonly #version = new U32Column();
  // stateAt: a flat machine's one stamp in a column (NaN: unset); parallel machines' stamps by row.
  readonly #stampedAt = new F64Column();
  readonly #regionStamps = new Map<number, Readonly<Record<string, number>>>();

  constructor(
    private readonly historyLimit: number,
    private readonly states: StateCodes,
    private readonly lastEvent: (ledgerRow: number) => { id: string; type: string },
  ) {}

  key(row: number): string {
    return this.#keys[row]!;
  }

  // An ingest reads, checks and writes the same key back to back: remember the last look-up.
  #lastKey: string | undefined;
  #lastRow: number | undefined;

  rowOf(key: string): number | undefined {
    if (key === this.#lastKey) return this.#lastRow;
    const row = this.#index.get(key);
    this.#lastKey = key;
    this.#lastRow = row;
    return row;
  }

  version(row: number | undefined): number {
    return row === undefined ? 0 : this.#version.get(row);
  }

  /** The row of `key`, created (empty, version 0) when new. */
  ensure(key: string, createdAt: number): number {
    let row = this.rowOf(key);
    if (row === undefined) {
      row = this.#keys.length;
      this.#index.set(key, row);
      this.#lastKey = key;
      this.#lastRow = row;
      this.#keys.push(key);
      this.#state.set(row, this.states.code(undefined));
      this.#context.push(EMPTY);
      this.#history.push(undefined);
      this.#createdAt.set(row, createdAt);
      this.#version.set(row, 0);
      this.#stampedAt.set(row, Number.NaN);
    }
    return row;
  }

  /**
   * Writes a snapshot. `ledgerRow` is the row of the event being committed: it becomes the last event only
   * when the snapshot says so (a late event moves state but leaves the newer event as the last one).
   */
  write(row: number, s: ResourceSnapshot, ledgerRow: number, eventId: string): void {
    this.#state.set(row, this.states.code(s.state));
    this.#context[row] = s.context;
    if (s.lastEventId === eventId) this.#lastEvent.set(row, ledgerRow);
    this.#occurredAt.set(row, s.occurredAt);
    this.#createdAt.set(row, s.createdAt);
    this.#updatedAt.set(row, s.updatedAt);
    this.#version.set(row, s.version);
    this.#writeStamps(row, s.stateAt);
  }

  #writeStamps(row: number, stateAt: Readonly<Record<string, number>> | undefined): void {
    let count = 0;
    for (const _ in stateAt) count++;
    const flat = stateAt?.[''];
    if (count === 1 && flat !== undefined) {
      this.#stampedAt.set(row, flat);
      if (this.#regionStamps.size > 0) this.#regionStamps.delete(row);
    } else if (count === 0) {
      this.#stampedAt.set(row, Number.NaN);
      this.#regionStamps.delete(row);
    } else {
      this.#stampedAt.set(row, Number.NaN);
      this.#regionStamps.set(row, stateAt!);
    }
  }

  #readStamps(row: number): Readonly<Record<string, number>> {
    const flat = this.#stampedAt.get(row);
    if (!Number.isNaN(flat)) return { '': flat };
    return this.#regionStamps.get(row) ?? NO_STAMPS;
  }

  pushHistory(row: number, ledgerRow: number): void {
    const cur = this.#history[row];
    if (cur === undefined || this.historyLimit <= 1) this.#history[row] = ledgerRow;
    else if (typeof cur === 'number') this.#history[row] = [cur, ledgerRow];
    else {
      cur.push(ledgerRow);
      if (cur.length > this.historyLimit) cur.splice(0, cur.length - this.historyLimit);
    }
  }

  historyRows(row: number | undefined, limit: number): number[] {
    const cur = row === undefined ? undefined : this.#history[row];
    if (cur === undefined || limit <= 0) return [];
    return typeof cur === 'number' ? [cur] : cur.slice(-limit);
  }

  snapshot(row: number | undefined): ResourceSnapshot | undefined {
    if (row === undefined) return undefined;
    const state = this.states.value(this.#state.get(row));
    if (state === undefined) return undefined;
    const last = this.lastEvent(this.#lastEvent.get(row));
    const key = this.#keys[row]!;
    const a = key.indexOf('/');
    const b = key.indexOf('/', a + 1);
    return {
      key,
      provider: key.slice(0, a),
      lifecycle: key.slice(a + 1, b),
      id: key.slice(b + 1),
      state,
      stateAt: this.#readStamps(row),
      context: this.#context[row]!,
      lastEventId: last.id,
      lastEventType: last.type,
      occurredAt: this.#occurredAt.get(row),
      createdAt: this.#createdAt.get(row),
      updatedAt: this.#updatedAt.get(row),
      version: this.#version.get(row),
    };
  }

  *rows(): IterableIterator<number> {
    for (let row = 0; row < this.#keys.length; row++) yield row;
  }
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_STAMPS: Readonly<Record<string, number>> = Object.freeze({});
