import { type Almanac, Engine, Operator, type RuleResult, type TopLevelCondition } from 'json-rules-engine';
import type { FactRecord, SyncFactFn } from './compile.js';
import type { OperatorSet } from './operators.js';

/** What a json-rules-engine engine needs to agree with the compiled evaluator. */
export interface JreEnv {
  readonly operators: OperatorSet;
  readonly syncFacts: ReadonlyMap<string, SyncFactFn>;
  readonly asyncFacts: ReadonlyMap<
    string,
    (facts: FactRecord, params: Readonly<Record<string, unknown>>) => Promise<unknown>
  >;
  readonly conditions: ReadonlyMap<string, unknown>;
}

// The record every host fact reads; a name no user fact can take.
const RECORD = '\u0000facts';

/**
 * A json-rules-engine engine with our operators, host facts and named conditions; undefined facts are
 * undefined (`allowUndefinedFacts`), as the compiled evaluator treats them.
 *
 * @example
 * ```ts
 * const jre = createJreEngine(env, [{ name: 'r', conditions: { all: [] } }]);
 * const results = await runJre(jre, facts);
 * ```
 */
export function createJreEngine(
  env: JreEnv,
  rules: ReadonlyArray<{ readonly name: string; readonly conditions: unknown }>,
): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const op of env.operators.builtin.values()) {
    // The ten defaults are json-rules-engine's own; the insurance ones are added with their validators.
    if (!['dateBefore', 'dateAfter', 'withinDays', 'daysUntil'].includes(op.name)) continue;
    engine.addOperator(new Operator(op.name, op.cb, op.validator));
  }
  for (const [name, fn] of env.operators.custom) engine.addOperator(name, fn);
  for (const [name, fn] of env.syncFacts) {
    engine.addFact(name, async (params: Record<string, unknown>, almanac: Almanac) =>
      fn((await almanac.factValue(RECORD)) as FactRecord, params ?? {}),
    );
  }
  for (const [name, fn] of env.asyncFacts) {
    engine.addFact(name, async (params: Record<string, unknown>, almanac: Almanac) =>
      fn((await almanac.factValue(RECORD)) as FactRecord, params ?? {}),
    );
  }
  for (const [name, condition] of env.conditions) engine.setCondition(name, condition as TopLevelCondition);
  for (const rule of rules) {
    engine.addRule({
      name: rule.name,
      conditions: (rule.conditions ?? { all: [] }) as TopLevelCondition,
      event: { type: rule.name },
    });
  }
  return engine;
}

/**
 * Runs the engine over one fact record; returns each rule's result by name.
 *
 * @example
 * ```ts
 * const byName = await runJre(engine, { event, resource });
 * byName.get('quote-needs-action')?.result; // true
 * ```
 */
export async function runJre(engine: Engine, facts: FactRecord): Promise<Map<string, RuleResult>> {
  const runtime: Record<string, unknown> = { [RECORD]: facts };
  for (const [k, v] of Object.entries(facts)) runtime[k] = v;
  const { results, failureResults } = await engine.run(runtime);
  const out = new Map<string, RuleResult>();
  for (const r of [...results, ...failureResults]) out.set(r.name, r);
  return out;
}
