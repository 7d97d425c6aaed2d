import { Buffer } from 'node:buffer';
import { U32Column } from './columns.js';

const EMPTY = 0;

/** A Buffer over the same memory, whose latin1 decoding makes an id's string in one native call. */
function textOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** FNV-1a over UTF-16 code units; -1 when a unit does not fit a byte (the id then goes to the side map). */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c > 0xff) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  // Kept non-negative so that -1 can mean "wide".
  return h >>> 1;
}

/**
 * Every event id the ledger has seen, each with its row number (the order ids were added), packed: an
 * open-addressing hash table in an `Int32Array` and the ids' characters in one byte arena.
 *
 * The ledger holds every id ever seen, so a `Map<string, number>` there meant a string object and a table
 * entry per event for the collector to trace and copy, forever. Here an id costs its bytes and three cells,
 * none of which the collector looks into. Ids with a character above U+00FF (no provider sends them, but
 * JSON allows them) go to an ordinary map beside the table.
 *
 * @example
 * ```ts
 * const ids = new IdIndex();
 * ids.add('evt_1'); // 0
 * ids.rowOf('evt_1'); // 0
 * ids.add('evt_1'); // -1: already there
 * ```
 */
export class IdIndex {
  // Slot i is two cells: the id's hash at 2i and its row + 1 at 2i + 1 (0: empty). The hash sits beside the
  // row so that a probe past another id costs no second look-up elsewhere: one cache line per probe.
  #slots = new Int32Array(2 << 12);
  #mask = (1 << 12) - 1;
  #bytes = new Uint8Array(1 << 16);
  #text = textOf(this.#bytes);
  #used = 0;
  #count = 0;
  readonly #starts = new U32Column();
  readonly #wide = new Map<string, number>();
  readonly #wideIds = new Map<number, string>();

  // `has` then `add` of the same id is the ledger's commit: remember where the look-up stopped.
  #probedId: string | undefined;
  #probedHash = 0;
  #probedSlot = 0;

  get size(): number {
    return this.#count;
  }

  /** The row of `id`, or -1. */
  rowOf(id: string): number {
    const hash = hashOf(id);
    if (hash < 0) return this.#wide.get(id) ?? -1;
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hash & mask;
    for (let s = slots[2 * i + 1]!; s !== EMPTY; s = slots[2 * i + 1]!) {
      if (slots[2 * i] === hash && this.#equals(s - 1, id)) return s - 1;
      i = (i + 1) & mask;
    }
    this.#probedId = id;
    this.#probedHash = hash;
    this.#probedSlot = i;
    return -1;
  }

  /** Adds `id` and returns its row, or -1 when it is already there. */
  add(id: string): number {
    let hash: number;
    let slot: number;
    if (id === this.#probedId) {
      hash = this.#probedHash;
      slot = this.#probedSlot;
    } else {
      if (this.rowOf(id) >= 0) return -1;
      if (this.#probedId !== id) return this.#addWide(id);
      hash = this.#probedHash;
      slot = this.#probedSlot;
    }
    this.#probedId = undefined;
    const row = this.#count++;
    this.#starts.set(row, this.#used);
    this.#append(id);
    this.#slots[2 * slot] = hash;
    this.#slots[2 * slot + 1] = row + 1;
    // At most half the slots in use keeps probes short.
    if (this.#count * 2 > this.#mask + 1) this.#grow();
    return row;
  }

  /** The id of `row`. */
  id(row: number): string {
    const wide = this.#wideIds.get(row);
    if (wide !== undefined) return wide;
    const start = this.#starts.get(row);
    const end = row + 1 < this.#count ? this.#starts.get(row + 1) : this.#used;
    return this.#text.toString('latin1', start, end);
  }

  #addWide(id: string): number {
    if (this.#wide.has(id)) return -1;
    const row = this.#count++;
    this.#wide.set(id, row);
    this.#wideIds.set(row, id);
    this.#starts.set(row, this.#used); // zero bytes: the next row starts where this one does
    return row;
  }

  // Wide rows never sit in the table, so a row found there always has its bytes in the arena.
  #equals(row: number, id: string): boolean {
    const start = this.#starts.get(row);
    const end = row + 1 < this.#count ? this.#starts.get(row + 1) : this.#used;
    if (end - start !== id.length) return false;
    const bytes = this.#bytes;
    for (let k = 0; k < id.length; k++) if (bytes[start + k] !== id.charCodeAt(k)) return false;
    return true;
  }

  #append(id: string): void {
    const need = this.#used + id.length;
    if (need > this.#bytes.length) {
      const next = new Uint8Array(Math.max(this.#bytes.length * 2, need));
      next.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = next;
      this.#text = textOf(next);
    }
    const bytes = this.#bytes;
    const at = this.#used;
    for (let k = 0; k < id.length; k++) bytes[at + k] = id.charCodeAt(k);
    this.#used = need;
  }

  #grow(): void {
    const old = this.#slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let j = 0; j < old.length; j += 2) {
      const s = old[j + 1]!;
      if (s === EMPTY) continue;
      const hash = old[j]!;
      let i = hash & mask;
      while (slots[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
      slots[2 * i] = hash;
      slots[2 * i + 1] = s;
    }
    this.#slots = slots;
    this.#mask = mask;
    this.#probedId = undefined;
  }
}
