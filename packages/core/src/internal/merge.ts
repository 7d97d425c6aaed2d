type Data = Readonly<Record<string, unknown>>;

/**
 * Shallow-merges `next` over `base`: the result deep-equals `{ ...base, ...next }`. Keys `JSON.parse` keeps
 * but that could reach a prototype (`__proto__`, `constructor`, `prototype`) are dropped, since event JSON is
 * untrusted; spread defines properties rather than assigning them, so even a kept one could not swap one.
 *
 * The result shares what it can with `base`: `base` itself when `next` changes nothing, else a copy of it with
 * only the changed values taken from `next` (a nested object or array equal to the old one, one level deep,
 * counts as unchanged). A store keeps the merged context for as long as the resource lives, so whatever it
 * takes from `next` outlives the event and the collector has to move it; what it shares was moved already.
 */
export function mergeData(base: Data | undefined, next: Data): Data {
  if (
    Object.hasOwn(next, '__proto__') ||
    Object.hasOwn(next, 'constructor') ||
    Object.hasOwn(next, 'prototype')
  )
    return mergeRisky(base, next);
  if (base === undefined) return next;
  let merged: Record<string, unknown> | undefined;
  for (const key in next) {
    const value = next[key];
    if (Object.hasOwn(base, key) && sameValue(base[key], value)) continue;
    merged ??= { ...base };
    merged[key] = value;
  }
  return merged ?? base;
}

function mergeRisky(base: Data | undefined, next: Data): Data {
  const clean: Record<string, unknown> = {};
  for (const key of Object.keys(next)) {
    if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype') clean[key] = next[key];
  }
  return base === undefined ? clean : { ...base, ...clean };
}

/** `===`, or arrays or plain objects whose own values are `===` one by one. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && sameItems(a, b);
  return !Array.isArray(b) && sameEntries(a as Data, b as Data);
}

function sameItems(a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameEntries(a: Data, b: Data): boolean {
  let count = 0;
  for (const key in b) {
    if (!Object.hasOwn(a, key) || a[key] !== b[key]) return false;
    count++;
  }
  for (const _ in a) count--;
  return count === 0;
}
