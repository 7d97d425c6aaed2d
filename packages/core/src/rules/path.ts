/**
 * The plain subset of JSONPath that compiles to property look-ups: `$.data.id`, `$.items[0].id`, `$['a b']`,
 * `data.id`. Anything else (wildcards, filters, slices, unions, recursion) is left to json-rules-engine, whose
 * resolver is jsonpath-plus.
 */
const SEGMENT = /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([A-Za-z0-9_ -]+)'\])/;
const FIRST = /^([A-Za-z_][A-Za-z0-9_]*)/;

/**
 * Splits a plain JSONPath into keys, or returns undefined when the path needs jsonpath-plus.
 *
 * @example
 * ```ts
 * parseSimplePath('$.data.items[0].id'); // ['data', 'items', '0', 'id']
 * parseSimplePath('$..id');              // undefined
 * ```
 */
export function parseSimplePath(path: string): string[] | undefined {
  const keys: string[] = [];
  let rest: string;
  if (path.startsWith('$')) {
    rest = path.slice(1);
  } else {
    const first = FIRST.exec(path);
    if (first === null) return undefined;
    keys.push(first[1]!);
    rest = path.slice(first[0].length);
  }
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (m === null) return undefined;
    keys.push(m[1] ?? m[2] ?? m[3]!);
    rest = rest.slice(m[0].length);
  }
  // jsonpath-plus reads a one-key path `$` as the root and `$.$` or a key named `$` specially; keep it simple.
  if (keys.some((k) => k === '$' || k.includes(' '))) return undefined;
  return keys;
}

/**
 * Follows keys as jsonpath-plus does for a plain path: a step is taken only through a truthy value that owns
 * the key (so strings expose their indices and `length`, and prototypes are never reached).
 *
 * @example
 * ```ts
 * lookup({ a: { b: 1 } }, ['a', 'b']); // 1
 * lookup({ a: 1 }, ['constructor']);   // undefined
 * ```
 */
export function lookup(value: unknown, keys: ReadonlyArray<string>): unknown {
  let current = value;
  for (const key of keys) {
    if (!current || !Object.hasOwn(current as object, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * What json-rules-engine's almanac does with a `path`: it applies the path only to non-null objects and
 * returns any other fact value unchanged.
 *
 * @example
 * ```ts
 * applyPath({ a: 1 }, ['a']); // 1
 * applyPath('text', ['a']);   // 'text'
 * ```
 */
export function applyPath(factValue: unknown, keys: ReadonlyArray<string> | undefined): unknown {
  if (keys === undefined) return factValue;
  if (factValue === null || typeof factValue !== 'object') return factValue;
  return lookup(factValue, keys);
}
