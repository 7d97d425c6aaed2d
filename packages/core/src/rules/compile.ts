import { evaluatorOf, type OperatorFn, type OperatorSet, resolveOperator } from './operators.js';
import { applyPath, parseSimplePath } from './path.js';

/** The per-evaluation fact record: built-in facts by name. */
export type FactRecord = Readonly<Record<string, unknown>>;

/** A synchronous fact computed from the record (a host fact). */
export type SyncFactFn = (facts: FactRecord, params: Readonly<Record<string, unknown>>) => unknown;

/** What the compiler knows about facts and named conditions. */
export interface CompileEnv {
  readonly operators: OperatorSet;
  /** Facts read straight from the record. */
  readonly valueFacts: ReadonlySet<string>;
  /** Synchronous host facts (compiled). */
  readonly syncFacts: ReadonlyMap<string, SyncFactFn>;
  /** Asynchronous host facts: a condition naming one is left to json-rules-engine. */
  readonly asyncFacts: ReadonlySet<string>;
  /** Named conditions, for `{ condition: name }` references. */
  readonly conditions: ReadonlyMap<string, unknown>;
}

type Getter = (facts: FactRecord) => unknown;

/** One leaf, ready to evaluate; `evaluate` returns the fact value, the value and the result for `explain`. */
export interface LeafNode {
  readonly kind: 'leaf';
  readonly priority: number;
  readonly source: Readonly<Record<string, unknown>>;
  readonly fact: Getter;
  readonly value: Getter;
  readonly op: OperatorFn;
  /** The operator's name when it is undecorated and built in, so common ones get a direct closure. */
  readonly plain: string | undefined;
  /** The value, when it is a constant (not a fact reference). */
  readonly constant: { readonly value: unknown } | undefined;
  /** True when evaluating it can never throw, so its siblings may short-circuit past it. */
  readonly safe: boolean;
}

/** A compiled condition tree. `sets` groups children by priority, highest first, as json-rules-engine does. */
export type CompiledNode =
  | LeafNode
  | {
      readonly kind: 'all' | 'any';
      readonly priority: number;
      readonly source: Readonly<Record<string, unknown>>;
      readonly sets: ReadonlyArray<ReadonlyArray<CompiledNode>>;
      readonly children: ReadonlyArray<CompiledNode>;
    }
  | {
      readonly kind: 'not';
      readonly priority: number;
      readonly source: Readonly<Record<string, unknown>>;
      readonly child: CompiledNode;
    };

/**
 * Why a condition could not be compiled (it then runs on json-rules-engine).
 *
 * @example
 * ```ts
 * try { compileNode(c, env); } catch (e) { if (e instanceof NotCompilable) useJsonRulesEngine(); }
 * ```
 */
export class NotCompilable extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const has = (o: object, k: string): boolean => Object.hasOwn(o, k);
const NO_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({});

function factGetter(env: CompileEnv, name: unknown, params: unknown, path: unknown): Getter {
  if (typeof name !== 'string') throw new NotCompilable('fact is not a string');
  let keys: string[] | undefined;
  if (path !== undefined && path !== null && path !== '') {
    if (typeof path !== 'string') throw new NotCompilable('path is not a string');
    keys = parseSimplePath(path);
    if (keys === undefined) throw new NotCompilable(`path ${path} needs jsonpath-plus`);
  }
  if (env.asyncFacts.has(name)) throw new NotCompilable(`fact ${name} is asynchronous`);
  const sync = env.syncFacts.get(name);
  if (sync !== undefined) {
    const p = isRecord(params) ? params : NO_PARAMS;
    return keys === undefined ? (f) => sync(f, p) : (f) => applyPath(sync(f, p), keys);
  }
  // An undeclared fact is undefined (json-rules-engine with allowUndefinedFacts).
  if (!env.valueFacts.has(name)) return () => undefined;
  if (keys === undefined) return reader(name);
  // `$` alone is the fact itself, as jsonpath-plus reads it: applyPath of no keys.
  if (keys.length === 0 || keys.length > 2) {
    const read = reader(name);
    return (f) => applyPath(read(f), keys);
  }
  return shortPath(name, keys[0]!, keys[1]);
}

type R = Record<string, unknown>;

/**
 * A built-in fact read along a path of one or two keys, in one closure: a rule's leaf is evaluated on every
 * candidate ingest, and a closure per step (fact, first key, second key) was a call each, to code and data
 * that other rules' leaves had pushed out of the CPU's caches. The fact record has one shape and the built-in
 * facts' own fields are named in {@link OWN_FIELDS}: for those, a plain read is the own property or
 * undefined, as `Object.hasOwn` would have it; other keys are checked.
 */
