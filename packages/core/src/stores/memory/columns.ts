import type { StateValue } from 'xstate';
import { stateKey } from '../../internal/table.js';

/** A growable column of numbers in a typed array: no object, no boxed double per cell. */
export class Column<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array> {
  #cells: T;
  constructor(private readonly make: (size: number) => T) {
    this.#cells = make(1024);
  }

  get(row: number): number {
    return this.#cells[row]!;
  }

  set(row: number, value: number): void {
    if (row >= this.#cells.length) {
      const next = this.make(Math.max(this.#cells.length * 2, row + 1));
      next.set(this.#cells);
      this.#cells = next;
    }
    this.#cells[row] = value;
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
 * key, so equal states share a code whether or not they are the same object.
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
      this.#values.push(value);
    }
    return c;
  }

  value(code: number): StateValue | undefined {
    return this.#values[code];
  }
}
