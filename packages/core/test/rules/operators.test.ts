import { describe, expect, test } from 'vitest';
import { createOperatorSet, evaluatorOf, resolveOperator } from '../../src/rules/operators.js';
import { normalizeTrigger, TriggerIndex } from '../../src/rules/triggers.js';

const NOW = Date.UTC(2026, 5, 1);
const ops = createOperatorSet(() => NOW, { near: () => true });
const run = (name: string, fact: unknown, value: unknown) =>
  evaluatorOf(ops, resolveOperator(ops, name)!)(fact, value);

describe('insurance operators', () => {
  test('dateBefore / dateAfter compare ISO strings and Unix seconds or milliseconds', () => {
    expect(run('dateBefore', '2026-01-01', '2026-01-02T00:00:00Z')).toBe(true);
    expect(run('dateBefore', 1_767_225_600, '2026-01-01T00:00:01Z')).toBe(true);
    expect(run('dateAfter', 1_767_225_600_000 + 1, 1_767_225_600)).toBe(true);
    expect(run('dateAfter', 'not a date', '2026-01-01')).toBe(false);
    expect(run('dateBefore', '2026-01-01', null)).toBe(false);
  });

  test('withinDays looks ahead (or back, when negative) from the clock', () => {
    expect(run('withinDays', '2026-06-20', 30)).toBe(true);
    expect(run('withinDays', '2026-07-20', 30)).toBe(false);
    expect(run('withinDays', '2026-05-20', 30)).toBe(false);
    expect(run('withinDays', '2026-05-20', -30)).toBe(true);
    expect(run('withinDays', '2026-06-20', '30')).toBe(false);
  });

  test('daysUntil matches whole days left, exactly or in a range', () => {
    const in7 = (NOW + 7.5 * 86_400_000) / 1000;
    expect(run('daysUntil', in7, 7)).toBe(true);
    expect(run('daysUntil', in7, 8)).toBe(false);
    expect(run('daysUntil', in7, [0, 7])).toBe(true);
    expect(run('daysUntil', in7, [8, null])).toBe(false);
    expect(run('daysUntil', '2026-05-01', [null, -1])).toBe(true);
  });

  test('operators resolve through decorators as json-rules-engine does; host operators are marked custom', () => {
    expect(resolveOperator(ops, 'not:someFact:equal')).toMatchObject({ base: 'equal', custom: false });
    expect(resolveOperator(ops, 'not:near')).toMatchObject({ base: 'near', custom: true });
    expect(resolveOperator(ops, 'nope:equal')).toBeUndefined();
    expect(resolveOperator(ops, 'equals')).toBeUndefined();
    expect(run('not:someFact:equal', [1, 2], 3)).toBe(true);
    expect(run('everyValue:lessThan', 1, [2, 3])).toBe(true);
  });
});

describe('trigger index', () => {
  const rules = [
    { name: 'kota-only', on: { event: 'policy.*', provider: 'kota' } },
    { name: 'all', on: '*' },
    {
      name: 'cancel',
      on: { lifecycle: 'policy', from: ['active', 'scheduled'], to: 'cancelled' },
      priority: 9,
    },
    { name: 'strict', on: { violation: true as const, lifecycle: 'policy' } },
  ];
  const index = new TriggerIndex(
    rules.map((r) => ({ rule: r, trigger: normalizeTrigger(r.on) })),
    (r) => r.priority ?? 1,
  );
  const names = (input: Parameters<typeof index.candidates>[0]) => index.candidates(input).map((r) => r.name);

  test('events meet only their candidates, by provider, type and priority', () => {
    const base = { type: 'policy.cancelled', lifecycle: 'policy', status: 'applied' as const };
    expect(names({ ...base, provider: 'kota', transition: { from: 'active', to: 'cancelled' } })).toEqual([
      'cancel',
      'kota-only',
      'all',
    ]);
    expect(
      names({ ...base, provider: 'ten99policy', transition: { from: 'expired', to: 'cancelled' } }),
    ).toEqual(['all']);
    expect(
      names({ ...base, provider: 'kota', status: 'forced', transition: { from: 'x', to: 'cancelled' } }),
    ).toEqual(['kota-only', 'all', 'strict']);
    expect(names({ ...base, provider: 'kota', status: 'stale', transition: undefined })).toEqual([]);
  });
});
