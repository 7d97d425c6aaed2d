import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { ResourceSnapshot } from '../../src/index.js';
import { StateCodes } from '../../src/stores/memory/columns.js';
import { ResourceTable } from '../../src/stores/memory/resources.js';

// Keys short and long, latin1 and wider: the packed index keeps a key with a character above U+00FF apart.
const key = fc.oneof(
  fc.constantFrom(
    'kota/employer_quote/erhq_1',
    'kota/employer_quote/erhq_2',
    'a/b/',
    `kota/employer_health_insurance_quote/${'e'.repeat(40)}`,
    `x/y/${'z'.repeat(59)}`,
    `x/y/${'z'.repeat(600)}`,
    'ten99policy/policy/pl_ünï',
    'ten99policy/policy/pl_\u4e2d',
  ),
  fc.string({ maxLength: 8 }).map((s) => `p/l/${s}`),
  fc.string({ unit: 'binary', maxLength: 4 }).map((s) => `p/l/${s}`),
);

function snapshot(k: string, version: number): ResourceSnapshot {
  const id = k.split('/').slice(2).join('/');
  return {
    key: k,
    provider: k.split('/')[0]!,
    lifecycle: k.split('/')[1]!,
    id,
    state: 'active',
    stateAt: { '': version },
    context: { id },
    lastEventId: `e${version}`,
    lastEventType: 't',
    occurredAt: version,
    createdAt: 1,
    updatedAt: version,
    version,
  };
}

/** The ledger as a table reads it: the event at ledger row n is `e${n}`, of type 't'. */
const ledger = { id: (row: number) => `e${row}`, type: () => 't' };

describe('ResourceTable', () => {
  fcTest.prop([fc.array(key, { maxLength: 200 })])(
    'finds every key it was given, and only those, with the row it was given first',
    (keys) => {
      const table = new ResourceTable(new StateCodes(), ledger);
      const model = new Map<string, number>();
      for (const [n, k] of keys.entries()) {
        expect(table.rowOf(k)).toBe(model.get(k));
        const row = table.ensure(k, n);
        if (!model.has(k)) model.set(k, model.size);
        expect(row).toBe(model.get(k));
        table.write(row, snapshot(k, n + 1), `e${n + 1}`, n + 1);
      }
      expect(table.size).toBe(model.size);
      for (const [k, row] of model) {
        expect(table.rowOf(k)).toBe(row);
        expect(table.key(row)).toBe(k);
        expect(table.snapshot(row)?.key).toBe(k);
      }
      expect(table.rowOf('p/l/never added')).toBeUndefined();
    },
  );

  test('keeps keys and rows through growth', () => {
    const table = new ResourceTable(new StateCodes(), ledger);
    const keys = Array.from({ length: 5_000 }, (_, i) => `kota/employer_quote/erhq_${i.toString(36)}`);
    for (const [i, k] of keys.entries())
      table.write(table.ensure(k, i), snapshot(k, i + 1), `e${i + 1}`, i + 1);
    const wrong = keys.filter(
      (k, i) => table.rowOf(k) !== i || table.key(i) !== k || table.snapshot(i)?.version !== i + 1,
    );
    expect(wrong).toEqual([]);
  });

  test('keeps a frozen copy of a state object it is given, which every row in that state reads back', () => {
    const table = new ResourceTable(new StateCodes(), ledger);
    const mine = { status: 'active', renewal: 'none' };
    for (const [row, k] of ['p/l/a', 'p/l/b'].entries()) {
      table.write(table.ensure(k, row), { ...snapshot(k, 1), state: { ...mine } }, 'e1', 1);
    }
    const a = table.snapshot(0)!.state;
    expect(table.snapshot(1)!.state).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => {
      (a as Record<string, string>).status = 'cancelled';
    }).toThrow(TypeError);
    expect(table.snapshot(1)!.state).toEqual(mine);
  });
});
