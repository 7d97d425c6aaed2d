import { parseTimestamp } from '../internal/envelope.js';

/** A comparison of a fact value (left) with a condition value (right), as json-rules-engine calls it. */
export type OperatorFn = (factValue: unknown, value: unknown) => boolean;

/** An operator as json-rules-engine defines one: a callback guarded by a validator of the fact value. */
export interface OperatorDef {
  readonly name: string;
  readonly cb: OperatorFn;
  readonly validator: (factValue: unknown) => boolean;
}

/** A decorator (`someFact:`, `not:`, …) wraps the next operator, as json-rules-engine's decorators do. */
export interface DecoratorDef {
  readonly name: string;
  readonly cb: (factValue: unknown, value: unknown, next: OperatorFn) => boolean;
  readonly validator: (factValue: unknown) => boolean;
}

const always = (): boolean => true;
const isArray = (v: unknown): boolean => Array.isArray(v);

// json-rules-engine calls `.indexOf` on whatever it gets; so do we, so a type mismatch fails (or throws)
// exactly as it does there. The casts are the point: same call, same outcome.
type Indexable = { indexOf(v: unknown): number };
const indexOf = (list: unknown, item: unknown): number => (list as Indexable).indexOf(item);

function numberValidator(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

function op(name: string, cb: OperatorFn, validator: (v: unknown) => boolean = always): OperatorDef {
  return { name, cb, validator };
}

/**
 * json-rules-engine's ten default operators, with the same callbacks and validators.
 *
 * @example
 * ```ts
 * defaultOperators.find((o) => o.name === 'in')!.cb('a', ['a', 'b']); // true
 * ```
 */
export const defaultOperators: ReadonlyArray<OperatorDef> = [
  op('equal', (a, b) => a === b),
  op('notEqual', (a, b) => a !== b),
  op('in', (a, b) => indexOf(b, a) > -1),
  op('notIn', (a, b) => indexOf(b, a) === -1),
  op('contains', (a, b) => indexOf(a, b) > -1, isArray),
  op('doesNotContain', (a, b) => indexOf(a, b) === -1, isArray),
  op('lessThan', (a, b) => (a as number) < (b as number), numberValidator),
  op('lessThanInclusive', (a, b) => (a as number) <= (b as number), numberValidator),
  op('greaterThan', (a, b) => (a as number) > (b as number), numberValidator),
  op('greaterThanInclusive', (a, b) => (a as number) >= (b as number), numberValidator),
];

type Some = { some(f: (x: unknown) => boolean): boolean; every(f: (x: unknown) => boolean): boolean };

/**
 * json-rules-engine's default decorators.
 *
 * @example
 * ```ts
 * defaultDecorators.map((d) => d.name); // ['someFact', 'someValue', 'everyFact', 'everyValue', 'swap', 'not']
 * ```
 */
export const defaultDecorators: ReadonlyArray<DecoratorDef> = [
  { name: 'someFact', cb: (f, v, next) => (f as Some).some((x) => next(x, v)), validator: isArray },
  { name: 'someValue', cb: (f, v, next) => (v as Some).some((x) => next(f, x)), validator: always },
  { name: 'everyFact', cb: (f, v, next) => (f as Some).every((x) => next(x, v)), validator: isArray },
  { name: 'everyValue', cb: (f, v, next) => (v as Some).every((x) => next(f, x)), validator: always },
  { name: 'swap', cb: (f, v, next) => next(v, f), validator: always },
  { name: 'not', cb: (f, v, next) => !next(f, v), validator: always },
];

const DAY = 86_400_000;

function isDate(value: unknown): boolean {
  return parseTimestamp(value) !== undefined;
}

/** Whole days from `now` until `date` (negative once past). */
function daysBetween(now: number, date: number): number {
  return Math.floor((date - now) / DAY);
}

function withinDays(now: number, date: number, days: unknown): boolean {
  if (typeof days !== 'number' || !Number.isFinite(days)) return false;
  const delta = date - now;
  return days >= 0 ? delta >= 0 && delta <= days * DAY : delta <= 0 && delta >= days * DAY;
}

function daysUntilMatches(days: number, value: unknown): boolean {
  if (typeof value === 'number') return days === value;
  if (Array.isArray(value) && value.length === 2) {
    const [min, max] = value as [unknown, unknown];
    return (typeof min !== 'number' || days >= min) && (typeof max !== 'number' || days <= max);
  }
  return false;
}

/**
 * Insurance operators on dates written as ISO-8601 or Unix values. `withinDays` and `daysUntil` measure from
 * the engine clock's now, so a simulated clock drives them in tests.
 *
 * - `dateBefore` / `dateAfter`: the fact's date is before / after the value's date.
 * - `withinDays: 30`: the date is between now and 30 days ahead (`-30`: within the last 30 days).
 * - `daysUntil: 7`: exactly 7 whole days remain; `daysUntil: [0, 7]`: between 0 and 7 (either end may be null).
 *
 * @example
 * ```ts
 * const ops = insuranceOperators(() => Date.now());
 * ops.find((o) => o.name === 'withinDays')!.cb('2030-01-01T00:00:00Z', 30); // false until late 2029
 * ```
 */
export function insuranceOperators(now: () => number): ReadonlyArray<OperatorDef> {
  const date = (v: unknown): number => parseTimestamp(v) as number;
  return [
    op('dateBefore', (a, b) => isDate(b) && date(a) < date(b), isDate),
    op('dateAfter', (a, b) => isDate(b) && date(a) > date(b), isDate),
    op('withinDays', (a, b) => withinDays(now(), date(a), b), isDate),
    op('daysUntil', (a, b) => daysUntilMatches(daysBetween(now(), date(a)), b), isDate),
  ];
}

/** Operators and decorators known to one engine: the built-ins plus the host's (custom ones are not compiled). */
export interface OperatorSet {
  readonly builtin: ReadonlyMap<string, OperatorDef>;
  readonly custom: ReadonlyMap<string, OperatorFn>;
  readonly decorators: ReadonlyMap<string, DecoratorDef>;
}

/**
 * Builds the operator set of an engine.
 *
 * @example
 * ```ts
 * const ops = createOperatorSet(() => clock.now(), { startsWith: (a, b) => String(a).startsWith(String(b)) });
 * ```
 */
export function createOperatorSet(
  now: () => number,
  custom: Readonly<Record<string, OperatorFn>> = {},
): OperatorSet {
  const builtin = new Map<string, OperatorDef>();
  for (const o of [...defaultOperators, ...insuranceOperators(now)]) builtin.set(o.name, o);
  return {
    builtin,
    custom: new Map(Object.entries(custom)),
    decorators: new Map(defaultDecorators.map((d) => [d.name, d])),
  };
}

/** An operator name resolved as json-rules-engine resolves it: decorators (outermost first) and a base name. */
export interface ResolvedOperator {
  readonly decorators: ReadonlyArray<DecoratorDef>;
  readonly base: string;
  readonly custom: boolean;
}

/**
 * Resolves `not:someFact:equal` the way json-rules-engine's `OperatorMap.get` does, or undefined when unknown.
 *
 * @example
 * ```ts
 * resolveOperator(ops, 'not:contains')?.base; // 'contains'
 * ```
 */
export function resolveOperator(set: OperatorSet, name: string): ResolvedOperator | undefined {
  const decorators: DecoratorDef[] = [];
  let rest = name;
  while (!set.builtin.has(rest) && !set.custom.has(rest)) {
    const i = rest.indexOf(':');
    if (i <= 0) return undefined;
    const decorator = set.decorators.get(rest.slice(0, i));
    if (decorator === undefined) return undefined;
    decorators.push(decorator);
    rest = rest.slice(i + 1);
  }
  // A host operator shadows a built-in of the same name, as addOperator does in json-rules-engine.
  return { decorators, base: rest, custom: set.custom.has(rest) };
}

/**
 * The evaluate function of a built-in (possibly decorated) operator, composed exactly as json-rules-engine
 * composes it: `validator(fact) && cb(fact, value)`, innermost first.
 *
 * @example
 * ```ts
 * const f = evaluatorOf(ops, resolveOperator(ops, 'someFact:equal')!); f([1, 2], 2); // true
 * ```
 */
export function evaluatorOf(set: OperatorSet, resolved: ResolvedOperator): OperatorFn {
  const base = set.builtin.get(resolved.base);
  if (base === undefined) throw new Error(`operator ${resolved.base} is not built in`);
  let fn: OperatorFn = (a, b) => base.validator(a) && base.cb(a, b);
  for (let i = resolved.decorators.length - 1; i >= 0; i--) {
    const d = resolved.decorators[i]!;
    const next = fn;
    fn = (a, b) => d.validator(a) && d.cb(a, b, next);
  }
  return fn;
}
