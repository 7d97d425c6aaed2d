import type { StateValue } from 'xstate';
import type { Catalog } from '../catalog.js';
import type { ErrorInfo } from '../errors.js';
import type { PolicyEvent } from '../event.js';
import { decide } from '../internal/decide.js';
import { nulError } from '../internal/nul.js';
import type { TransitionTable } from '../internal/table.js';
import { normalizeEvent } from '../normalize.js';
import type { IngestStatus, ResourceSnapshot, Store } from '../store.js';
import type { ConditionTrace, FactRecord } from './compile.js';
import type { RulesRuntime } from './runtime.js';
import type { NormalizedTrigger } from './triggers.js';

/** An action `explain` says would fire. */
export interface ExplainedAction {
  readonly type: string;
  readonly index: number;
  readonly idempotencyKey: string;
  readonly params: unknown;
  readonly runAt: number;
  readonly whileIn: string | undefined;
}

/** One candidate rule in an explanation. */
export interface RuleExplanation {
  readonly rule: string;
  readonly priority: number;
  readonly trigger: NormalizedTrigger;
  /** False when the rule runs on json-rules-engine (with the reason in `fallback`). */
  readonly compiled: boolean;
  readonly fallback: string | undefined;
  readonly passed: boolean;
  readonly conditions: ConditionTrace | undefined;
  readonly actions: ReadonlyArray<ExplainedAction>;
}

/**
 * What `engine.explain` found: the status the event would get, its candidate rules with each condition's fact
 * value and result, and the actions that would fire. Nothing is written and no action runs.
 */
export interface Explanation {
  readonly status: IngestStatus;
  readonly provider: string;
  readonly event: PolicyEvent | undefined;
  readonly from: StateValue | undefined;
  readonly to: StateValue | undefined;
  readonly error: ErrorInfo | undefined;
  readonly candidates: ReadonlyArray<RuleExplanation>;
}

/** What explain reads from the engine. */
export interface ExplainDeps {
  readonly catalogs: ReadonlyMap<string, Catalog>;
  readonly tables: ReadonlyMap<string, TransitionTable>;
  readonly store: Store;
  readonly reconcile: 'force' | 'strict';
  readonly now: () => number;
  readonly runtime: RulesRuntime;
}

type Situation = {
  status: IngestStatus;
  resource: ResourceSnapshot | undefined;
  transition: { from: StateValue | undefined; to: StateValue; forced: boolean } | undefined;
};

function parse(payload: unknown): { ok: true; body: unknown } | { ok: false; error: ErrorInfo } {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) return { ok: true, body: payload };
  try {
    return {
      ok: true,
      body: JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload)),
    };
  } catch (e) {
    return {
      ok: false,
      error: { code: 'invalid_json', message: `the body is not JSON: ${(e as Error).message}`, path: [] },
    };
  }
}

// Mirrors the engine's apply step, read-only.
async function situate(event: PolicyEvent, deps: ExplainDeps, now: number): Promise<Situation> {
  // A known id is a duplicate whatever its type, as `ingest` has it.
  if (await deps.store.hasEvent(event.id))
    return { status: 'duplicate', resource: undefined, transition: undefined };
  const ref = event.resource;
  if (ref === undefined) return { status: 'unhandled', resource: undefined, transition: undefined };
  const previous = await deps.store.getResource(ref.key);
  const table = deps.tables.get(`${event.provider}/${ref.lifecycle}`)!;
  const machineEvent = deps.catalogs.get(event.provider)!.events.get(event.type)!.event;
  // The engine's own decision, so explain can never disagree with a real ingest.
  const d = decide(event, machineEvent, table, previous, deps.reconcile, now);
  if (d.snapshot === undefined || d.status === 'stale')
    return { status: d.status, resource: previous, transition: undefined };
  return {
    status: d.status,
    resource: d.snapshot,
    transition: { from: previous?.state, to: d.to, forced: d.status === 'forced' },
  };
}

/**
 * Explains what an event would do, without side effects.
 *
 * @example
 * ```ts
 * const x = await explainEvent(body, { provider: 'kota' }, deps);
 * for (const c of x.candidates) console.log(c.rule, c.passed, c.actions.length);
 * ```
 */
export async function explainEvent(
  payload: unknown,
  options: { readonly provider: string },
  deps: ExplainDeps,
): Promise<Explanation> {
  const base = { provider: options.provider, from: undefined, to: undefined, candidates: [] };
  const catalog = deps.catalogs.get(options.provider);
  if (catalog === undefined) {
    const error: ErrorInfo = {
      code: 'unknown_provider',
      message: `no provider '${options.provider}' is registered`,
      path: ['provider'],
    };
    return { ...base, status: 'invalid', event: undefined, error };
  }
  const parsed = parse(payload);
  if (!parsed.ok) return { ...base, status: 'invalid', event: undefined, error: parsed.error };
  // The engine refuses U+0000 anywhere before it normalizes (no SQL store can hold it): so does a dry run.
  const nul = nulError(parsed.body, typeof payload === 'string' ? payload : undefined);
  if (nul !== undefined) return { ...base, status: 'invalid', event: undefined, error: nul };
  const normalized = normalizeEvent(catalog, parsed.body);
  if (!normalized.ok) return { ...base, status: 'invalid', event: undefined, error: normalized.error };
  const event = normalized.event;
  const now = deps.now();
  const s = await situate(event, deps, now);
  const set = deps.runtime.ruleSet();
  const candidates =
    s.status === 'duplicate' || s.status === 'stale'
      ? []
      : set.index.candidates({
          provider: event.provider,
          type: event.type,
          lifecycle: event.resource?.lifecycle,
          status: s.status,
          transition: s.transition,
        });
  const facts: FactRecord = {
    event,
    resource: s.resource,
    transition: s.transition,
    provider: event.provider,
    now,
    status: s.status,
  };
  const out: RuleExplanation[] = [];
  for (const rule of candidates) {
    let result: { passed: boolean; conditions: ConditionTrace | undefined };
    try {
      result = await set.explain(rule, facts);
    } catch (error) {
      result = {
        passed: false,
        conditions: { condition: { error: (error as Error).message }, result: undefined },
      };
    }
    const actions = result.passed
      ? rule.actions.map((a) => {
          const job = deps.runtime.renderJob(rule, a, facts, event.id, event.resource?.key);
          return {
            type: job.type,
            index: a.index,
            idempotencyKey: job.id,
            params: job.params,
            runAt: job.runAt,
            whileIn: job.whileIn,
          };
        })
      : [];
    out.push({
      rule: rule.name,
      priority: rule.priority,
      trigger: rule.trigger,
      compiled: rule.node !== undefined,
      fallback: rule.fallback,
      passed: result.passed,
      conditions: result.conditions,
      actions,
    });
  }
  return {
    status: s.status,
    provider: event.provider,
    event,
    from: s.transition ? s.transition.from : s.resource?.state,
    to: s.transition?.to ?? s.resource?.state,
    error: undefined,
    candidates: out,
  };
}
