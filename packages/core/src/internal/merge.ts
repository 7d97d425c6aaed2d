/**
 * Shallow-merges `next` over `base`'s context (a snapshot's, say) into a new object. `covered`, when the
 * caller knows it, says whether `next` has every key of that context, which is then not read at all: a store
 * may keep a context as text, parsed only when read. Spread defines properties rather than assigning them,
 * so an own `__proto__` key that `JSON.parse` keeps can never swap a prototype; such keys (and `constructor`,
 * `prototype`) are dropped anyway, since event JSON is untrusted. The first event's data is used as it is
 * when it holds none of them (the common case, and the cheap one).
 */
export function mergeData(
  base: { readonly context: Readonly<Record<string, unknown>> } | undefined,
  next: Readonly<Record<string, unknown>>,
  covered?: boolean,
): Readonly<Record<string, unknown>> {
  const risky =
    Object.hasOwn(next, '__proto__') ||
    Object.hasOwn(next, 'constructor') ||
    Object.hasOwn(next, 'prototype');
  if (!risky) {
    if (base === undefined) return next;
    // When `next` has every key of `base` (a full resource after a full resource, or a thin reference
    // repeated), it is the merge. Checking whether it is also equal to `base`, to keep the stored object,
    // cost more than it saved: comparing strings reads the stored ones, which are rarely in the cache.
    if (covered === true) return next;
    const stored = base.context;
    return covered === false || !covers(next, stored) ? { ...stored, ...next } : next;
  }
  const clean: Record<string, unknown> = {};
  for (const key of Object.keys(next)) {
    if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype') clean[key] = next[key];
  }
  return base === undefined ? clean : { ...base.context, ...clean };
}

/** True when `next` has every key of `base` (a full resource after a full resource): no merge needed. */
function covers(next: Readonly<Record<string, unknown>>, base: Readonly<Record<string, unknown>>): boolean {
  for (const key in base) if (!Object.hasOwn(next, key)) return false;
  return true;
}
