import { compileTemplates, isTemplated, type TemplateIssue } from '../actions/templates.js';
import type { ActionDefinition } from '../actions/types.js';
import type { ErrorCode, ErrorPath } from '../errors.js';
import { type OperatorSet, resolveOperator } from './operators.js';
import type { RuleSpec } from './types.js';

/** One problem in a set of rules, with the error code it stands for. */
export interface RuleIssue {
  readonly code: ErrorCode;
  readonly path: ErrorPath;
  readonly message: string;
}

/** What rules are checked against. */
export interface CheckEnv {
  readonly operators: OperatorSet;
  readonly actions: ReadonlyMap<string, ActionDefinition>;
  readonly conditions: ReadonlyMap<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function knownOperators(env: CheckEnv): string {
  return [...env.operators.builtin.keys(), ...env.operators.custom.keys()].join(', ');
}

/**
 * Checks a condition tree as json-rules-engine would when the rule is added (and more: operators and
 * references are resolved now, not at the first event).
 *
 * @example
 * ```ts
 * const issues: RuleIssue[] = [];
 * checkCondition({ all: [{ fact: 'event', operator: 'equals', value: 1 }] }, ['conditions'], env, issues);
 * ```
 */
export function checkCondition(
  c: unknown,
  path: ErrorPath,
  env: CheckEnv,
  issues: RuleIssue[],
  depth = 0,
): void {
  const issue = (code: ErrorCode, p: ErrorPath, message: string): void => {
    issues.push({ code, path: p, message });
  };
  if (depth > 64) {
    issue('config_invalid', path, 'conditions nest more than 64 levels deep');
  } else if (!isRecord(c)) {
    issue('config_invalid', path, 'a condition must be an object');
  } else if (Object.hasOwn(c, 'any') || Object.hasOwn(c, 'all')) {
    const kind = Object.hasOwn(c, 'any') ? 'any' : 'all';
    const list = c[kind];
    if (!Array.isArray(list))
      issue('config_invalid', [...path, kind], `'${kind}' must be a list of conditions`);
    else
      for (const [i, child] of list.entries())
        checkCondition(child, [...path, kind, i], env, issues, depth + 1);
  } else if (Object.hasOwn(c, 'not')) {
    if (Array.isArray(c.not))
      issue('config_invalid', [...path, 'not'], "'not' takes one condition, not a list");
    else checkCondition(c.not, [...path, 'not'], env, issues, depth + 1);
  } else if (Object.hasOwn(c, 'condition')) {
    if (typeof c.condition !== 'string' || !env.conditions.has(c.condition)) {
      const known = [...env.conditions.keys()].join(', ') || 'none defined';
      issue(
        'config_invalid',
        [...path, 'condition'],
        `no named condition '${String(c.condition)}' (known: ${known})`,
      );
    }
  } else {
    checkLeaf(c, path, env, issue);
  }
}

function checkLeaf(
  c: Record<string, unknown>,
  path: ErrorPath,
  env: CheckEnv,
  issue: (code: ErrorCode, p: ErrorPath, message: string) => void,
): void {
  for (const field of ['fact', 'operator', 'value'] as const) {
    if (!Object.hasOwn(c, field)) issue('config_invalid', [...path, field], `a condition needs '${field}'`);
  }
  if (Object.hasOwn(c, 'fact') && typeof c.fact !== 'string') {
    issue('config_invalid', [...path, 'fact'], "'fact' must be a string");
  }
  if (Object.hasOwn(c, 'path') && typeof c.path !== 'string') {
    issue('config_invalid', [...path, 'path'], "'path' must be a string");
  }
  if (typeof c.operator === 'string' && resolveOperator(env.operators, c.operator) === undefined) {
    issue(
      'unknown_operator',
      [...path, 'operator'],
      `unknown operator '${c.operator}' (known: ${knownOperators(env)})`,
    );
  } else if (Object.hasOwn(c, 'operator') && typeof c.operator !== 'string') {
    issue('config_invalid', [...path, 'operator'], "'operator' must be a string");
  }
}

/**
 * Checks an action's params against its definition's schema; templated values are skipped (checked when fired).
 *
 * @example
 * ```ts
 * checkParams(httpAction, { url: 1 }, ['rules', 0, 'actions', 0, 'params'], issues);
 * ```
 */
export function checkParams(
  def: ActionDefinition,
  params: unknown,
  path: ErrorPath,
  issues: RuleIssue[],
): void {
  const parsed = def.params.safeParse(params ?? {});
  if (parsed.success) return;
  for (const i of parsed.error.issues) {
    // A templated value's type is known only when the rule fires; it is checked again then.
    if (isTemplated(params, i.path)) continue;
    issues.push({
      code: 'action_params_invalid',
      path: [...path, ...i.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
      message: i.message,
    });
  }
}

function checkAction(
  a: RuleSpec['actions'][number],
  path: ErrorPath,
  env: CheckEnv,
  issues: RuleIssue[],
): void {
  const def = env.actions.get(a.type);
  if (def === undefined) {
    issues.push({
      code: 'unknown_action',
      path: [...path, 'type'],
      message: `unknown action '${a.type}' (registered: ${[...env.actions.keys()].join(', ')})`,
    });
  } else {
    checkParams(def, a.params, [...path, 'params'], issues);
  }
  const templateIssues: TemplateIssue[] = [];
  compileTemplates(a.params, [...path, 'params'], templateIssues);
  if (a.at !== undefined) compileTemplates(a.at, [...path, 'at'], templateIssues);
  for (const t of templateIssues) issues.push({ code: 'template_invalid', path: t.path, message: t.message });
  if (a.at !== undefined && a.delay !== undefined) {
    issues.push({
      code: 'config_invalid',
      path: [...path, 'at'],
      message: "use either 'delay' or 'at', not both",
    });
  }
}

/**
 * Checks rules beyond their shape: unique names, known operators, named conditions that exist (and are
 * themselves sound, at `conditions.<name>`), registered action types, params that match each action's
 * schema, and templates that are plain paths.
 *
 * @example
 * ```ts
 * const issues = checkRules(rules, ['rules'], { operators, actions, conditions: new Map() });
 * ```
 */
export function checkRules(rules: ReadonlyArray<RuleSpec>, base: ErrorPath, env: CheckEnv): RuleIssue[] {
  const issues: RuleIssue[] = checkNamedConditions(env);
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const path = [...base, i];
    const first = seen.get(rule.name);
    if (first !== undefined) {
      issues.push({
        code: 'config_invalid',
        path: [...path, 'name'],
        message: `rule name '${rule.name}' is also used by rule ${first}`,
      });
    } else {
      seen.set(rule.name, i);
    }
    if (rule.conditions !== undefined) checkCondition(rule.conditions, [...path, 'conditions'], env, issues);
    for (const [j, a] of rule.actions.entries()) checkAction(a, [...path, 'actions', j], env, issues);
  });
  return issues;
}

