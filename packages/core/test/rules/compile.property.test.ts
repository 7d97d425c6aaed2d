import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type CompileEnv,
  compileNode,
  type FactRecord,
  NotCompilable,
  toPredicate,
} from '../../src/rules/compile.js';
import { createJreEngine, type JreEnv, runJre } from '../../src/rules/jre.js';
import { createOperatorSet } from '../../src/rules/operators.js';

// json-rules-engine is the definition of what a condition means; the compiled evaluator must agree with it on
// every case, including missing facts, paths that resolve to nothing, type mismatches and operator errors.

const NOW = Date.UTC(2026, 5, 1);
const operators = createOperatorSet(() => NOW);
const FACTS = ['a', 'b', 'c'] as const;
const named = new Map<string, unknown>([
  ['isBig', { all: [{ fact: 'a', operator: 'greaterThan', value: 10 }] }],
  ['hasX', { any: [{ fact: 'b', path: '$.x', operator: 'notEqual', value: null }] }],
]);
const env: CompileEnv = {
  operators,
  valueFacts: new Set(FACTS),
  syncFacts: new Map([['double', (f: FactRecord) => (typeof f.a === 'number' ? f.a * 2 : undefined)]]),
  asyncFacts: new Set(),
  conditions: named,
};
const jreEnv: JreEnv = {
  operators,
  syncFacts: env.syncFacts,
  asyncFacts: new Map(),
  conditions: named,
};

const dates = fc.constantFrom(
  '2026-05-20T00:00:00Z',
  '2026-06-10',
  '2026-07-30T12:00:00+02:00',
  1_780_000_000,
  NOW / 1000 + 86_400 * 3,
  'not a date',
);
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 20 }),
  fc.constantFrom(0, 1.5, -0, Number.NaN),
  fc.constantFrom('', 'x', 'abc', '12', '12abc', 'undefined', 'null'),
  fc.boolean(),
  fc.constant(null),
  dates,
);
// `data` and `state` are fields the compiler reads by name (the engine's own fact objects have them).
const keys = fc.constantFrom('x', 'y', '0', 'length', 'data', 'state');
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
  arr: fc.array(tie('v'), { maxLength: 3 }),
  obj: fc.dictionary(keys, tie('v'), { maxKeys: 3 }),
})).v;

const path = fc.constantFrom(
  undefined,
  '$',
  '$.x',
  '$.x.y',
  '$.y[0]',
  '$.length',
  'x',
  'x.y',
  '$.constructor',
  "$['x']",
  '$.x.length',
  '$.x[0]',
  '$.data',
  '$.data.x',
  '$.state',
  '$.data.length',
);
const factName = fc.constantFrom(...FACTS, 'double', 'missing');
const operatorName = fc.constantFrom(
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'dateBefore',
  'dateAfter',
  'withinDays',
  'daysUntil',
  'not:equal',
  'someFact:equal',
  'everyFact:greaterThan',
  'someValue:in',
  'everyValue:lessThan',
  'swap:contains',
  'not:someFact:in',
);
const priority = fc.constantFrom(undefined, 1, 2, 3);

const leaf = fc
  .record({
    fact: factName,
    operator: operatorName,
    value: fc.oneof(
      { weight: 4, arbitrary: value },
      { weight: 1, arbitrary: fc.record({ fact: factName, path }, { requiredKeys: ['fact'] }) },
    ),
    path,
    priority,
  })
  .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));

const condition: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('all'),
    tie('any'),
    tie('not'),
    fc.constantFrom({ condition: 'isBig' }, { condition: 'hasX', priority: 2 }),
  ),
  all: fc.record({ all: fc.array(tie('c'), { maxLength: 3 }), priority }).map(clean),
  any: fc.record({ any: fc.array(tie('c'), { maxLength: 3 }), priority }).map(clean),
  not: fc.record({ not: tie('c'), priority }).map(clean),
})).c as fc.Arbitrary<Record<string, unknown>>;

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const topLevel = fc.oneof(
  fc.record({ all: fc.array(condition, { maxLength: 4 }) }),
  fc.record({ any: fc.array(condition, { maxLength: 4 }) }),
  fc.record({ not: condition }),
);

// Some facts are absent from the record (missing), some present as undefined.
const facts = fc.record({ a: value, b: value, c: value }, { requiredKeys: [] });

type Outcome = { ok: boolean } | { error: true };

function compiled(conditions: unknown, record: FactRecord): Outcome {
  const predicate = toPredicate(compileNode(conditions, env));
  try {
    return { ok: Boolean(predicate(record)) };
  } catch {
    return { error: true };
  }
}

async function oracle(conditions: unknown, record: FactRecord): Promise<Outcome> {
  const engine = createJreEngine(jreEnv, [{ name: 'r', conditions }]);
  try {
    const r = await runJre(engine, record);
    return { ok: Boolean(r.get('r')?.result) };
  } catch {
    return { error: true };
  }
}

// Paths whose first key the compiler reads by name: small value pools, so that equalities hold often.
const small = fc.constantFrom(1, 'x', null, true, 0);
const smallValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, small, tie('arr'), tie('obj')),
  arr: fc.array(tie('v'), { maxLength: 2 }),
  obj: fc.dictionary(fc.constantFrom('data', 'state', 'x', 'length'), tie('v'), { maxKeys: 3 }),
})).v;
const namedLeaf = fc.record({
  fact: fc.constantFrom('a', 'b'),
  path: fc.constantFrom('$.data', '$.data.x', '$.state', '$.state.length', '$.data.data'),
  operator: fc.constantFrom('equal', 'notEqual', 'in', 'contains'),
  value: fc.oneof(small, fc.array(small, { maxLength: 2 })),
});

