import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { IdIndex } from '../../src/stores/memory/idIndex.js';

// Few distinct ids, so adds repeat; some wide (a character above U+00FF), some long, some empty.
const id = fc.oneof(
  fc.constantFrom(
    'evt_1',
    'evt_2',
    '',
    'ev_Q2kA9Nsub9jKcFJqcBSv01',
    'ünïcode',
    'wide_\u4e2d',
    'x'.repeat(9000),
  ),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

describe('IdIndex', () => {
  test.prop([fc.array(fc.tuple(fc.boolean(), id), { maxLength: 300 })])(
    'behaves as a map from id to the order it was first added in',
    (ops) => {
      const index = new IdIndex();
      const model = new Map<string, number>();
      for (const [add, s] of ops) {
        if (add) {
          const expected = model.has(s) ? -1 : model.size;
          if (expected >= 0) model.set(s, expected);
          expect(index.add(s)).toBe(expected);
        } else {
          expect(index.rowOf(s)).toBe(model.get(s) ?? -1);
        }
      }
      expect(index.size).toBe(model.size);
      for (const [s, row] of model) {
        expect(index.rowOf(s)).toBe(row);
        expect(index.id(row)).toBe(s);
      }
    },
  );

  test.prop([fc.integer({ min: 1, max: 20_000 })], { numRuns: 5 })('keeps every id across growth', (n) => {
    const index = new IdIndex();
    for (let i = 0; i < n; i++) expect(index.add(`evt_${i.toString(36)}`)).toBe(i);
    for (let i = 0; i < n; i += 97) {
      expect(index.rowOf(`evt_${i.toString(36)}`)).toBe(i);
      // Read back from the arena after it has grown (the text view must follow it).
      expect(index.id(i)).toBe(`evt_${i.toString(36)}`);
    }
    expect(index.rowOf('evt_missing')).toBe(-1);
    expect(index.add(`evt_${(n - 1).toString(36)}`)).toBe(-1);
  });
});

describe('IdIndex across arena chunks', () => {
  test('keeps long ids that fill chunks, and ids longer than a chunk, as a map would', () => {
    const index = new IdIndex();
    // 65,528 bytes is the longest id a 64 KiB chunk packs; 20k-byte ids leave gaps that the next entry skips.
    const ids = [
      ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(97 + i)}`.repeat(20_000 + i)),
      'm'.repeat(65_528),
      'n'.repeat(65_529),
      'o'.repeat(200_000),
      ...Array.from({ length: 40 }, (_, i) => `evt_${i}`),
    ];
    ids.forEach((s, row) => {
      expect(index.add(s)).toBe(row);
    });
    ids.forEach((s, row) => {
      expect(index.add(s)).toBe(-1);
      expect(index.rowOf(s)).toBe(row);
      expect(index.id(row)).toBe(s);
    });
    expect(index.rowOf('m'.repeat(65_527))).toBe(-1);
    expect(index.rowOf('o'.repeat(199_999))).toBe(-1);
    expect(index.size).toBe(ids.length);
  });

  test('keeps 40k short ids, past the first chunk of row offsets', () => {
    const index = new IdIndex();
    for (let i = 0; i < 40_000; i++) expect(index.add(`evt_${i.toString(36)}`)).toBe(i);
    for (let i = 0; i < 40_000; i += 7) {
      expect(index.rowOf(`evt_${i.toString(36)}`)).toBe(i);
      expect(index.id(i)).toBe(`evt_${i.toString(36)}`);
    }
  });
});
