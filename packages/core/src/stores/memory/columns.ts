import type { StateValue } from 'xstate';
import { frozenState, stateKey } from '../../internal/table.js';

/**
 * A growable column of unsigned 32-bit integers (offsets, row numbers). Its own class, not a generic one: each
 * `set` site then sees one typed-array kind, which keeps V8's element stores monomorphic.
 */
export class U32Column {
  #cells = new Uint32Array(1024);

  get(row: number): number {
    return this.#cells[row]!;
  }

  set(row: number, value: number): void {
    if (row >= this.#cells.length) {
      const next = new Uint32Array(Math.max(this.#cells.length * 2, row + 1));
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
