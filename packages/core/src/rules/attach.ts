import type { RegisterAction } from '../actions/types.js';
import type { Catalog } from '../catalog.js';
import type { PolicyflowConfig } from '../config/schema.js';
import type { TransitionTable } from '../internal/table.js';
import type { ActionJob, AuditEntry } from '../store.js';
import { triggerEnvOf } from './checkTriggers.js';
import { type Explanation, explainEvent } from './explain.js';
import { createRulesRuntime, type RulesOptions, type RulesRuntime, type RuntimeDeps } from './runtime.js';

/** Engine options of the rules-and-actions half. */
export interface RulesEngineOptions extends RulesOptions {
  /**
   * A loaded config (`loadConfig`): its rules, named conditions and retry policy come before the options' own.
   * Its `store` and `providers` sections are read by the CLI only: the engine uses `store` (default memory).
   */
  readonly config?: PolicyflowConfig;
}

/** Engine methods of the rules-and-actions half. */
export interface RulesEngineApi {
  /**
   * Registers a custom action type (its params are checked against `params` when a job runs). `options` may
   * give it its own retry policy and attempt timeout (default 60 s; the handler's `context.signal` aborts).
   *
   * @example
   * ```ts
   * engine.registerAction('ticket', async (p, ctx) => { await tickets.open(p.title, { signal: ctx.signal }); },
   *   z.object({ title: z.string() }), { timeoutMs: 15_000 });
   * ```
   */
  readonly registerAction: RegisterAction;
  /** What an event would do: candidate rules, each condition's fact value and result, actions; no side effects. */
  explain(payload: unknown, options: { readonly provider: string }): Promise<Explanation>;
  /** Jobs that used up their attempts (or failed for good), each with its last error. */
  deadLetters(limit?: number): Promise<ActionJob[]>;
  /** Runs a dead job again with a fresh set of attempts; false when no dead job has that id. */
  retryDead(id: string): Promise<boolean>;
  /** A resource's audit trail: rules fired and action attempts. */
  audit(key: string, limit?: number): Promise<AuditEntry[]>;
}

/** What {@link attachRules} reads from the engine. */
export interface AttachDeps extends RuntimeDeps {
  readonly catalogs: ReadonlyMap<string, Catalog>;
  readonly tables: ReadonlyMap<string, TransitionTable>;
  readonly reconcile: 'force' | 'strict';
}

function merged(options: RulesEngineOptions): RulesOptions {
  const config = options.config;
  if (config === undefined) return options;
  return {
    ...options,
    rules: [...config.rules, ...(options.rules ?? [])],
    conditions: { ...config.conditions, ...options.conditions },
    retry: { ...config.retry, ...options.retry },
  };
}

/**
 * Builds the rules runtime of an engine and the methods it adds to it.
 *
 * @example
 * ```ts
 * const rules = attachRules(options, { store, clock, emit, catalogs, tables, reconcile });
 * engine.useReactor(rules.runtime.reactor);
 * ```
 */
export function attachRules(
  options: RulesEngineOptions,
  deps: AttachDeps,
): { runtime: RulesRuntime; api: RulesEngineApi } {
  const runtime = createRulesRuntime(merged(options), {
    ...deps,
    triggers: triggerEnvOf([...deps.catalogs.values()]),
  });
  const { store } = deps;
  const api: RulesEngineApi = {
    registerAction: runtime.registerAction,
    explain: (payload, opts) =>
      explainEvent(payload, opts, { ...deps, now: () => deps.clock.now(), runtime }),
    deadLetters: (limit) => store.listJobs({ status: ['dead'], ...(limit === undefined ? {} : { limit }) }),
    retryDead: (id) => runtime.retryDead(id),
    audit: (key, limit) => store.listAudit(key, limit),
  };
  return { runtime, api };
}
