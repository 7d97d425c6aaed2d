import type { Catalog } from '@policyflow/core';
import fc from 'fast-check';
import type { StateValue } from 'xstate';
import { resolveLifecycle } from '../internal/lifecycle.js';

/** A json-rules-engine leaf condition. */
export interface LeafCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
  readonly path?: string;
}

/** A json-rules-engine condition tree (`all` / `any` / `not` over leaves). */
export type ConditionTree =
  | { readonly all: ReadonlyArray<ConditionTree> }
  | { readonly any: ReadonlyArray<ConditionTree> }
  | { readonly not: ConditionTree }
  | LeafCondition;

/** Options of {@link conditionTree} and {@link conditionFacts}. */
export interface ConditionTreeConstraints {
  /** Fact names. Default `['event', 'resource']`. */
  readonly facts?: ReadonlyArray<string>;
  /** JSONPath-like paths into a fact (`$.data.status`). Default: status, amount, tags and flag under `$.data`. */
  readonly paths?: ReadonlyArray<string>;
  /** Operators to use. Default: all ten built into json-rules-engine. */
  readonly operators?: ReadonlyArray<string>;
  /** Nesting depth of `all`/`any`/`not`. Default 3. */
  readonly maxDepth?: number;
}

const OPERATORS = [
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
] as const;
const PATHS = ['$.data.status', '$.data.amount', '$.data.tags', '$.data.flag'];

// A small pool, so generated facts and condition values often meet and conditions pass as often as they fail.
const scalar: fc.Arbitrary<string | number | boolean | null> = fc.oneof(
  fc.constantFrom('active', 'cancelled', 'a', 'b'),
  fc.integer({ min: -2, max: 5 }),
  fc.boolean(),
  fc.constant(null),
);

function valueFor(operator: string): fc.Arbitrary<unknown> {
  if (operator === 'in' || operator === 'notIn') return fc.array(scalar, { maxLength: 3 });
  if (operator.startsWith('lessThan') || operator.startsWith('greaterThan'))
    return fc.integer({ min: -2, max: 5 });
  return scalar;
}

/**
 * An arbitrary of leaf conditions.
 *
 * @example
 * ```ts
 * fc.sample(leafCondition(), 1); // [{ fact: 'event', path: '$.data.amount', operator: 'greaterThan', value: 3 }]
 * ```
 */
export function leafCondition(constraints: ConditionTreeConstraints = {}): fc.Arbitrary<LeafCondition> {
  const facts = constraints.facts ?? ['event', 'resource'];
  const paths = constraints.paths ?? PATHS;
  const operators = constraints.operators ?? OPERATORS;
  return fc
    .record({
      fact: fc.constantFrom(...facts),
      path: fc.option(fc.constantFrom(...paths), { nil: undefined, freq: 8 }),
      operator: fc.constantFrom(...operators),
    })
    .chain(({ fact, path, operator }) =>
      valueFor(operator).map(
        (value): LeafCondition =>
          path === undefined ? { fact, operator, value } : { fact, operator, value, path },
      ),
    );
}

/**
 * An arbitrary of json-rules-engine condition trees: the top level is always `all` or `any`, as
 * json-rules-engine requires; below it, `all`/`any`/`not` and leaves.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(conditionTree(), conditionFacts(), async (tree, facts) => {
 *   expect(compile(tree)(facts)).toBe(await viaJsonRulesEngine(tree, facts));
 * }));
 * ```
 */
export function conditionTree(constraints: ConditionTreeConstraints = {}): fc.Arbitrary<ConditionTree> {
  const maxDepth = constraints.maxDepth ?? 3;
  const { node } = fc.letrec<{ node: ConditionTree }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      leafCondition(constraints),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
      tie('node').map((not) => ({ not })),
    ),
  }));
  const children = fc.array(node, { minLength: 1, maxLength: 3 });
  return fc.oneof(
    children.map((all): ConditionTree => ({ all })),
    children.map((any): ConditionTree => ({ any })),
  );
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  let cur = target;
  for (const [i, key] of keys.entries()) {
    if (i === keys.length - 1) cur[key] = value;
    else {
      const next = (cur[key] as Record<string, unknown> | undefined) ?? {};
      cur[key] = next;
      cur = next;
    }
  }
}

/**
 * An arbitrary of fact values to test condition trees against: one object per fact, with values (from the
 * same small pool the conditions use) at some of the paths.
 *
 * @example
 * ```ts
 * fc.sample(conditionFacts(), 1); // [{ event: { data: { status: 'a', tags: [1, 'active'] } }, resource: { data: {} } }]
 * ```
 */