function shortPath(name: string, k1: string, k2: string | undefined): Getter {
  const known = OWN_FIELDS.has(k1);
  if (k2 === undefined) {
    return known
      ? (f) => {
          const v = f[name];
          return v === null || typeof v !== 'object' ? v : (v as R)[k1];
        }
      : (f) => {
          const v = f[name];
          if (v === null || typeof v !== 'object') return v;
          return Object.hasOwn(v, k1) ? (v as R)[k1] : undefined;
        };
  }
  // jsonpath-plus steps only through truthy values (a string's own indices and length included).
  return known
    ? (f) => {
        const v = f[name];
        if (v === null || typeof v !== 'object') return v;
        const w = (v as R)[k1];
        return w && Object.hasOwn(w as object, k2) ? (w as R)[k2] : undefined;
      }
    : (f) => {
        const v = f[name];
        if (v === null || typeof v !== 'object') return v;
        const w = Object.hasOwn(v, k1) ? (v as R)[k1] : undefined;
        return w && Object.hasOwn(w as object, k2) ? (w as R)[k2] : undefined;
      };
}

/**
 * The fields of the engine's own fact objects (event, resource, transition). None of these names is a property
 * of `Object.prototype` or `Array.prototype`, so for any object reached from JSON or from the engine, `v[name]`
 * is the own property or undefined, as `Object.hasOwn` would have it: such a step needs no check.
 */
const OWN_FIELDS: ReadonlySet<string> = new Set([
  'data',
  'type',
  'id',
  'provider',
  'occurredAt',
  'apiVersion',
  'resource',
  'state',
  'context',
  'version',
  'lifecycle',
  'key',
  'from',
  'to',
  'forced',
]);

// One function literal per built-in fact, so each property load stays monomorphic; other names are keyed.
function reader(name: string): Getter {
  switch (name) {
    case 'event':
      return (f) => f.event;
    case 'resource':
      return (f) => f.resource;
    case 'transition':
      return (f) => f.transition;
    case 'provider':
      return (f) => f.provider;
    case 'now':
      return (f) => f.now;
    case 'status':
      return (f) => f.status;
    default:
      return (f) => f[name];
  }
}

function isFactRef(value: unknown): boolean {
  return value !== null && typeof value === 'object' && has(value, 'fact');
}

function valueGetter(env: CompileEnv, value: unknown): Getter {
  // json-rules-engine reads `{ fact: … }` as a reference to another fact.
  if (isFactRef(value)) {
    const ref = value as Record<string, unknown>;
    return factGetter(env, ref.fact, ref.params, ref.path);
  }
  return () => value;
}

function leafPriority(c: Record<string, unknown>): number {
  const p = c.priority;
  return typeof p === 'number' && p !== 0 && !Number.isNaN(p) ? p : 1;
}

function booleanPriority(c: Record<string, unknown>): number {
  return Number.parseInt(String(c.priority), 10) || 1;
}

function groupSets(children: ReadonlyArray<CompiledNode>): CompiledNode[][] {
  const byPriority = new Map<number, CompiledNode[]>();
  for (const child of children) {
    const list = byPriority.get(child.priority) ?? [];
    list.push(child);
    byPriority.set(child.priority, list);
  }
  return [...byPriority.entries()].sort((a, b) => b[0] - a[0]).map(([, list]) => list);
}

/**
 * Compiles one condition (leaf or boolean) to a tree of closures. Throws {@link NotCompilable} when the condition
 * needs json-rules-engine (a custom operator, an asynchronous fact, a JSONPath beyond plain keys).
 *
 * @example
 * ```ts
 * const node = compileNode({ all: [{ fact: 'event', path: '$.type', operator: 'equal', value: 'x' }] }, env);
 * ```
 */
