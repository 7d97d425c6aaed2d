/** Keys event JSON may hold that must never reach a merge: a spread or assignment of them could reach a prototype. */
function isUnsafe(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/**
 * Shallow-merges `next` over `base`'s context (a snapshot's, say) into a new object. Spread defines
 * properties rather than assigning them, so an own `__proto__` key that `JSON.parse` keeps can never swap a
 * prototype; such keys (and `constructor`, `prototype`) are dropped anyway, since event JSON is untrusted.
 * `next` itself is the merge when it holds none of them and has every key of the context (a full resource
 * after a full resource, or a thin reference repeated): the common case, and the cheap one.
 *
 * `baseKeys`, when the caller knows them, are the context's own keys in order: then a `next` with exactly
 * those keys is known to cover it in one pass over its keys, and the context is read only for a real merge
 * (a store may keep a context as text, parsed only when read).
 */
export function mergeData(
  base: { readonly context: Readonly<Record<string, unknown>> } | undefined,
  next: Readonly<Record<string, unknown>>,
  baseKeys?: ReadonlyArray<string>,
): Readonly<Record<string, unknown>> {
  const proto = Object.getPrototypeOf(next);
  if (proto === Object.prototype || proto === null) {
    // One pass over next's keys (for-in sees only its own here): any unsafe one, and are they base's?
    let same = baseKeys !== undefined;
    let i = 0;
    let unsafe = false;
    for (const key in next) {
      if (isUnsafe(key)) {
        unsafe = true;
        break;
      }
      if (same && baseKeys![i] !== key) same = false;
      i++;
    }
    if (!unsafe) {
      if (base === undefined || (same && i === baseKeys!.length)) return next;
      return covers(next, baseKeys ?? Object.keys(base.context)) ? next : { ...base.context, ...next };
    }
  } else if (!Object.keys(next).some(isUnsafe)) {
    if (base === undefined) return next;
    return covers(next, baseKeys ?? Object.keys(base.context)) ? next : { ...base.context, ...next };
  }
  const clean: Record<string, unknown> = {};
  for (const key of Object.keys(next)) if (!isUnsafe(key)) clean[key] = next[key];
  return base === undefined ? clean : { ...base.context, ...clean };
}

/** True when `next` has every one of `keys` (a full resource after a full resource): no merge needed. */
function covers(next: Readonly<Record<string, unknown>>, keys: ReadonlyArray<string>): boolean {
  for (let i = 0; i < keys.length; i++) if (!Object.hasOwn(next, keys[i]!)) return false;
  return true;
}
