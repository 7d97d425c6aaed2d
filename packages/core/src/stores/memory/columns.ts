import type { StateValue } from 'xstate';
import { frozenState, stateKey } from '../../internal/table.js';

const SHIFT = 14;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/**
 * A growable column of unsigned 32-bit integers (offsets, row numbers), 0 where never set. Its own class, not
 * a generic one: each `set` site then sees one typed-array kind, which keeps V8's element stores monomorphic.
 * It grows by chunks of 64 KiB and never copies (see the ledger's rows for why).
 */
export class U32Column {
  readonly #chunks: Uint32Array[] = [];

  get(row: number): number {
    return this.#chunks[row >>> SHIFT]?.[row & MASK] ?? 0;
  }

  set(row: number, value: number): void {
    const chunk = row >>> SHIFT;
    while (chunk >= this.#chunks.length) this.#chunks.push(new Uint32Array(CHUNK));
    this.#chunks[chunk]![row & MASK] = value;
  }
}

/** Small integer codes for a few distinct strings (event types, providers, sources). */
export class Codes {
  readonly #codes = new Map<string, number>();
  readonly #values: string[] = [];

  #last: string | undefined;
  #lastCode = 0;

  code(value: string): number {
    // Consecutive rows mostly repeat the provider, source and often the type: skip the map for those.
    if (value === this.#last) return this.#lastCode;
    let c = this.#codes.get(value);
    if (c === undefined) {
      c = this.#values.length;
      this.#codes.set(value, c);
      this.#values.push(value);
    }
    this.#last = value;
    this.#lastCode = c;
    return c;
  }

  value(code: number): string {
    return this.#values[code]!;
  }
}

/**
 * Small integer codes for state values. Strings code by value, objects (parallel states) by their canonical
 * key, so equal states share a code whether or not they are the same object. Every resource in a state then
 * reads back one object, so the object kept is a frozen one.
 */
export class StateCodes {
  readonly #codes = new Map<string, number>();
  readonly #values: Array<StateValue | undefined> = [undefined];

  /** Code 0 is "no state". */
  code(value: StateValue | undefined): number {
    if (value === undefined) return 0;
    const key = stateKey(value);
    let c = this.#codes.get(key);
    if (c === undefined) {
      c = this.#values.length;
      this.#codes.set(key, c);
      this.#values.push(frozenState(value));
    }
    return c;
  }

  value(code: number): StateValue | undefined {
    return this.#values[code];
  }
}