export function compileNode(condition: unknown, env: CompileEnv, depth = 0): CompiledNode {
  if (depth > 64) throw new NotCompilable('conditions nest too deeply');
  if (!isRecord(condition)) throw new NotCompilable('a condition is not an object');
  if (has(condition, 'any') || has(condition, 'all')) {
    const kind = has(condition, 'any') ? 'any' : 'all';
    const list = condition[kind];
    if (!Array.isArray(list)) throw new NotCompilable(`${kind} is not an array`);
    const children = list.map((c) => compileNode(c, env, depth + 1));
    return {
      kind,
      priority: booleanPriority(condition),
      source: condition,
      sets: groupSets(children),
      children,
    };
  }
  if (has(condition, 'not')) {
    return {
      kind: 'not',
      priority: booleanPriority(condition),
      source: condition,
      child: compileNode(condition.not, env, depth + 1),
    };
  }
  if (has(condition, 'condition')) {
    const named = env.conditions.get(String(condition.condition));
    if (named === undefined) throw new NotCompilable(`no condition named ${String(condition.condition)}`);
    // The reference keeps its own priority among its siblings; its body is the named condition.
    const body = compileNode(named, env, depth + 1);
    return { ...body, priority: leafPriority(condition), source: condition } as CompiledNode;
  }
  const operator = condition.operator;
  if (typeof operator !== 'string') throw new NotCompilable('operator is not a string');
  const resolved = resolveOperator(env.operators, operator);
  if (resolved === undefined) throw new NotCompilable(`unknown operator ${operator}`);
  if (resolved.custom) throw new NotCompilable(`operator ${operator} is a host operator`);
  if (!has(condition, 'fact') || !has(condition, 'value'))
    throw new NotCompilable('fact and value are required');
  return {
    kind: 'leaf',
    priority: leafPriority(condition),
    source: condition,
    fact: factGetter(env, condition.fact, condition.params, condition.path),
    value: valueGetter(env, condition.value),
    op: evaluatorOf(env.operators, resolved),
    plain: resolved.decorators.length === 0 ? resolved.base : undefined,
    constant: isFactRef(condition.value) ? undefined : { value: condition.value },
    safe: leafIsSafe(env, condition, resolved.decorators.length === 0 ? resolved.base : undefined),
  };
}

// `Number.parseFloat(x).toString() !== 'NaN'` (json-rules-engine's number validator) without the string for numbers.
function numeric(a: unknown): boolean {
  return typeof a === 'number' ? !Number.isNaN(a) : Number.parseFloat(a as string).toString() !== 'NaN';
}

type Cmp = (a: number, b: number) => boolean;
const COMPARE: ReadonlyMap<string, Cmp> = new Map<string, Cmp>([
  ['lessThan', (a, b) => a < b],
  ['lessThanInclusive', (a, b) => a <= b],
  ['greaterThan', (a, b) => a > b],
  ['greaterThanInclusive', (a, b) => a >= b],
]);

/** Direct closures for the common operators against constants; the same semantics as the composed form. */
function leafPredicate(node: LeafNode): Predicate {
  const { fact, value, op, plain, constant } = node;
  if (constant !== undefined && plain !== undefined) {
    const v = constant.value;
    if (plain === 'equal') return (f) => fact(f) === v;
    if (plain === 'notEqual') return (f) => fact(f) !== v;
    if (Array.isArray(v) && plain === 'in') return (f) => v.indexOf(fact(f)) > -1;
    if (Array.isArray(v) && plain === 'notIn') return (f) => v.indexOf(fact(f)) === -1;
    const cmp = COMPARE.get(plain);
    if (cmp !== undefined) {
      return (f) => {
        const a = fact(f);
        return numeric(a) && cmp(a as number, v as number);
      };
    }
  }
  return (f) => op(fact(f), value(f));
}

// Operators that never throw whatever they are given: strict comparisons, array look-ups behind an
// Array.isArray validator, and the date operators (typeof checks). The numeric ones convert objects to
// strings (an object without a prototype throws there), and `in` on a string value converts its fact.
const NEVER_THROW: ReadonlySet<string> = new Set([
  'equal',
  'notEqual',
  'contains',
  'doesNotContain',
  'dateBefore',
  'dateAfter',
  'withinDays',
  'daysUntil',
]);

/** Whether a leaf can never throw (so siblings in its priority set may short-circuit past it). */
function leafIsSafe(env: CompileEnv, c: Record<string, unknown>, plain: string | undefined): boolean {
  if (plain === undefined) return false;
  const hostFact = (v: unknown): boolean => typeof v === 'string' && env.syncFacts.has(v);
  if (hostFact(c.fact)) return false;
  const ref = isFactRef(c.value);
  if (ref && hostFact((c.value as Record<string, unknown>).fact)) return false;
  if (NEVER_THROW.has(plain)) return true;
  // Array.prototype.indexOf compares strictly and converts nothing.
  return (plain === 'in' || plain === 'notIn') && !ref && Array.isArray(c.value);
}

function isSafe(node: CompiledNode): boolean {
  if (node.kind === 'leaf') return node.safe;
  if (node.kind === 'not') return isSafe(node.child);
  return node.children.every(isSafe);
}

/** A predicate over the fact record. Throws where json-rules-engine's run rejects (e.g. `in` on a number). */
export type Predicate = (facts: FactRecord) => boolean;

