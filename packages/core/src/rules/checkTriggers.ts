import { matchesState, type StateValue } from 'xstate';
import type { Catalog } from '../catalog.js';
import { tableFor } from '../internal/table.js';
import type { RuleIssue } from './check.js';
import { type NormalizedTrigger, normalizeTrigger, patternOf } from './triggers.js';
import type { RuleSpec } from './types.js';

/** What triggers are checked against: the providers' catalogs and the states each lifecycle can be in. */
export interface TriggerEnv {
  readonly catalogs: ReadonlyArray<Catalog>;
  /** The states a lifecycle's resources can reach (its derived table's), or undefined for no such lifecycle. */
  states(provider: string, lifecycle: string): ReadonlyArray<StateValue> | undefined;
}

/**
 * A {@link TriggerEnv} over `catalogs`, whose lifecycles' states come from the tables the engine derives
 * (memoized per machine, so an engine made after it derives nothing again).
 *
 * @example
 * ```ts
 * const issues = checkTriggers(config.rules, ['rules'], triggerEnvOf([kota(), ten99policy()]));
 * ```
 */
export function triggerEnvOf(catalogs: ReadonlyArray<Catalog>): TriggerEnv {
  const byProvider = new Map(catalogs.map((c) => [c.provider, c]));
  return {
    catalogs,
    states(provider, lifecycle) {
      const catalog = byProvider.get(provider);
      const spec = catalog?.lifecycles.get(lifecycle);
      if (catalog === undefined || spec === undefined) return undefined;
      const events = [...catalog.events.values()]
        .filter((e) => e.lifecycle === lifecycle)
        .map((e) => e.event);
      return [...tableFor(spec.machine, events).states.values()];
    },
  };
}

interface Scope {
  readonly provider: string;
  readonly lifecycle: string;
  readonly states: ReadonlyArray<StateValue>;
}

function scopeOf(trigger: NormalizedTrigger, env: TriggerEnv): Scope[] {
  const out: Scope[] = [];
  for (const catalog of env.catalogs) {
    if (trigger.provider !== undefined && trigger.provider !== catalog.provider) continue;
    let names: Iterable<string>;
    if (trigger.kind === 'event') {
      const matchers = trigger.types.map(patternOf);
      names = new Set(
        [...catalog.events.values()].filter((e) => matchers.some((m) => m(e.type))).map((e) => e.lifecycle),
      );
    } else {
      names = trigger.lifecycle === undefined ? catalog.lifecycles.keys() : [trigger.lifecycle];
    }
    for (const lifecycle of names) {
      const states = env.states(catalog.provider, lifecycle);
      if (states !== undefined) out.push({ provider: catalog.provider, lifecycle, states });
    }
  }
  return out;
}

// As the runtime matches: a flat state by name, a nested or parallel one through XState's matcher.
function matches(pattern: string, value: StateValue): boolean {
  return typeof value === 'string' ? value === pattern : matchesState(pattern, value);
}

function known(pattern: string, scope: ReadonlyArray<Scope>): boolean {
  return scope.some((s) => s.states.some((v) => matches(pattern, v)));
}

/**
 * The names a trigger can give a state value: a flat state's own, a parallel or nested one's paths
 * (`status.active`, `renewal.opened`), as `matchesState` reads them.
 *
 * @example
 * ```ts
 * statePatterns({ status: 'active', renewal: 'none' }); // ['status.active', 'renewal.none']
 * ```
 */
export function statePatterns(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  return Object.entries(value).flatMap(([region, inner]) =>
    inner === undefined ? [region] : statePatterns(inner).map((p) => `${region}.${p}`),
  );
}

function statesOf(scope: ReadonlyArray<Scope>): string {
  const names = [...new Set(scope.flatMap((s) => s.states.flatMap(statePatterns)))].sort();
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', ');
}

function lifecyclesOf(env: TriggerEnv, provider: string | undefined): string {
  const names = env.catalogs
    .filter((c) => provider === undefined || c.provider === provider)
    .flatMap((c) => [...c.lifecycles.keys()]);
  return [...new Set(names)].sort().join(', ');
}

/**
 * Checks rules' triggers and `whileIn` states against the providers: a trigger naming a lifecycle or a state
 * no provider has never fires, and a `whileIn` no state matches cancels every job it guards, so a typo
 * (`to: acepted`) is an issue at its path rather than a rule that is silently dead. Event types are not
 * checked: a type no catalog knows still triggers rules (an `unhandled` event).
 *
 * @example
 * ```ts
 * checkTriggers([{ name: 'r', on: { lifecycle: 'employer_quote', to: 'acepted' }, actions }], ['rules'], env);
 * // [{ code: 'config_invalid', path: ['rules', 0, 'on', 'to'], message: "no state 'acepted' in employer_quote (states: …)" }]
 * ```
 */
export function checkTriggers(
  rules: ReadonlyArray<RuleSpec>,
  base: ReadonlyArray<string | number>,
  env: TriggerEnv,
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  rules.forEach((rule, i) => {
    const path = [...base, i];
    const trigger = normalizeTrigger(rule.on);
    if (trigger.provider !== undefined && !env.catalogs.some((c) => c.provider === trigger.provider)) {
      const have = env.catalogs.map((c) => c.provider).join(', ');
      issues.push({
        code: 'config_invalid',
        path: [...path, 'on', 'provider'],
        message: `no provider '${trigger.provider}' is registered (have: ${have})`,
      });
      return;
    }
    const scope = scopeOf(trigger, env);
    if (trigger.kind !== 'event' && trigger.lifecycle !== undefined && scope.length === 0) {
      issues.push({
        code: 'config_invalid',
        path: [...path, 'on', 'lifecycle'],
        message: `no lifecycle '${trigger.lifecycle}'${trigger.provider === undefined ? '' : ` in ${trigger.provider}`} (have: ${lifecyclesOf(env, trigger.provider)})`,
      });
      return;
    }
    if (trigger.kind === 'transition') {
      const on = rule.on as {
        readonly from?: string | ReadonlyArray<string>;
        readonly to?: string | ReadonlyArray<string>;
      };
      for (const field of ['from', 'to'] as const) {
        const given = on[field];
        const patterns = given === undefined ? [] : typeof given === 'string' ? [given] : given;
        patterns.forEach((p, j) => {
          if (known(p, scope)) return;
          issues.push({
            code: 'config_invalid',
            path: typeof given === 'string' ? [...path, 'on', field] : [...path, 'on', field, j],
            message: `no state '${p}' in ${trigger.lifecycle} (states: ${statesOf(scope)})`,
          });
        });
      }
    }
    // A rule on types no catalog knows has no lifecycle to check its `whileIn` against.
    if (scope.length === 0) return;
    rule.actions.forEach((action, j) => {
      const whileIn = (action as { readonly whileIn?: unknown }).whileIn;
      if (typeof whileIn !== 'string' || known(whileIn, scope)) return;
      const where = [...new Set(scope.map((s) => s.lifecycle))].sort().join(', ');
      issues.push({
        code: 'config_invalid',
        path: [...path, 'actions', j, 'whileIn'],
        message: `no state '${whileIn}' in ${where} (states: ${statesOf(scope)}): every job it guards would be cancelled`,
      });
    });
  });
  return issues;
}