describe('compiled conditions agree with json-rules-engine', () => {
  test('on random conditions and fact values', async () => {
    await fc.assert(
      fc.asyncProperty(topLevel, facts, async (conditions, record) => {
        const want = await oracle(conditions, record);
        const got = compiled(conditions, record);
        expect(got).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  test('on paths whose first key is read by name', async () => {
    await fc.assert(
      fc.asyncProperty(
        namedLeaf,
        fc.record({ a: smallValue, b: smallValue }, { requiredKeys: [] }),
        async (leafCondition, record) => {
          const conditions = { all: [leafCondition] };
          expect(compiled(conditions, record)).toEqual(await oracle(conditions, record));
        },
      ),
      { numRuns: 1000, seed: 11 },
    );
  });

  test.each([
    [
      'a string is walked like jsonpath-plus walks it',
      { all: [{ fact: 'a', path: '$.x.length', operator: 'equal', value: 3 }] },
      { a: { x: 'abc' } },
    ],
    [
      'an index into a string',
      { all: [{ fact: 'a', path: '$.x[0]', operator: 'equal', value: 'a' }] },
      { a: { x: 'abc' } },
    ],
    [
      'a path on a primitive fact returns the fact',
      { all: [{ fact: 'a', path: '$.x', operator: 'equal', value: 5 }] },
      { a: 5 },
    ],
    [
      'no prototype look-ups',
      { all: [{ fact: 'a', path: '$.constructor', operator: 'equal', value: null }] },
      { a: {} },
    ],
    [
      'in on a string value is a substring test',
      { all: [{ fact: 'a', operator: 'in', value: 'xabcx' }] },
      { a: 'abc' },
    ],
    ['in on a number value rejects the run', { all: [{ fact: 'a', operator: 'in', value: 5 }] }, { a: 1 }],
    [
      'contains on a non-array fact is false',
      { all: [{ fact: 'a', operator: 'contains', value: 'b' }] },
      { a: 'abc' },
    ],
    [
      'numeric operators accept numeric strings',
      { all: [{ fact: 'a', operator: 'lessThan', value: 20 }] },
      { a: '12abc' },
    ],
    ['any of nothing passes', { any: [] }, {}],
    ['a missing fact is undefined', { all: [{ fact: 'missing', operator: 'equal', value: null }] }, {}],
    [
      'a later priority set is skipped once the result is known',
      {
        all: [
          { fact: 'a', operator: 'equal', value: 1, priority: 2 },
          { fact: 'a', operator: 'in', value: 5 },
        ],
      },
      { a: 2 },
    ],
    [
      'the same set is evaluated whole, so its error surfaces',
      {
        all: [
          { fact: 'a', operator: 'equal', value: 1 },
          { fact: 'a', operator: 'in', value: 5 },
        ],
      },
      { a: 2 },
    ],
    [
      'a fact reference on the right',
      { all: [{ fact: 'a', operator: 'lessThan', value: { fact: 'b', path: '$.x' } }] },
      { a: 1, b: { x: 2 } },
    ],
    [
      'withinDays of an ISO date',
      { all: [{ fact: 'a', operator: 'withinDays', value: 30 }] },
      { a: '2026-06-20T00:00:00Z' },
    ],
    [
      'daysUntil a Unix date in a range',
      { all: [{ fact: 'a', operator: 'daysUntil', value: [2, 4] }] },
      { a: NOW / 1000 + 86_400 * 3 },
    ],
  ])('%s', async (_name, conditions, record) => {
    expect(compiled(conditions, record as FactRecord)).toEqual(
      await oracle(conditions, record as FactRecord),
    );
  });

  test('the generator reaches errors, passes and failures alike', async () => {
    // A guard on the property above: it would be weak if one outcome dominated.
    const seen = { ok: 0, fail: 0, error: 0 };
    const samples = fc.sample(fc.tuple(topLevel, facts), { numRuns: 400, seed: 7 });
    for (const [c, f] of samples) {
      const o = compiled(c, f);
      if ('error' in o) seen.error++;
      else if (o.ok) seen.ok++;
      else seen.fail++;
    }
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.fail).toBeGreaterThan(20);
    expect(seen.error).toBeGreaterThan(5);
  });

  test('paths beyond plain keys, async facts and host operators are left to json-rules-engine', () => {
    const asyncEnv: CompileEnv = { ...env, asyncFacts: new Set(['score']) };
    const custom: CompileEnv = {
      ...env,
      operators: createOperatorSet(() => NOW, { startsWith: () => true }),
    };
    expect(() =>
      compileNode({ all: [{ fact: 'a', path: '$..x', operator: 'equal', value: 1 }] }, env),
    ).toThrow(NotCompilable);
    expect(() => compileNode({ all: [{ fact: 'score', operator: 'equal', value: 1 }] }, asyncEnv)).toThrow(
      NotCompilable,
    );
    expect(() => compileNode({ all: [{ fact: 'a', operator: 'startsWith', value: 1 }] }, custom)).toThrow(
      NotCompilable,
    );
  });
});