export function conditionFacts(
  constraints: ConditionTreeConstraints = {},
): fc.Arbitrary<Record<string, Record<string, unknown>>> {
  const facts = constraints.facts ?? ['event', 'resource'];
  const paths = constraints.paths ?? PATHS;
  const one = fc.array(
    fc.tuple(fc.constantFrom(...paths), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))),
    {
      maxLength: paths.length,
    },
  );
  return fc.tuple(...facts.map(() => one)).map((perFact) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [i, name] of facts.entries()) {
      const obj: Record<string, unknown> = {};
      for (const [path, value] of perFact[i] ?? []) setPath(obj, path, value);
      out[name] = obj;
    }
    return out;
  });
}

/** A rule as the config file spells it (docs/rules.md): a trigger, optional conditions, actions. */
export interface RuleDefinition {
  readonly name: string;
  readonly on: { readonly event: string } | { readonly lifecycle: string; readonly to: string };
  readonly conditions?: ConditionTree;
  readonly actions: ReadonlyArray<{
    readonly type: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly delay?: string;
    readonly whileIn?: string;
  }>;
}

/** Options of {@link ruleDefinition}. */
export interface RuleDefinitionConstraints extends ConditionTreeConstraints {
  /** Draw triggers from this catalog's event types and lifecycle states. Default: made-up names. */
  readonly catalog?: Catalog;
  /** Action types. Default `['log']`. */
  readonly actionTypes?: ReadonlyArray<string>;
}

/** State patterns of a value as triggers and `whileIn` spell them: `active`, or `status.active` in a region. */
function patternsOf(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([k, v]) => patternsOf(v as StateValue, `${prefix}${k}.`));
}

function statesOf(catalog: Catalog, lifecycle: string): string[] {
  const values = [...resolveLifecycle(catalog, lifecycle).table.states.values()];
  return [...new Set(values.flatMap((v) => patternsOf(v)))].sort();
}

interface Trigger {
  readonly on: RuleDefinition['on'];
  /** States of the trigger's lifecycle, for `whileIn`. */
  readonly states: ReadonlyArray<string>;
}

function triggers(catalog: Catalog | undefined): fc.Arbitrary<Trigger> {
  if (catalog === undefined)
    return fc.constant({ on: { event: 'thing.happened' }, states: ['pending', 'active'] });
  const byLifecycle = new Map([...catalog.lifecycles.keys()].map((l) => [l, statesOf(catalog, l)] as const));
  const events = [...catalog.events.values()].map((e) => ({
    on: { event: e.type },
    states: byLifecycle.get(e.lifecycle) ?? [],
  }));
  const transitions = [...byLifecycle].flatMap(([lifecycle, states]) =>
    states.map((to) => ({ on: { lifecycle, to }, states })),
  );
  return fc.constantFrom<Trigger>(...events, ...transitions);
}

// Printable ASCII, what fc.string draws by default, less `{`, `}` and `$`: `{{`, `}}` and `${` are template
// and environment syntax, and put together at random they do not load (about one config in a thousand).
const MESSAGE_CHARS = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter(
  (c) => !'{}$'.includes(c),
);

function actionFor(constraints: RuleDefinitionConstraints, states: ReadonlyArray<string>) {
  return fc.record(
    {
      type: fc.constantFrom(...(constraints.actionTypes ?? ['log'])),
      params: fc.record({ message: fc.string({ unit: fc.constantFrom(...MESSAGE_CHARS), maxLength: 20 }) }),
      delay: fc.constantFrom('1m', '1h', '2d'),
      ...(states.length > 0 ? { whileIn: fc.constantFrom(...states) } : {}),
    },
    { requiredKeys: ['type', 'params'] },
  );
}

/**
 * An arbitrary of rule definitions in the config file's shape.
 *
 * @example
 * ```ts
 * fc.sample(ruleDefinition({ catalog }), 1);
 * // [{ name: 'rule-0', on: { lifecycle: 'policy', to: 'status.cancelled' },
 * //    actions: [{ type: 'log', params: { message: 'x' }, whileIn: 'status.cancelled' }] }]
 * ```
 */
export function ruleDefinition(constraints: RuleDefinitionConstraints = {}): fc.Arbitrary<RuleDefinition> {
  return triggers(constraints.catalog).chain(({ on, states }) =>
    fc
      .record(
        {
          name: fc.nat({ max: 999 }).map((n) => `rule-${n}`),
          on: fc.constant(on),
          conditions: conditionTree(constraints),
          actions: fc.array(actionFor(constraints, states), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: ['name', 'on', 'actions'] },
      )
      .map((r) => r as RuleDefinition),
  );
}
