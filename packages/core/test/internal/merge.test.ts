import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { mergeData } from '../../src/internal/merge.js';

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const key = fc.constantFrom(
  'id',
  'status',
  'employer_id',
  'object',
  '__proto__',
  'constructor',
  'prototype',
  'x',
);
/** Objects as JSON.parse makes them: `__proto__` becomes an own key, in the order the text gives. */
const data = fc
  .array(fc.tuple(key, fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null))), {
    maxLength: 6,
  })
  .map((pairs) => JSON.parse(JSON.stringify(Object.fromEntries(pairs))) as Record<string, unknown>)
  .chain((o) =>
    // The same keys again in another order, or not: both happen when a provider sends one kind of data.
    fc.boolean().map((shuffle) => (shuffle ? JSON.parse(JSON.stringify(o, Object.keys(o).reverse())) : o)),
  );

/** A stored context: what an earlier merge made. */
const stored = fc.option(
  data.map((d) => mergeData(undefined, d) as Record<string, unknown>),
  { nil: undefined },
);

/** What a merge must hold: `base`'s safe own keys overwritten by `next`'s. */
function reference(base: Record<string, unknown> | undefined, next: Record<string, unknown>) {
  const out = new Map<string, unknown>();
  for (const o of base === undefined ? [next] : [base, next])
    for (const k of Object.keys(o)) if (!UNSAFE.has(k)) out.set(k, o[k]);
  return out;
}

/** A snapshot as mergeData reads one: only its context, through a getter that counts its reads. */
function snapshotOf(context: Record<string, unknown> | undefined, reads = { n: 0 }) {
  return context === undefined
    ? undefined
    : {
        get context() {
          reads.n++;
          return context;
        },
      };
}

describe('mergeData', () => {
  test.prop([stored, data], { numRuns: 2000 })(
    'keeps the safe own keys of both, next winning, and never an unsafe one',
    (base, next) => {
      const merged = mergeData(snapshotOf(base), next);
      expect(new Map(Object.entries(merged))).toEqual(reference(base, next));
      for (const k of UNSAFE) expect(Object.hasOwn(merged, k)).toBe(false);
      expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    },
  );

  test.prop([stored, data], { numRuns: 2000 })(
    'answers with next itself when it is safe and has every key of base',
    (base, next) => {
      const safe = Object.keys(next).every((k) => !UNSAFE.has(k));
      const covers = base === undefined || Object.keys(base).every((k) => Object.hasOwn(next, k));
      expect(mergeData(snapshotOf(base), next) === next).toBe(safe && covers);
    },
  );

  test.prop([stored, data], { numRuns: 2000 })(
    "given base's keys, merges the same and reads base only when it must merge",
    (base, next) => {
      const covers = base === undefined || Object.keys(base).every((k) => Object.hasOwn(next, k));
      const reads = { n: 0 };
      const keys = base === undefined ? undefined : Object.keys(base);
      const merged = mergeData(snapshotOf(base, reads), next, keys);
      expect(new Map(Object.entries(merged))).toEqual(
        new Map(Object.entries(mergeData(snapshotOf(base), next))),
      );
      const safe = Object.keys(next).every((k) => !UNSAFE.has(k));
      expect(merged === next).toBe(safe && covers);
      expect(reads.n > 0).toBe(base !== undefined && !(safe && covers));
    },
  );

  test('treats an object with another prototype by its own keys only', () => {
    const next = Object.assign(Object.create({ inherited: 1, constructor: 2 }), { id: 'a' });
    expect(mergeData(snapshotOf({ id: 'b', inherited: 0 }), next, ['id', 'inherited'])).toEqual({
      id: 'a',
      inherited: 0,
    });
    expect(mergeData(snapshotOf({ id: 'b' }), next, ['id'])).toBe(next);
  });
});
