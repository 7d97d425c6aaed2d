import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { createActionRegistry } from '../actions/builtins.js';
import type { ActionDefinition } from '../actions/types.js';
import type { Catalog } from '../catalog.js';
import {
  type ErrorCode,
  type ErrorIssue,
  type ErrorPath,
  formatPath,
  issuesError,
  PolicyflowError,
} from '../errors.js';
import { checkRules, type RuleIssue } from '../rules/check.js';
import { checkTriggers, triggerEnvOf } from '../rules/checkTriggers.js';
import { createOperatorSet, type OperatorFn } from '../rules/operators.js';
import type { RuleSpec } from '../rules/types.js';
import { configSchema, type PolicyflowConfig } from './schema.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Variables for `${NAME}`; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Custom action types the rules may use (the built-ins are always known). */
  readonly actions?: Readonly<Record<string, ActionDefinition>>;
  /** Custom operators the conditions may use. */
  readonly operators?: Readonly<Record<string, OperatorFn>>;
  /**
   * Sections the caller does not use (the CLI's `explain` and `replay` use neither): they are left out before
   * anything is read, so their `${NAME}` variables need not be set, and the result has none of them.
   * `policyflow validate` checks the whole file.
   */
  readonly omit?: ReadonlyArray<OmittableSection>;
  /**
   * The providers the rules will run against: when given, each trigger's lifecycle and states and each
   * `whileIn` are checked against their catalogs (`policyflow validate` passes the built-in ones), as
   * `createEngine` checks them against its own.
   */
  readonly providers?: ReadonlyArray<Catalog>;
}

/** The config sections that only some callers read (the CLI's store and provider settings). */
export type OmittableSection = 'store' | 'providers';

/** One config problem, located: an {@link ErrorIssue} that always has its code. */
export interface ConfigIssue extends ErrorIssue {
  readonly code: ErrorCode;
}

type Locate = (path: ErrorPath) => { line: number; column: number } | undefined;

const ENV = /\$\$\{|\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function interpolate(
  value: unknown,
  path: ErrorPath,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
  // The objects above `value`: a YAML alias may refer to a node it sits in, which makes the data a cycle.
  above: ReadonlySet<object> = new Set(),
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return value.replace(ENV, (whole, name: string | undefined) => {
      if (name === undefined) return '${';
      if (!ENV_NAME.test(name)) {
        issues.push({
          code: 'config_invalid',
          path,
          message: `'${whole}' is not an environment variable reference`,
        });
        return whole;
      }
      const v = env[name];
      if (v === undefined) {
        issues.push({ code: 'config_env_missing', path, message: `environment variable ${name} is not set` });
        return whole;
      }
      return v;
    });
  }
  if (value === null || typeof value !== 'object') return value;
  if (above.has(value)) {
    issues.push({
      code: 'config_invalid',
      path,
      message: 'a YAML alias here refers to a node that contains it',
    });
    return undefined;
  }
  const inner = new Set(above).add(value);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], env, issues, inner));
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    // JSON.parse keeps a `__proto__` key as an own key; a record (`providers`, `conditions`) would drop it
    // without a word, and anything that assigns it would set a prototype instead.
    if (k === '__proto__') {
      issues.push({ code: 'config_invalid', path: [...path, k], message: "'__proto__' cannot be a key" });
      continue;
    }
    out.push([k, interpolate(v, [...path, k], env, issues, inner)]);
  }
  // fromEntries defines keys rather than assigning them.
  return Object.fromEntries(out);
}

function nodeAt(root: Node | null, path: ErrorPath): { node: Node; exact: boolean } | undefined {
  let node: Node | null = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    let next: Node | null | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      next = pair === undefined ? undefined : ((pair.value as Node | null) ?? (pair.key as Node));
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key] as Node | undefined;
    }
    if (next === undefined || next === null) return node ? { node, exact: false } : undefined;
    node = next;
  }
  return node ? { node, exact: true } : undefined;
}

