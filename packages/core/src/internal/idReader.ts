import { readPath } from './envelope.js';

/** Reads a resource id from an event's data: the first of its paths that holds a non-empty string. */
export type IdReader = (data: Readonly<Record<string, unknown>>) => string | undefined;

/** The reader as a loop over the paths, for hosts that forbid code from strings. */
function loopReader(paths: ReadonlyArray<ReadonlyArray<string>>): IdReader {
  return (data) => {
    for (let i = 0; i < paths.length; i++) {
      const v = readPath(data, paths[i]!);
      if (typeof v === 'string' && v.length > 0) return v;
    }
    return undefined;
  };
}

/**
 * Compiles a catalog entry's id paths into one function with its keys as literals, as the data validators
 * are (`accepts.ts`): a loop reads every entry's ids through one keyed access, which V8 can only serve
 * megamorphically. Only own properties count, as `readPath` has it. Keys come from the catalog, never from
 * event data, and enter the source only through `JSON.stringify`.
 *
 * @example
 * ```ts
 * compileIdReader([['policy_id'], ['policy', 'id']])({ policy: { id: 'pl_1' } }); // 'pl_1'
 * ```
 */
export function compileIdReader(paths: ReadonlyArray<ReadonlyArray<string>>): IdReader {
  const blocks = paths.map((path) => {
    const lines = ['c = d;'];
    for (const [i, key] of path.entries()) {
      const k = JSON.stringify(key);
      const last = i === path.length - 1;
      lines.push(
        last
          ? `v = c[${k}]; if (typeof v === 'string' && v.length > 0 && hasOwn(c, ${k})) return v;`
          : `if (!hasOwn(c, ${k})) break; c = c[${k}]; if (typeof c !== 'object' || c === null || isArray(c)) break;`,
      );
    }
    return `do { ${lines.join(' ')} } while (false);`;
  });
  const body = ["'use strict';", 'let c, v;', ...blocks, 'return undefined;'].join('\n');
  try {
    const make = new Function('hasOwn', 'isArray', `return function readId(d) {\n${body}\n};`);
    return make(Object.hasOwn, Array.isArray) as IdReader;
  } catch {
    return loopReader(paths);
  }
}

export { loopReader as compileIdReaderLooped };
