import type { Engine as JreEngine } from 'json-rules-engine';
import { mergeRetry, parseDelay } from '../actions/schedule.js';
import { compileTemplates, type Renderer, readsRoot, type TemplateIssue } from '../actions/templates.js';
import type { ActionDefinition } from '../actions/types.js';
import {
  type CompiledNode,
  type CompileEnv,
  type ConditionTrace,
  compileNode,
  type FactRecord,
  NotCompilable,
  type Predicate,
  toPredicate,
  trace,
} from './compile.js';
import { createJreEngine, type JreEnv, runJre } from './jre.js';
import { type NormalizedTrigger, normalizeTrigger, TriggerIndex } from './triggers.js';
import type { ActionSpec, RetryPolicy, RuleSpec } from './types.js';

/** An action ready to fire. */
export interface CompiledAction {
  readonly spec: ActionSpec;
  readonly index: number;
  /** `:<rule name>:<index>`: a job's id is its event's id and this (see `renderJob`). */
  readonly idSuffix: string;
  readonly render: Renderer;
  readonly at: Renderer | undefined;
  /** Whether its templates read `rule`, which is not a fact: only then is a context made to render them in. */
  readonly readsRule: boolean;
  readonly delayMs: number;
  readonly retry: RetryPolicy;
}

/** A rule ready to evaluate: a compiled predicate, or (when it cannot compile) json-rules-engine. */
export interface CompiledRule {
  readonly name: string;
  /** What templates see as `rule`. */
  readonly ref: { readonly name: string };
  readonly priority: number;
  readonly spec: RuleSpec;
  readonly trigger: NormalizedTrigger;
  readonly node: CompiledNode | undefined;
  readonly predicate: Predicate | undefined;
  /** Why the rule runs on json-rules-engine, when it does. */
  readonly fallback: string | undefined;
  readonly actions: ReadonlyArray<CompiledAction>;
}

/** Everything {@link buildRuleSet} needs. */
export interface RuleSetOptions extends CompileEnv {
  readonly rules: ReadonlyArray<RuleSpec>;
  readonly jre: JreEnv;
  readonly retry: RetryPolicy;
  readonly actions: ReadonlyMap<string, ActionDefinition>;
}

/** Compiled rules, their trigger index, and evaluation. */
export interface RuleSet {
  readonly rules: ReadonlyArray<CompiledRule>;
  readonly index: TriggerIndex<CompiledRule>;
  /** Whether the rule's conditions pass; a promise only for rules on json-rules-engine. Throws like it does. */
  evaluate(rule: CompiledRule, facts: FactRecord): boolean | Promise<boolean>;
  /** Each condition's fact value and result. */
  explain(
    rule: CompiledRule,
    facts: FactRecord,
  ): Promise<{ passed: boolean; conditions: ConditionTrace | undefined }>;
  /** The retry policy of a rule's action (the engine default when the rule is gone). */
  retryFor(rule: string, actionIndex: number): RetryPolicy;
}

function compileAction(
  rule: string,
  spec: ActionSpec,
  index: number,
  options: RuleSetOptions,
): CompiledAction {
  const issues: TemplateIssue[] = [];
  let retry: RetryPolicy | undefined;
  let render: Renderer | undefined;
  return {
    spec,
    index,
    idSuffix: `:${rule}:${index}`,
    // Compiled when first needed, as `retry` is read: the definition says which params are URLs to encode.
    get render() {
      if (render !== undefined) return render;
      const def = options.actions.get(spec.type);
      const r = compileTemplates(spec.params ?? {}, ['params'], issues, def?.urlParams);
      if (def !== undefined) render = r;
      return r;
    },
    at: spec.at === undefined ? undefined : compileTemplates(spec.at, ['at'], issues),
    readsRule: readsRoot(spec.params, 'rule') || readsRoot(spec.at, 'rule'),
    delayMs: spec.delay === undefined ? 0 : (parseDelay(spec.delay) ?? 0),
    // Read from the registry when first needed, not now: a type `engine.registerAction` adds after the
    // rules were built brings its own retry policy with it.
    get retry() {
      if (retry !== undefined) return retry;
      const def = options.actions.get(spec.type);
      const policy = mergeRetry(options.retry, def?.retry, spec.retry);
      if (def !== undefined) retry = policy;
      return policy;
    },
  };
}

function compileRule(spec: RuleSpec, options: RuleSetOptions): CompiledRule {
  let node: CompiledNode | undefined;
  let fallback: string | undefined;
  try {
    node = compileNode(spec.conditions ?? { all: [] }, options);
  } catch (error) {
    if (!(error instanceof NotCompilable)) throw error;
    fallback = error.message;
  }
  return {
    name: spec.name,
    ref: Object.freeze({ name: spec.name }),
    priority: spec.priority ?? 1,
    spec,
    trigger: normalizeTrigger(spec.on),
    node,
    predicate: node === undefined ? undefined : toPredicate(node),
    fallback,
    actions: spec.actions.map((a, i) => compileAction(spec.name, a, i, options)),
  };
}

/**
 * Compiles rules (checked beforehand with `checkRules`) and indexes them by trigger.
 *
 * @example
 * ```ts
 * const set = buildRuleSet({ rules, operators, valueFacts, syncFacts, asyncFacts, conditions, jre, retry, actions });
 * for (const rule of set.index.candidates(input)) if (await set.evaluate(rule, facts)) fire(rule);
 * ```
 */
export function buildRuleSet(options: RuleSetOptions): RuleSet {
  const rules = options.rules.map((r) => compileRule(r, options));
  const index = new TriggerIndex(
    rules.map((rule) => ({ rule, trigger: rule.trigger })),
    (r) => r.priority,
  );
  const byName = new Map(rules.map((r) => [r.name, r]));
  const engines = new Map<string, JreEngine>();
  const jreOf = (rule: CompiledRule): JreEngine => {
    let e = engines.get(rule.name);
    if (e === undefined) {
      e = createJreEngine(options.jre, [{ name: rule.name, conditions: rule.spec.conditions }]);
      engines.set(rule.name, e);
    }
    return e;
  };
  const runOnJre = async (rule: CompiledRule, facts: FactRecord) =>
    (await runJre(jreOf(rule), facts)).get(rule.name);

  return {
    rules,
    index,
    evaluate(rule, facts) {
      if (rule.predicate !== undefined) return Boolean(rule.predicate(facts));
      return runOnJre(rule, facts).then((r) => Boolean(r?.result));
    },
    async explain(rule, facts) {
      if (rule.node !== undefined) {
        const t = trace(rule.node, facts);
        return { passed: Boolean(rule.predicate!(facts)), conditions: t };
      }
      const r = await runOnJre(rule, facts);
      return { passed: Boolean(r?.result), conditions: r ? fromJre(r.conditions) : undefined };
    },
    retryFor(rule, actionIndex) {
      return byName.get(rule)?.actions[actionIndex]?.retry ?? options.retry;
    },
  };
}

function fromJre(c: unknown): ConditionTrace {
  const o = c as Record<string, unknown>;
  const kind = ['all', 'any', 'not'].find((k) => Object.hasOwn(o, k));
  const source: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!['result', 'factResult', 'valueResult', 'all', 'any', 'not'].includes(k)) source[k] = v;
  }
  const result = typeof o.result === 'boolean' ? o.result : undefined;
  if (kind === undefined) return { condition: source, result, factValue: o.factResult, value: o.valueResult };
  const kids = o[kind];
  const children = (Array.isArray(kids) ? kids : [kids]).map(fromJre);
  return { condition: { ...source, [kind]: children.map((ch) => ch.condition) }, result, children };
}
