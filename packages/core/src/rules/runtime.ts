import { consoleLogSink, createActionRegistry, registerInto } from '../actions/builtins.js';
import { createJobRunner, type JobRunner } from '../actions/runner.js';
import { DEFAULT_RETRY, mergeRetry } from '../actions/schedule.js';
import type { ActionDefinition, LogSink, RegisterAction } from '../actions/types.js';
import type { EngineEventName, EngineEvents } from '../bus.js';
import type { Clock } from '../clock.js';
import { retryProblems, ruleSchema } from '../config/schema.js';
import type { Reaction, ReactionInput, Reactor } from '../engine.js';
import { issuesError, PolicyflowError } from '../errors.js';
import { parseTimestamp } from '../internal/envelope.js';
import type { ActionJob, AuditEntry, Store } from '../store.js';
import { checkParams, checkRules, type RuleIssue } from './check.js';
import { checkTriggers, type TriggerEnv } from './checkTriggers.js';
import type { FactRecord, SyncFactFn } from './compile.js';
import { createOperatorSet, type OperatorFn } from './operators.js';
import { buildRuleSet, type CompiledAction, type CompiledRule, type RuleSet } from './ruleset.js';
import {
  type BooleanCondition,
  BUILTIN_FACTS,
  type HostFact,
  type RetryOverrides,
  type RetryPolicy,
  type RuleSpec,
} from './types.js';

/** Rules-related options of the engine. */
export interface RulesOptions {
  readonly rules?: ReadonlyArray<RuleSpec>;
  readonly conditions?: Readonly<Record<string, BooleanCondition>>;
  readonly actions?: Readonly<Record<string, ActionDefinition>>;
  readonly operators?: Readonly<Record<string, OperatorFn>>;
  readonly facts?: Readonly<Record<string, HostFact>>;
  readonly retry?: RetryOverrides;
  readonly random?: () => number;
  readonly logSink?: LogSink;
}

/** What the runtime needs from the engine. */
export interface RuntimeDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly emit: <E extends EngineEventName>(event: E, ...args: EngineEvents[E]) => void;
  /** The providers the rules' triggers and `whileIn` states are checked against (an engine's own). */
  readonly triggers?: TriggerEnv;
}

/** The rules-and-actions half of an engine. */
export interface RulesRuntime {
  readonly reactor: Reactor;
  readonly ruleSet: () => RuleSet;
  readonly retry: RetryPolicy;
  readonly registerAction: RegisterAction;
  evaluate(rule: CompiledRule, facts: FactRecord): Promise<boolean>;
  renderJob(
    rule: CompiledRule,
    action: CompiledAction,
    facts: FactRecord,
    eventId: string,
    key: string | undefined,
  ): ActionJob;
  retryDead(id: string): Promise<boolean>;
}

const NO_REACTION: Reaction = Object.freeze({ jobs: [], audit: [] });

/** A reaction being made: its arrays still grow as more rules fire. */
interface Fired {
  readonly jobs: ActionJob[];
  readonly audit: AuditEntry[];
}

function throwIssues(issues: ReadonlyArray<RuleIssue>): never {
  throw issuesError('the rules', issues);
}

function parseRules(rules: ReadonlyArray<unknown>): RuleSpec[] {
  const issues: RuleIssue[] = [];
  const out: RuleSpec[] = [];
  rules.forEach((r, i) => {
    const parsed = ruleSchema.safeParse(r);
    if (parsed.success) out.push(parsed.data as RuleSpec);
    else
      for (const e of parsed.error.issues)
        issues.push({
          code: 'config_invalid',
          path: ['rules', i, ...(e.path as Array<string | number>)],
          message: e.message,
        });
  });
  if (issues.length > 0) throwIssues(issues);
  return out;
}

// Checked as a config's is: `attempts: NaN` would otherwise retry for ever, and a negative delay spin.
function parseRetry(retry: RulesOptions['retry']): RulesOptions['retry'] {
  const problems = retry === undefined ? [] : retryProblems(retry, ['retry']);
  if (problems.length === 0) return retry;
  throw issuesError(
    'the retry policy',
    problems.map((p) => ({ ...p, code: 'config_invalid' as const })),
  );
}

