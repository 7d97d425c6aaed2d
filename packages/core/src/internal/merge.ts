const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Shallow-merges `next` over `base` into a new object. Keys that would reach a prototype (`__proto__`,
 * `constructor`, `prototype`) are dropped: event JSON is untrusted, and `JSON.parse` keeps `__proto__` as an
 * own key that a plain assignment would turn into a prototype swap.
 */
export function mergeData(
  base: Readonly<Record<string, unknown>> | undefined,
  next: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const source of [base ?? EMPTY, next]) {
    for (const key of Object.keys(source)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      out[key] = source[key];
    }
  }
  return out;
}