function yamlLocator(text: string): { data: unknown; locate: Locate; syntax: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax: ConfigIssue[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      code: 'config_invalid',
      path: [],
      message: e.message.split('\n')[0]!,
      line: pos.line,
      column: pos.col,
    };
  });
  const locate: Locate = (path) => {
    const hit = nodeAt(doc.contents as Node | null, path);
    const start = hit?.node.range?.[0];
    if (start === undefined) return undefined;
    const pos = lineCounter.linePos(start);
    return { line: pos.line, column: pos.col };
  };
  if (syntax.length > 0) return { data: undefined, locate, syntax };
  try {
    return { data: doc.toJS(), locate, syntax };
  } catch (e) {
    // Aliases are resolved only now: one whose anchor is set nowhere before it, or more aliases than the
    // parser expands (a "billion laughs" file), throw here. They are a file's problems, not a bug.
    return { data: undefined, locate, syntax: [aliasIssue(doc, lineCounter, e)] };
  }
}

function aliasIssue(doc: Document, lineCounter: LineCounter, error: unknown): ConfigIssue {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  const pos = lineCounter.linePos(at ?? 0);
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return { code: 'config_invalid', path: [], message, line: pos.line, column: pos.col };
}

function read(source: string): { data: unknown; locate: Locate; syntax: ConfigIssue[]; name: string } {
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (cause) {
    throw new PolicyflowError(
      'config_invalid',
      `cannot read config file ${source}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (extname(source).toLowerCase() === '.json') {
    try {
      const data: unknown = JSON.parse(text);
      // JSON is YAML: the YAML parser's positions locate problems in a JSON file too.
      const located = yamlLocator(text);
      return {
        data,
        locate: located.syntax.length === 0 ? located.locate : () => undefined,
        syntax: [],
        name: source,
      };
    } catch (e) {
      const issue: ConfigIssue = {
        code: 'config_invalid',
        path: [],
        message: `not JSON: ${(e as Error).message}`,
      };
      return { data: undefined, locate: () => undefined, syntax: [issue], name: source };
    }
  }
  return { ...yamlLocator(text), name: source };
}

function fail(name: string, issues: ReadonlyArray<ConfigIssue>): never {
  throw issuesError(name, issues);
}

/**
 * Validates a config value (already parsed) and returns it typed, or throws one `PolicyflowError` listing
 * every problem with its path (and line and column when `locate` knows them).
 */
function validate(raw: unknown, options: LoadConfigOptions, locate: Locate, name: string): PolicyflowConfig {
  const issues: ConfigIssue[] = [];
  const data = interpolate(without(raw, options.omit), [], options.env ?? process.env, issues);
  const parsed = configSchema.safeParse(data);
  const rules = (parsed.success ? parsed.data.rules : rulesOf(data)) as RuleSpec[];
  const semantic: RuleIssue[] = checkRules(rules, ['rules'], {
    operators: createOperatorSet(() => Date.now(), options.operators ?? {}),
    actions: createActionRegistry(options.actions ?? {}),
    conditions: namedOf(parsed.success ? parsed.data : data),
  });
  // Triggers are read in their parsed shape: without it (`rulesOf`), there is none to check.
  if (parsed.success && options.providers !== undefined)
    semantic.push(...checkTriggers(rules, ['rules'], triggerEnvOf(options.providers)));
  if (!parsed.success) {
    // Where the semantic check said something about a place, its message is the more precise one.
    const explained = new Set(semantic.map((i) => formatPath(i.path)));
    for (const e of parsed.error.issues.flatMap((i) => shapeIssues(i, [], data))) {
      if (!explained.has(formatPath(e.path))) issues.push(e);
    }
  }
  const all = dedupe([...issues, ...semantic]);
  if (all.length === 0) return parsed.data as PolicyflowConfig;
  fail(
    name,
    all.map((i) => ({ ...i, ...locate(i.path) })),
  );
}

interface ZodIssueLike {
  readonly code: string;
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly errors?: ReadonlyArray<ReadonlyArray<ZodIssueLike>>;
}

// The branches of a condition union, in the schema's order; a leaf is the fifth, where one is allowed.
const CONDITION_BRANCHES = ['all', 'any', 'not', 'condition'];

/**
 * A schema issue as the problems it stands for. A condition that matches no branch of its union is reported
 * through the branch it was meant as (its `all`, `any`, `not` or `condition` key, else a leaf), so a typo
 * deep in a tree is named at its own path, beside every other problem of the same rule.
 */
function shapeIssues(issue: ZodIssueLike, base: ErrorPath, data: unknown): ConfigIssue[] {
  const path = [...base, ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))];
  const branches = issue.code === 'invalid_union' ? issue.errors : undefined;
  const meant =
    branches === undefined || !isConditionPath(path) ? -1 : branchOf(valueAt(data, path), branches.length);
  const chosen = meant < 0 ? undefined : branches?.[meant];
  if (chosen === undefined || chosen.length === 0)
    return [{ code: 'config_invalid', path, message: issue.message }];
  return chosen.flatMap((i) => shapeIssues(i, path, data));
}

/** The branch `value` was meant as: by its key, else a leaf where the union has one (below the top). */
function branchOf(value: unknown, count: number): number {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return -1;
  const i = CONDITION_BRANCHES.findIndex((k) => Object.hasOwn(value, k));
  if (i >= 0) return i;
  return count === CONDITION_BRANCHES.length + 1 ? CONDITION_BRANCHES.length : -1;
}

/** A place that holds a condition: a rule's `conditions`, a named condition, or anything below them. */
function isConditionPath(path: ErrorPath): boolean {
  return (path[0] === 'conditions' && path.length >= 2) || (path[0] === 'rules' && path[2] === 'conditions');
}

function valueAt(data: unknown, path: ErrorPath): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function without(raw: unknown, omit: ReadonlyArray<OmittableSection> | undefined): unknown {
  if (
    omit === undefined ||
    omit.length === 0 ||
    raw === null ||
    typeof raw !== 'object' ||
    Array.isArray(raw)
  )
    return raw;
  return Object.fromEntries(
    Object.entries(raw).filter(([k]) => !(omit as ReadonlyArray<string>).includes(k)),
  );
}

function dedupe(issues: ReadonlyArray<ConfigIssue>): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${formatPath(i.path)}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// When the shape check failed, the semantic checks still run over the rules that look like rules, so one
// run reports everything.
function rulesOf(data: unknown): RuleSpec[] {
  const rules = (data as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return [];
  return rules.map((r) => {
    const o = (r ?? {}) as Record<string, unknown>;
    return {
      name: typeof o.name === 'string' ? o.name : '',
      on: 'none',
      ...(o.conditions !== null && typeof o.conditions === 'object' ? { conditions: o.conditions } : {}),
      actions: Array.isArray(o.actions)
        ? o.actions.filter((a) => a !== null && typeof a === 'object' && typeof a.type === 'string')
        : [],
    } as RuleSpec;
  });
}

function namedOf(data: unknown): Map<string, unknown> {
  const c = (data as { conditions?: unknown } | null)?.conditions;
  return new Map(c !== null && typeof c === 'object' ? Object.entries(c) : []);
}

/**
 * Loads a config: a YAML or JSON file path, or an object. `${NAME}` is replaced from the environment (a missing
 * variable is an error naming it; `$${` is a literal `${`). Every problem is reported at once, each with its path
 * and, for files, line and column; actions and operators are checked against the built-ins plus `options.actions`/`operators`.
 *
 * @example
 * ```ts
 * const config = loadConfig('policyflow.config.yaml', { actions: { ticket } });
 * const engine = createEngine({ providers: [kota()], config, actions: { ticket } });
 * ```
 */
export function loadConfig(source: string | object, options: LoadConfigOptions = {}): PolicyflowConfig {
  if (typeof source !== 'string') return validate(source, options, () => undefined, 'config');
  const { data, locate, syntax, name } = read(source);
  if (syntax.length > 0) fail(name, syntax);
  return validate(data, options, locate, name);
}
