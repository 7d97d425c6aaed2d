import { describe, expect, test } from 'vitest';
import { normalizeTrigger, TriggerIndex, type TriggerInput } from '../../src/rules/triggers.js';
import type { Trigger } from '../../src/rules/types.js';

// The index remembers answers per type: each memo must notice when what it was made for changes.

function indexOf(rules: ReadonlyArray<{ name: string; on: Trigger }>) {
  const named = rules.map((r) => ({ ...r, trigger: normalizeTrigger(r.on) }));
  return new TriggerIndex(
    named.map((r) => ({ rule: r, trigger: r.trigger })),
    () => 1,
  );
}

const input = (lifecycle: string, from: string | undefined, to: string): TriggerInput => ({
  provider: 'kota',
  type: 'policy.updated',
  lifecycle,
  status: 'applied',
  transition: { from, to },
});

const names = <R extends { name: string }>(index: TriggerIndex<R>, i: TriggerInput) =>
  index.candidates(i).map((r) => r.name);

describe('trigger index memos', () => {
  test('one type seen under a lifecycle without transition rules, then under one with them', () => {
    const index = indexOf([
      { name: 'any-update', on: 'policy.updated' },
      { name: 'policy-active', on: { lifecycle: 'policy', to: 'active' } },
    ]);
    expect(names(index, input('quote', 'pending', 'active'))).toEqual(['any-update']);
    expect(names(index, input('policy', 'pending', 'active'))).toEqual(['any-update', 'policy-active']);
    expect(names(index, input('quote', 'pending', 'active'))).toEqual(['any-update']);
  });

  test('one state left for two different states (a late event), and back', () => {
    const index = indexOf([{ name: 'to-active', on: { lifecycle: 'policy', to: 'active' } }]);
    expect(names(index, input('policy', 'pending', 'active'))).toEqual(['to-active']);
    expect(names(index, input('policy', 'pending', 'cancelled'))).toEqual([]);
    expect(names(index, input('policy', 'pending', 'active'))).toEqual(['to-active']);
  });

  test('the same step under two lifecycles that both have transition rules', () => {
    const index = indexOf([
      { name: 'policy-active', on: { lifecycle: 'policy', to: 'active' } },
      { name: 'quote-active', on: { lifecycle: 'quote', to: 'active' } },
    ]);
    expect(names(index, input('policy', 'pending', 'active'))).toEqual(['policy-active']);
    expect(names(index, input('quote', 'pending', 'active'))).toEqual(['quote-active']);
    expect(names(index, input('policy', 'pending', 'active'))).toEqual(['policy-active']);
  });
});