/**
 * Checks the named conditions as the rules' own: json-rules-engine would only find a bad operator or a missing
 * reference in one when a rule using it runs, on every event, and loop for ever on a reference cycle.
 */
function checkNamedConditions(env: CheckEnv): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const [name, body] of env.conditions) checkCondition(body, ['conditions', name], env, issues);
  for (const cycle of referenceCycles(env.conditions)) {
    issues.push({
      code: 'config_invalid',
      path: ['conditions', cycle[0]!],
      message: `named conditions refer to each other in a cycle: ${cycle.join(' → ')}`,
    });
  }
  return issues;
}

/** The names a condition tree refers to with `{ condition: name }`. */
function referencesOf(c: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (!isRecord(c) || depth > 64) return out;
  if (typeof c.condition === 'string') out.add(c.condition);
  for (const kind of ['all', 'any'] as const) {
    const list = c[kind];
    if (Array.isArray(list)) for (const child of list) referencesOf(child, out, depth + 1);
  }
  if (Object.hasOwn(c, 'not')) referencesOf(c.not, out, depth + 1);
  return out;
}

/** Each reference cycle once, as the names along it from where it was entered (`a → b → a`). */
function referenceCycles(conditions: ReadonlyMap<string, unknown>): string[][] {
  const refs = new Map([...conditions].map(([name, body]) => [name, referencesOf(body)]));
  const done = new Set<string>();
  const cycles: string[][] = [];
  const visit = (name: string, trail: string[]): void => {
    const at = trail.indexOf(name);
    if (at >= 0) {
      cycles.push([...trail.slice(at), name]);
      return;
    }
    if (done.has(name) || !refs.has(name)) return;
    trail.push(name);
    for (const next of refs.get(name)!) visit(next, trail);
    trail.pop();
    done.add(name);
  };
  for (const name of refs.keys()) visit(name, []);
  return cycles;
}
