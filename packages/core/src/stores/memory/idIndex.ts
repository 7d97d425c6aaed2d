import { Buffer } from 'node:buffer';
import { U32Column } from './columns.js';

const EMPTY = 0;
// An entry in the arena: its row, its length in bytes, then its bytes padded to whole 32-bit words.
const ROW = 0;
const LENGTH = 1;
const HEADER = 2;
// The arena is chunks of 64 KiB that entries never straddle: it grows by a chunk, never by copying (see the
// ledger's rows for why), and an entry's offset names its chunk in its high bits.
const ARENA_SHIFT = 14;
const ARENA_WORDS = 1 << ARENA_SHIFT;
const ARENA_MASK = ARENA_WORDS - 1;
/** Longer ids (in bytes) than one chunk holds go to the map beside the table, as non-ASCII ones do. */
const MAX_PACKED = (ARENA_WORDS - HEADER) * 4;

/** A Buffer over the same memory: its latin1 decoding makes an id's string in one native call. */
function textOf(words: Int32Array): Buffer {
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

/**
 * Every event id the ledger has seen, each with its row number (the order ids were added), packed: an
 * open-addressing hash table in an `Int32Array` and the ids' characters in one arena of 32-bit words.
 *
 * The ledger holds every id ever seen, so a `Map<string, number>` there meant a string object and a table
 * entry per event for the collector to trace and copy, forever. Here an id costs its bytes and four cells,
 * none of which the collector looks into. An id is copied into a scratch buffer by one native call, and then
 * hashed and compared a word at a time: a loop of `charCodeAt` cost several times as much. A slot points at
 * the id's entry, which holds its row, so a probe reads two places: the slot and the entry. Ids with a
 * character outside ASCII (no provider sends them, but JSON allows them) go to an ordinary map beside it.
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
  // Slot i is two cells: the id's hash at 2i and its entry's word offset + 1 at 2i + 1 (0: empty). The hash
  // sits beside the offset so that a probe past another id reads nothing else.
  #slots = new Int32Array(2 << 12);
  #mask = (1 << 12) - 1;
  readonly #arenas: Int32Array[] = [new Int32Array(ARENA_WORDS)];
  readonly #texts: Buffer[] = [textOf(this.#arenas[0]!)];
  // The offset of the next entry, across chunks.
  #used = 0;
  #count = 0;
  // Row → entry offset, for reading an id back by its row.
  readonly #starts = new U32Column();
  readonly #wide = new Map<string, number>();
  readonly #wideIds = new Map<number, string>();
  // The id being looked up, as bytes (then its words), with its byte length.
  #scratch = new Int32Array(64);
  #scratchText = textOf(this.#scratch);
  #length = 0;

  // `rowOf` then `add` of the same id is the ledger's commit: remember where the look-up stopped. The
  // scratch still holds that id's bytes while `#probedId` is set: every encode clears it.
  #probedId: string | undefined;
  #probedHash = 0;
  #probedSlot = 0;

  get size(): number {
    return this.#count;
  }

  /** The row of `id`, or -1. */
  rowOf(id: string): number {
    const hash = this.#encode(id);
    if (hash < 0) return this.#wide.get(id) ?? -1;
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hash & mask;
    for (let s = slots[2 * i + 1]!; s !== EMPTY; s = slots[2 * i + 1]!) {
      if (slots[2 * i] === hash && this.#matches(s - 1)) return this.#entryRow(s - 1);
      i = (i + 1) & mask;
    }
    this.#probedId = id;
    this.#probedHash = hash;
    this.#probedSlot = i;
    return -1;
  }

  /** Adds `id` and returns its row, or -1 when it is already there. */
  add(id: string): number {
    if (id !== this.#probedId) {
      if (this.rowOf(id) >= 0) return -1;
      if (this.#probedId !== id) return this.#addWide(id);
    }
    const hash = this.#probedHash;
    const slot = this.#probedSlot;
    this.#probedId = undefined;
    const row = this.#count++;
    const at = this.#append(row);
    this.#starts.set(row, at);
    this.#slots[2 * slot] = hash;
    this.#slots[2 * slot + 1] = at + 1;
    // Up to four fifths of the slots in use: a miss then probes about 13 slots, two cache lines, and the
    // table of a ledger holds 1.6 ids per 16 bytes rather than one. The table is probed at random on every
    // ingest, and past a few MiB each probe waits on memory.
    if (this.#count * 5 > (this.#mask + 1) * 4) this.#grow();
    return row;
  }

  /** The id of `row`. */
  id(row: number): string {
    const wide = this.#wideIds.get(row);
    if (wide !== undefined) return wide;
    const at = this.#starts.get(row);
    const arena = this.#arenas[at >>> ARENA_SHIFT]!;
    const start = at & ARENA_MASK;
    const from = (start + HEADER) * 4;
    return this.#texts[at >>> ARENA_SHIFT]!.toString('latin1', from, from + arena[start + LENGTH]!);
  }

  #entryRow(at: number): number {
    return this.#arenas[at >>> ARENA_SHIFT]![(at & ARENA_MASK) + ROW]!;
  }

  /**
   * Copies `id` into the scratch words, zero-padded, and returns its hash (non-negative), or -1 when it has a
   * character outside ASCII. UTF-8 of an ASCII string is its characters, one byte each, so a byte count equal
   * to the string's length says every character was ASCII.
   */
  #encode(id: string): number {
    this.#probedId = undefined;
    // UTF-8 has at least a byte per character: a longer string cannot fit a chunk, whatever it holds.
    if (id.length > MAX_PACKED) return -1;
    if (id.length * 3 + 4 > this.#scratch.byteLength) {
      this.#scratch = new Int32Array(Math.ceil((id.length * 3 + 4) / 4) * 2);
      this.#scratchText = textOf(this.#scratch);
    }
    const n = this.#scratchText.write(id, 0, 'utf8');
    if (n !== id.length) return -1;
    this.#length = n;
    const words = this.#scratch;
    const w = (n + 3) >> 2;
    // Little-endian: the bytes past the id in its last word are the word's high ones.
    if ((n & 3) !== 0) words[w - 1] = words[w - 1]! & ((1 << ((n & 3) * 8)) - 1);
    let h = 0x811c9dc5 ^ n;
    for (let k = 0; k < w; k++) {
      h = Math.imul(h ^ words[k]!, 0x01000193);
      h ^= h >>> 15;
    }
    // murmur3's finalizer: every input bit reaches the low bits the table's mask keeps.
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 1;
  }

  /** True when the entry at `at` holds the id in the scratch words. */
  #matches(at: number): boolean {
    const arena = this.#arenas[at >>> ARENA_SHIFT]!;
    const start = at & ARENA_MASK;
    const n = this.#length;
    if (arena[start + LENGTH] !== n) return false;
    const words = this.#scratch;
    const w = (n + 3) >> 2;
    for (let k = 0; k < w; k++) if (arena[start + HEADER + k] !== words[k]) return false;
    return true;
  }

  #addWide(id: string): number {
    if (this.#wide.has(id)) return -1;
    const row = this.#count++;
    this.#wide.set(id, row);
    this.#wideIds.set(row, id);
    return row;
  }

  /** Appends the entry of the id in the scratch words for `row`; returns its offset. */
  #append(row: number): number {
    const size = HEADER + ((this.#length + 3) >> 2);
    let at = this.#used;
    // An entry that would straddle two chunks starts the next one (at most MAX_PACKED bytes: it fits).
    if ((at & ARENA_MASK) + size > ARENA_WORDS) at = ((at >>> ARENA_SHIFT) + 1) << ARENA_SHIFT;
    const chunk = at >>> ARENA_SHIFT;
    if (chunk === this.#arenas.length) {
      const next = new Int32Array(ARENA_WORDS);
      this.#arenas.push(next);
      this.#texts.push(textOf(next));
    }
    const arena = this.#arenas[chunk]!;
    const start = at & ARENA_MASK;
    const words = this.#scratch;
    arena[start + ROW] = row;
    arena[start + LENGTH] = this.#length;
    for (let k = 0; k < size - HEADER; k++) arena[start + HEADER + k] = words[k]!;
    this.#used = at + size;
    return at;
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