function splitFacts(facts: Readonly<Record<string, HostFact>>) {
  const sync = new Map<string, SyncFactFn>();
  const async = new Map<string, (f: FactRecord, p: Readonly<Record<string, unknown>>) => Promise<unknown>>();
  for (const [name, fact] of Object.entries(facts)) {
    if (BUILTIN_FACTS.has(name))
      throw new PolicyflowError('invalid_argument', `fact '${name}' is built in`, { path: ['facts', name] });
    if (typeof fact === 'function') sync.set(name, fact as unknown as SyncFactFn);
    else
      async.set(
        name,
        fact.async as unknown as (f: FactRecord, p: Readonly<Record<string, unknown>>) => Promise<unknown>,
      );
  }
  return { sync, async };
}

/**
 * Builds the rules runtime: validates and compiles the rules, and returns the reactor the engine installs.
 * Throws a `PolicyflowError` listing every problem when the rules do not check.
 *
 * @example
 * ```ts
 * const runtime = createRulesRuntime({ rules, actions }, { store, clock, emit });
 * engine.useReactor(runtime.reactor);
 * ```
 */
export function createRulesRuntime(options: RulesOptions, deps: RuntimeDeps): RulesRuntime {
  const { store, clock, emit } = deps;
  const registry = createActionRegistry(options.actions ?? {});
  const operators = createOperatorSet(() => clock.now(), options.operators ?? {});
  const conditions = new Map<string, unknown>(Object.entries(options.conditions ?? {}));
  const facts = splitFacts(options.facts ?? {});
  const retry = mergeRetry(DEFAULT_RETRY, parseRetry(options.retry));
  const specs = parseRules(options.rules ?? []);
  const issues = [
    ...checkRules(specs, ['rules'], { operators, actions: registry, conditions }),
    ...(deps.triggers === undefined ? [] : checkTriggers(specs, ['rules'], deps.triggers)),
  ];
  // An action type that is the only problem may still be registered with `engine.registerAction` before the
  // first event; anything else fails now, all together.
  const unregistered = new Map<string, RuleIssue[]>();
  if (issues.some((i) => i.code !== 'unknown_action')) throwIssues(issues);
  for (const issue of issues) {
    const type = specs[issue.path[1] as number]!.actions[issue.path[3] as number]!.type;
    unregistered.set(type, [...(unregistered.get(type) ?? []), issue]);
  }
  const valueFacts = BUILTIN_FACTS;
  const ruleSet = buildRuleSet({
    rules: specs,
    operators,
    valueFacts,
    syncFacts: facts.sync,
    asyncFacts: new Set(facts.async.keys()),
    conditions,
    jre: { operators, syncFacts: facts.sync, asyncFacts: facts.async, conditions },
    retry,
    actions: registry,
  });
  const runner: JobRunner = createJobRunner({
    store,
    clock,
    actions: registry,
    retryFor: (job) => ruleSet.retryFor(job.rule, job.actionIndex),
    random: options.random ?? Math.random,
    emit,
    log: options.logSink ?? consoleLogSink,
  });
  // Jobs already in a durable store (a restart) are picked up without waiting for the next event.
  runner.kick();

  function renderJob(
    rule: CompiledRule,
    action: CompiledAction,
    f: FactRecord,
    eventId: string,
    key: string | undefined,
  ): ActionJob {
    const ctx = action.readsRule ? { ...f, rule: rule.ref } : f;
    const now = f.now as number;
    let runAt = now + action.delayMs;
    let lastError: ActionJob['lastError'];
    let params: unknown;
    try {
      if (action.at !== undefined) {
        const when = parseTimestamp(action.at(ctx));
        if (when === undefined) {
          lastError = {
            code: 'template_invalid',
            message: `'at' of ${rule.name}[${action.index}] is not a date`,
            path: ['at'],
          };
        } else {
          runAt = when;
        }
      }
      params = action.render(ctx);
    } catch (error) {
      // Event data can be too deep to copy or write out (JSON nests as deep as it likes): the job is a dead
      // letter that says so, and the ingest goes on, where a throw would have lost the event.
      params = undefined;
      lastError = {
        code: 'template_invalid',
        message: `the templates of ${rule.name}[${action.index}] could not be rendered: ${(error as Error)?.message ?? String(error)}`,
        path: ['params'],
      };
    }
    return {
      // `eventId:rule:index`, one concatenation: the store keys the job by it at once, which flattens it.
      id: eventId + action.idSuffix,
      eventId,
      resourceKey: key,
      rule: rule.name,
      actionIndex: action.index,
      type: action.spec.type,
      params,
      whileIn: action.spec.whileIn,
      status: lastError ? 'dead' : 'pending',
      attempts: 0,
      maxAttempts: action.retry.attempts,
      runAt,
      lastError,
      createdAt: now,
      updatedAt: now,
    };
  }

  function failed(rule: CompiledRule, error: unknown): false {
    emit('warning', {
      code: 'rule_error',
      message: `rule '${rule.name}' failed to evaluate: ${(error as Error)?.message ?? String(error)}`,
    });
    return false;
  }

  async function evaluate(rule: CompiledRule, f: FactRecord): Promise<boolean> {
    try {
      return await ruleSet.evaluate(rule, f);
    } catch (error) {
      return failed(rule, error);
    }
  }

  /**
   * Fires `rule` into `into` (the reaction so far), or into a new reaction when it is the first rule to fire.
   * A new one's arrays are made with their first elements: an array made empty grows to room for 17 at its
   * first push, and most reactions hold one line and one job.
   */
  function fire(rule: CompiledRule, input: ReactionInput, f: FactRecord, into: Fired | undefined): Fired {
    const key = input.event.resource?.key;
    const line: AuditEntry = {
      at: input.now,
      resourceKey: key,
      eventId: input.event.id,
      kind: 'rule.fired',
      rule: rule.name,
    };
    let jobs = into?.jobs;
    const audit = into?.audit ?? [line];
    if (into !== undefined) audit.push(line);
    for (const action of rule.actions) {
      const job = renderJob(rule, action, f, input.event.id, key);
      if (jobs === undefined) jobs = [job];
      else jobs.push(job);
      // A job whose `at` did not render to a date is a dead letter from the start; the trail says why.
      if (job.lastError !== undefined) {
        audit.push({
          at: input.now,
          resourceKey: key,
          eventId: input.event.id,
          kind: 'action.dead',
          rule: rule.name,
          jobId: job.id,
          error: job.lastError,
        });
      }
    }
    return into ?? { jobs: jobs ?? [], audit };
  }

  function react(input: ReactionInput): Reaction | Promise<Reaction> {
    if (unregistered.size > 0) throwIssues([...unregistered.values()].flat());
    const event = input.event;
    const candidates = ruleSet.index.candidates({
      provider: event.provider,
      type: event.type,
      lifecycle: event.resource?.lifecycle,
      status: input.status,
      transition: input.transition,
    });
    if (candidates.length === 0) return NO_REACTION;
    // The engine's input carries every fact already (see ReactionInput.provider): a record is made only
    // for an input without them.
    const f: FactRecord =
      input.provider === event.provider
        ? (input as unknown as FactRecord)
        : {
            event,
            resource: input.resource,
            transition: input.transition,
            provider: event.provider,
            now: input.now,
            status: input.status,
          };
    // Most events fire nothing: the reaction is made on the first firing only.
    let fired: Fired | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const rule = candidates[i]!;
      if (rule.predicate === undefined) return reactAsync(candidates, i, input, f, fired);
      let passed: boolean;
      try {
        passed = Boolean(rule.predicate(f));
      } catch (error) {
        passed = failed(rule, error);
      }
      if (passed) fired = fire(rule, input, f, fired);
    }
    return fired ?? NO_REACTION;
  }

  async function reactAsync(
    candidates: ReadonlyArray<CompiledRule>,
    from: number,
    input: ReactionInput,
    f: FactRecord,
    fired: Fired | undefined,
  ): Promise<Reaction> {
    let out = fired;
    for (let i = from; i < candidates.length; i++) {
      const rule = candidates[i]!;
      if (await evaluate(rule, f)) out = fire(rule, input, f, out);
    }
    return out ?? NO_REACTION;
  }

  return {
    reactor: {
      idle: ruleSet.rules.length === 0,
      react,
      committed: (reaction) => runner.fired(reaction.jobs.length),
      drain: () => runner.drain(),
      close: async () => runner.close(),
    },
    ruleSet: () => ruleSet,
    retry,
    registerAction(name, handler, params, opts = {}) {
      const def = { ...opts, handler, params } as ActionDefinition;
      const problems: RuleIssue[] = [];
      specs.forEach((rule, i) => {
        for (const [j, a] of rule.actions.entries()) {
          if (a.type === name) checkParams(def, a.params, ['rules', i, 'actions', j, 'params'], problems);
        }
      });
      if (problems.length > 0) throwIssues(problems);
      registerInto(registry, name, def);
      unregistered.delete(name);
    },
    evaluate,
    renderJob,
    retryDead: (id) => runner.retryDead(id),
  };
}
