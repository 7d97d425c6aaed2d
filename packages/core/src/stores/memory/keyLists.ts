/** Interned lists beyond this many are not interned: event data with ever new keys cannot grow the table. */
const LIMIT = 4096;
/** Lists tried before the table: the last few distinct ones interned. */
const RECENT = 8;

/**
 * True when `obj`'s enumerable keys are `keys`, in order. Inherited ones count too, so a list taken this way
 * can only hold more keys than the object's own: a covering check against it can only say no more often,
 * and then the merge is done, which is right either way.
 */
function hasKeys(obj: Readonly<Record<string, unknown>>, keys: ReadonlyArray<string>): boolean {
  let i = 0;
  for (const k in obj) {
    if (keys[i] !== k) return false;
    i++;
  }
  return i === keys.length;
}

/**
 * The key lists of stored contexts, one frozen array per distinct list. A resource keeps its context's list
 * beside it, so whether the next event's data covers the context (has every key of it, so that it is the
 * merge) is answered without reading the context, which the memory store may keep as JSON text.
 *
 * @example
 * ```ts
 * const lists = new KeyLists();
 * lists.of({ a: 1, b: 2 }) === lists.of({ a: 3, b: 4 }); // true
 * ```
 */
export class KeyLists {
  readonly #byText = new Map<string, ReadonlyArray<string>>();
  readonly #recent: Array<ReadonlyArray<string>> = [];
  #next = 0;

  /**
   * The list of `obj`'s own enumerable keys. `hint` is the list it most likely has (its resource's last one):
   * checking that costs one pass over its keys and allocates nothing.
   */
  of(obj: Readonly<Record<string, unknown>>, hint?: ReadonlyArray<string>): ReadonlyArray<string> {
    if (hint !== undefined && hasKeys(obj, hint)) return hint;
    // A resource's first event, or one of another shape: most such are of a shape seen lately.
    const recent = this.#recent;
    for (let i = 0; i < recent.length; i++) if (hasKeys(obj, recent[i]!)) return recent[i]!;
    const list = this.#intern(obj);
    recent[this.#next] = list;
    this.#next = (this.#next + 1) % RECENT;
    return list;
  }

  #intern(obj: Readonly<Record<string, unknown>>): ReadonlyArray<string> {
    const keys = Object.keys(obj);
    const text = JSON.stringify(keys);
    let list = this.#byText.get(text);
    if (list === undefined) {
      // Not frozen: V8 reads a frozen array's elements through a generic path, several times slower, and
      // these are read on every ingest. They never leave the store and the engine.
      list = keys;
      if (this.#byText.size < LIMIT) this.#byText.set(text, list);
    }
    return list;
  }
}
