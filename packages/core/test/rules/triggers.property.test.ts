import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { StateValue } from 'xstate';
import {
  type NormalizedTrigger,
  normalizeTrigger,
  TriggerIndex,
  type TriggerInput,
} from '../../src/rules/triggers.js';
import type { Trigger } from '../../src/rules/types.js';
import type { IngestStatus } from '../../src/store.js';

// The index (with its caches) must pick exactly the rules a plain filter over every rule picks, in the same order.

const types = ['policy.active', 'policy.cancelled', 'quote.created', 'quote.accepted', 'claim.filed'];
const states = ['pending', 'active', 'cancelled', 'accepted'];
const lifecycles = ['policy', 'quote'];
const providers = ['kota', 'ten99policy'];

const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 2 }));
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const clean = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const pattern = fc.constantFrom(...types, 'policy.*', 'quote.*', '*', '*.created');
const trigger: fc.Arbitrary<Trigger> = fc.oneof(
  pattern,
  fc.array(pattern, { minLength: 1, maxLength: 3 }),
  fc.record({ event: oneOrMany(pattern), provider: opt(fc.constantFrom(...providers)) }).map(clean),
  fc
    .record({
      lifecycle: fc.constantFrom(...lifecycles),
      provider: opt(fc.constantFrom(...providers)),
      from: opt(oneOrMany(fc.constantFrom(...states))),
      to: opt(oneOrMany(fc.constantFrom(...states))),
    })
    .map(clean),
  fc.constant('violation' as const),
  fc
    .record({
      violation: fc.constant(true as const),
      lifecycle: opt(fc.constantFrom(...lifecycles)),
      provider: opt(fc.constantFrom(...providers)),
    })
    .map(clean),
) as fc.Arbitrary<Trigger>;

const rules = fc.array(fc.record({ on: trigger, priority: fc.integer({ min: 1, max: 3 }) }), {
  maxLength: 12,
});
const input: fc.Arbitrary<TriggerInput> = fc
  .record({
    provider: fc.constantFrom(...providers),
    type: fc.constantFrom(...types),
    lifecycle: opt(fc.constantFrom(...lifecycles)),
    status: fc.constantFrom<IngestStatus>('applied', 'forced', 'rejected', 'unhandled', 'stale'),
    transition: opt(fc.record({ from: opt(fc.constantFrom(...states)), to: fc.constantFrom(...states) })),
  })
  .map((i) => ({
    ...i,
    transition: i.transition as { from: StateValue | undefined; to: StateValue } | undefined,
  }));

function glob(p: string, type: string): boolean {
  return new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(type);
}

function matches(t: NormalizedTrigger, i: TriggerInput): boolean {
  if (t.provider !== undefined && t.provider !== i.provider) return false;
  if (t.kind === 'event') {
    return (
      ['applied', 'forced', 'rejected', 'unhandled'].includes(i.status) &&
      t.types.some((p) => glob(p, i.type))
    );
  }
  if (t.kind === 'violation') {
    return (
      (i.status === 'forced' || i.status === 'rejected') &&
      (t.lifecycle === undefined || t.lifecycle === i.lifecycle)
    );
  }
  const tr = i.transition;
  if (!['applied', 'forced', 'rejected', 'unhandled'].includes(i.status)) return false;
  if (tr === undefined || i.lifecycle !== t.lifecycle || tr.from === tr.to) return false;
  if (t.from !== undefined && (tr.from === undefined || !t.from.includes(tr.from as string))) return false;
  return t.to === undefined || t.to.includes(tr.to as string);
}

describe('trigger index', () => {
  test('agrees with a plain filter over all rules, whatever its memos last saw', () => {
    // A few inputs of one type, met again and again in any order: each memo of the index (per type, lifecycle
    // and from-state) is then found by an input it was not made for.
    const sameType: fc.Arbitrary<TriggerInput> = fc.record({
      provider: fc.constant('kota'),
      type: fc.constant('policy.active'),
      lifecycle: fc.constantFrom(...lifecycles),
      status: fc.constantFrom<IngestStatus>('applied', 'forced'),
      transition: fc.record({ from: fc.constantFrom(...states), to: fc.constantFrom(...states) }),
    });
    fc.assert(
      fc.property(
        rules,
        fc.array(sameType, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (specs, pool, order) => {
          const named = specs.map((s, n) => ({ ...s, name: `r${n}`, trigger: normalizeTrigger(s.on) }));
          const index = new TriggerIndex(
            named.map((r) => ({ rule: r, trigger: r.trigger })),
            (r) => r.priority,
          );
          for (const n of order) {
            const i = pool[n % pool.length]!;
            const want = named
              .filter((r) => matches(r.trigger, i))
              .sort((a, b) => b.priority - a.priority)
              .map((r) => r.name);
            expect(index.candidates(i).map((r) => r.name)).toEqual(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('agrees with a plain filter over all rules, cached or not', () => {
    fc.assert(
      fc.property(rules, fc.array(input, { minLength: 1, maxLength: 30 }), (specs, inputs) => {
        const named = specs.map((s, n) => ({ ...s, name: `r${n}`, trigger: normalizeTrigger(s.on) }));
        const index = new TriggerIndex(
          named.map((r) => ({ rule: r, trigger: r.trigger })),
          (r) => r.priority,
        );
        // Each input twice: the second answer comes from the caches.
        for (const i of [...inputs, ...inputs]) {
          const want = named
            .filter((r) => matches(r.trigger, i))
            .sort((a, b) => b.priority - a.priority)
            .map((r) => r.name);
          expect(index.candidates(i).map((r) => r.name)).toEqual(want);
        }
      }),
    );
  });
});
