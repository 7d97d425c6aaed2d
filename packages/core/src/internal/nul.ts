import type { ErrorInfo, ErrorPath } from '../errors.js';

/**
 * Where a parsed payload holds U+0000, in a string or a property name, or `undefined` when it holds none.
 * JSON allows the character (as `\u0000`), but PostgreSQL's `text` and `jsonb` refuse it, so an event that
 * held one would be kept by the memory store and fail every commit of a SQL store: a delivery answered 503
 * for ever, a poller stuck at its checkpoint. The engine refuses such events with every store alike.
 *
 * The walk keeps its own stack (a payload may nest deeper than the call stack goes) and skips objects it
 * has seen (a host may hand over an object graph with cycles).
 *
 * @example
 * ```ts
 * nulPath({ data: { note: 'a\u0000b' } }); // ['data', 'note']
 * nulPath({ data: { note: 'ab' } }); // undefined
 * ```
 */
export function nulPath(value: unknown): ErrorPath | undefined {
  const seen = new Set<object>();
  // Each entry links to its parent, so a path is only built for the one that is found.
  const stack: Step[] = [{ value, key: undefined, parent: undefined }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const v = step.value;
    if (typeof v === 'string') {
      if (v.includes('\0')) return pathOf(step);
      continue;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: step });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child: Step = { value: (v as Record<string, unknown>)[key], key, parent: step };
      if (key.includes('\0')) return pathOf(child);
      stack.push(child);
    }
  }
  return undefined;
}

interface Step {
  readonly value: unknown;
  readonly key: string | number | undefined;
  readonly parent: Step | undefined;
}

function pathOf(step: Step): ErrorPath {
  const path: Array<string | number> = [];
  for (let s: Step | undefined = step; s?.key !== undefined; s = s.parent) path.push(s.key);
  return path.reverse();
}

/**
 * The error for a payload that holds U+0000, or `undefined`. `text` is the payload's JSON text when the
 * caller has it: U+0000 can only appear there escaped, so a text without `\u0000` needs no walk at all,
 * which keeps the check off the hot path of string payloads.
 */
export function nulError(body: unknown, text: string | undefined): ErrorInfo | undefined {
  if (text !== undefined && !text.includes('\\u0000')) return undefined;
  const path = nulPath(body);
  if (path === undefined) return undefined;
  return {
    code: path[0] === 'data' ? 'invalid_data' : 'invalid_envelope',
    message: `${path.length > 0 ? `\`${path.join('.')}\`` : 'the payload'} holds U+0000, which no store can keep (PostgreSQL's text and jsonb refuse it)`,
    path,
  };
}
