import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { compileIdReader, compileIdReaderLooped } from '../../src/internal/idReader.js';

const key = fc.constantFrom(
  'id',
  'policy_id',
  'policy',
  'object',
  '__proto__',
  'constructor',
  'toString',
  'a b',
  '"',
);
const path = fc.array(key, { minLength: 1, maxLength: 3 });
/** Data as JSON.parse makes it (own `__proto__` keys), holding ids, empty strings, numbers and nesting. */
const data = fc
  .dictionary(
    key,
    fc.oneof(
      fc.constantFrom('pl_1', '', 7, null),
      fc.dictionary(key, fc.oneof(fc.constantFrom('pl_2', ''), fc.dictionary(key, fc.constant('pl_3')))),
      fc.array(fc.constant('pl_4'), { maxLength: 1 }),
    ),
  )
  .map((d) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>);

describe('compileIdReader', () => {
  test.prop([fc.array(path, { minLength: 1, maxLength: 3 }), data], { numRuns: 3000 })(
    'reads what the loop over the paths reads, own keys only',
    (paths, d) => {
      expect(compileIdReader(paths)(d)).toBe(compileIdReaderLooped(paths)(d));
    },
  );

  test.prop([data])('never reads through a prototype', (d) => {
    const got = compileIdReader([
      ['constructor', 'name'],
      ['toString', 'name'],
      ['__proto__', 'id'],
    ])(d);
    expect(got === undefined || ['pl_1', 'pl_2', 'pl_3'].includes(got)).toBe(true);
  });
});