function setPredicate(set: ReadonlyArray<Predicate>, kind: 'all' | 'any', safe: boolean): Predicate {
  // json-rules-engine evaluates a priority set as a whole (Promise.all), then combines: no short circuit
  // inside a set, so an error in any member surfaces, as it does there. A set none of whose members can
  // throw gives the same answer with a short circuit, so it takes one.
  if (set.length === 1) {
    const only = set[0]!;
    return (f) => only(f) === true;
  }
  if (safe) return shortCircuit(set, kind);
  if (set.length === 2) {
    const [a, b] = set as [Predicate, Predicate];
    return kind === 'all'
      ? (f) => {
          const x = a(f) === true;
          const y = b(f) === true;
          return x && y;
        }
      : (f) => {
          const x = a(f) === true;
          const y = b(f) === true;
          return x || y;
        };
  }
  return (f) => {
    let out = kind === 'all';
    for (const p of set) {
      const r = p(f) === true;
      out = kind === 'all' ? out && r : out || r;
    }
    return out;
  };
}

function shortCircuit(set: ReadonlyArray<Predicate>, kind: 'all' | 'any'): Predicate {
  if (set.length === 2) {
    const [a, b] = set as [Predicate, Predicate];
    return kind === 'all' ? (f) => a(f) === true && b(f) === true : (f) => a(f) === true || b(f) === true;
  }
  if (set.length === 3) {
    const [a, b, c] = set as [Predicate, Predicate, Predicate];
    return kind === 'all'
      ? (f) => a(f) === true && b(f) === true && c(f) === true
      : (f) => a(f) === true || b(f) === true || c(f) === true;
  }
  return kind === 'all' ? (f) => set.every((p) => p(f) === true) : (f) => set.some((p) => p(f) === true);
}

function groupPredicate(node: Extract<CompiledNode, { kind: 'all' | 'any' }>): Predicate {
  const { kind } = node;
  if (node.children.length === 0) return () => true;
  // A single condition is returned as it is (json-rules-engine's prioritizeAndRun does not compare it to true).
  if (node.children.length === 1) return toPredicate(node.children[0]!);
  const sets = node.sets.map((set) => setPredicate(set.map(toPredicate), kind, set.every(isSafe)));
  if (sets.length === 1) return sets[0]!;
  return (f) => {
    for (const s of sets) {
      const r = s(f);
      if (kind === 'all' && !r) return false;
      if (kind === 'any' && r) return true;
    }
    return kind === 'all';
  };
}

/**
 * Turns a compiled tree into one closure.
 *
 * @example
 * ```ts
 * const pass = toPredicate(compileNode(rule.conditions, env));
 * if (pass({ event, resource, transition, provider, now, status })) fire();
 * ```
 */
export function toPredicate(node: CompiledNode): Predicate {
  switch (node.kind) {
    case 'leaf':
      return leafPredicate(node);
    case 'not': {
      const child = toPredicate(node.child);
      return (f) => !child(f);
    }
    default: {
      const inner = groupPredicate(node);
      // Boolean conditions report `=== true` to their parent, like json-rules-engine's evaluateCondition.
      return (f) => inner(f) === true;
    }
  }
}

/** One condition's outcome, for `explain`. */
export interface ConditionTrace {
  readonly condition: Readonly<Record<string, unknown>>;
  readonly result: boolean | undefined;
  readonly factValue?: unknown;
  readonly value?: unknown;
  readonly children?: ReadonlyArray<ConditionTrace>;
}

function traceGroup(node: Extract<CompiledNode, { kind: 'all' | 'any' }>, facts: FactRecord): ConditionTrace {
  const traces = new Map<CompiledNode, ConditionTrace>();
  let out: boolean;
  if (node.children.length === 0) out = true;
  else if (node.children.length === 1) {
    const t = trace(node.children[0]!, facts);
    traces.set(node.children[0]!, t);
    out = t.result === true;
  } else {
    out = node.kind === 'all';
    for (const set of node.sets) {
      if ((node.kind === 'all' && !out) || (node.kind === 'any' && out)) break;
      const results = set.map((c) => {
        const t = trace(c, facts);
        traces.set(c, t);
        return t.result === true;
      });
      out = node.kind === 'all' ? results.every(Boolean) : results.some(Boolean);
    }
  }
  const children = node.children.map((c) => traces.get(c) ?? { condition: c.source, result: undefined });
  return { condition: node.source, result: out, children };
}

/**
 * Evaluates a compiled tree and records each condition's fact value and result (conditions skipped by a
 * short circuit have `result: undefined`).
 *
 * @example
 * ```ts
 * const t = trace(node, facts); console.log(t.result, t.children?.[0]?.factValue);
 * ```
 */
export function trace(node: CompiledNode, facts: FactRecord): ConditionTrace {
  switch (node.kind) {
    case 'leaf': {
      const factValue = node.fact(facts);
      const value = node.value(facts);
      return { condition: node.source, result: node.op(factValue, value), factValue, value };
    }
    case 'not': {
      const child = trace(node.child, facts);
      return { condition: node.source, result: !child.result, children: [child] };
    }
    default:
      return traceGroup(node, facts);
  }
}
