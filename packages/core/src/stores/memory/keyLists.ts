/** Interned lists beyond this many are not interned: event data with ever new keys cannot grow the table. */
const LIMIT = 4096;

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

  /**
   * The list of `obj`'s own enumerable keys. `hint` is the list it most likely has (its resource's last one):
   * checking that costs one pass over its keys and allocates nothing.
   */
  of(obj: Readonly<Record<string, unknown>>, hint?: ReadonlyArray<string>): ReadonlyArray<string> {
    if (hint !== undefined && hasKeys(obj, hint)) return hint;
    const keys = Object.keys(obj);
    const text = JSON.stringify(keys);
    let list = this.#byText.get(text);
    if (list === undefined) {
      list = Object.freeze(keys);
      if (this.#byText.size < LIMIT) this.#byText.set(text, list);
    }
    return list;
  }
}
