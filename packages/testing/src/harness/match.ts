/**
 * What {@link matches} accepts: a value to compare, a `RegExp` for strings, a predicate, or an object/array of
 * those (objects match when every key listed matches; keys not listed are ignored).
 */
export type Matcher<T = unknown> =
  | (T extends object ? { readonly [K in keyof T]?: Matcher<T[K]> } : T)
  | RegExp
  | ((value: T) => boolean);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}

/**
 * Deep partial matching, for recorded actions, transitions and results.
 *
 * @example
 * ```ts
 * matches({ type: 'http', params: { url: 'https://x', body: { id: 'q1' } } }, { type: 'http', params: { body: { id: /^q/ } } }); // true
 * matches({ runAt: 5 }, { runAt: (t: number) => t > 10 }); // false
 * ```
 */
export function matches(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'function') return Boolean((expected as (v: unknown) => unknown)(actual));
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => matches(actual[i], e))
    );
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(expected).every(([k, v]) => matches(actual[k], v));
  }
  return Object.is(actual, expected);
}
