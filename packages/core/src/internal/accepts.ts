import { z } from 'zod';

/** A predicate that says whether a value passes a schema, nothing else. */
export type Accepts = (value: unknown) => boolean;

/** The parts of a zod schema's definition the compiler reads. */
interface Def {
  readonly type: string;
  readonly checks?: ReadonlyArray<unknown>;
  readonly coerce?: boolean;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: ReadonlyArray<z.ZodType>;
  readonly inclusive?: boolean;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
}

/** Compiled predicates by schema: one cache with generated object checks, one with loops (see below). */
const compiled = { generated: new WeakMap<z.ZodType, Accepts>(), looped: new WeakMap<z.ZodType, Accepts>() };

/** Optional and nullable predicates, with what they wrap, so that generated code can write them in place. */
const wrappers = new WeakMap<Accepts, { readonly also: 'void 0' | 'null'; readonly inner: Accepts }>();

const always: Accepts = () => true;
const isString: Accepts = (v) => typeof v === 'string';
const isBoolean: Accepts = (v) => typeof v === 'boolean';
// zod 4's z.number() takes finite numbers only.
const isNumber: Accepts = (v) => typeof v === 'number' && Number.isFinite(v);
const isNull: Accepts = (v) => v === null;

function viaZod(schema: z.ZodType): Accepts {
  return (v) => schema.safeParse(v).success;
}

function defOf(schema: z.ZodType): Def | undefined {
  return (schema as unknown as { _zod?: { def?: Def } })._zod?.def;
}

/**
 * `schema.safeParse(v).success` as a plain predicate, for the schema kinds catalogs are made of (strings,
 * numbers, booleans, null, unknown, optional, nullable, unions, arrays, loose and stripping objects). Any
 * other kind, and any kind with checks, coercion or defaults, is left to zod for its part of the value, so the
 * answer is zod's in every case (a property test holds it to that on every built-in schema).
 *
 * Zod builds a parsed copy of every value it accepts; the engine keeps the input and only needs the verdict,
 * and zod runs again to explain a rejection.
 *
 * @example
 * ```ts
 * const accepts = compileAccepts(z.looseObject({ id: z.string(), status: z.string().optional() }));
 * accepts({ id: 'pl_1', extra: 1 }); // true
 * accepts({ status: 'active' }); // false
 * ```
 */
export function compileAccepts(schema: z.ZodType): Accepts {
  return compileWith(schema, true);
}

/**
 * The same predicate with every object checked by a loop over its keys, as on a host that forbids compiling
 * code from strings. Internal: tests hold both forms to zod.
 *
 * @example
 * ```ts
 * compileAcceptsLooped(z.object({ id: z.string() }))({ id: 'x' }); // true
 * ```
 */
export function compileAcceptsLooped(schema: z.ZodType): Accepts {
  return compileWith(schema, false);
}

function compileWith(schema: z.ZodType, generate: boolean): Accepts {
  const cache = generate ? compiled.generated : compiled.looped;
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  // A schema that contains itself (through a getter in its shape) meets its own entry while it compiles: it
  // finds a forwarder to the predicate being made rather than compiling for ever.
  let made: Accepts | undefined;
  cache.set(schema, (v) => made!(v));
  made = compile(schema, generate);
  cache.set(schema, made);
  return made;
}

function compile(schema: z.ZodType, generate: boolean): Accepts {
  const def = defOf(schema);
  if (def === undefined || (def.checks !== undefined && def.checks.length > 0) || def.coerce === true) {
    return viaZod(schema);
  }
  switch (def.type) {
    case 'string':
      return isString;
    case 'number':
      return isNumber;
    case 'boolean':
      return isBoolean;
    case 'null':
      return isNull;
    case 'unknown':
    case 'any':
      return always;
    case 'optional':
      return compileOptional(schema, def, generate);
    case 'nullable': {
      const inner = compileWith(def.innerType!, generate);
      const fn: Accepts = (v) => v === null || inner(v);
      wrappers.set(fn, { also: 'null', inner });
      return fn;
    }
    case 'union':
      return def.inclusive === false ? viaZod(schema) : compileUnion(def.options!, generate);
    case 'array':
      return compileArray(compileWith(def.element!, generate));
    case 'object':
      return compileObject(schema, def, generate);
    default:
      return viaZod(schema);
  }
}

function compileOptional(schema: z.ZodType, def: Def, generate: boolean): Accepts {
  // A defaulted inner schema substitutes a value for undefined, and that value must pass: zod's business.
  // An exact optional takes absence but not an undefined value, which only its object can tell: zod's too.
  if (innerOptin(def.innerType!) === 'defaulted' || hasTrait(schema, '$ZodExactOptional'))
    return viaZod(schema);
  const inner = compileWith(def.innerType!, generate);
  const fn: Accepts = (v) => v === undefined || inner(v);
  wrappers.set(fn, { also: 'void 0', inner });
  return fn;
}

function hasTrait(schema: z.ZodType, trait: string): boolean {
  return (schema as unknown as { _zod: { traits?: ReadonlySet<string> } })._zod.traits?.has(trait) === true;
}

function innerOptin(schema: z.ZodType): string | undefined {
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin;
}

function compileUnion(options: ReadonlyArray<z.ZodType>, generate: boolean): Accepts {
  const each = options.map((o) => compileWith(o, generate));
  return (v) => {
    for (let i = 0; i < each.length; i++) if (each[i]!(v)) return true;
    return false;
  };
}

function compileArray(element: Accepts): Accepts {
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
    return true;
  };
}

function compileObject(schema: z.ZodType, def: Def, generate: boolean): Accepts {
  // Unknown keys: a loose object takes any, a stripping one ignores them; anything stricter is zod's.
  const catchall = def.catchall === undefined ? undefined : defOf(def.catchall)?.type;
  if (catchall !== undefined && catchall !== 'unknown' && catchall !== 'any') return viaZod(schema);
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  // zod passes over a `__proto__` key by its own rules, and symbol keys are not in `Object.keys`; no catalog
  // has either, so zod keeps those cases.
  if (keys.includes('__proto__') || Object.getOwnPropertySymbols(shape).length > 0) return viaZod(schema);
  const fields = keys.map((key) => compileWith(shape[key]!, generate));
  // Whether a key may be absent depends on the field schema only (zod's optin/optout rules), so ask zod once,
  // with an object that has no prototype: `{}` would lend keys such as `constructor` a value.
  const absentOk = keys.map(
    (key) => z.looseObject({ [key]: shape[key]! }).safeParse(Object.create(null)).success,
  );
  return (
    (generate ? generateObject(keys, fields, absentOk) : undefined) ?? objectLoop(keys, fields, absentOk)
  );
}

function objectLoop(
  keys: ReadonlyArray<string>,
  fields: ReadonlyArray<Accepts>,
  absentOk: ReadonlyArray<boolean>,
): Accepts {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      // zod asks `key in input` too, so an inherited property counts as present, as it does there.
      if (key in o ? !fields[i]!(o[key]) : !absentOk[i]) return false;
    }
    return true;
  };
}

/**
 * The same check as {@link objectLoop}, written out as one function per object schema with its keys as
 * literals. A loop over keys reads every object of every schema through one property access, which V8 can
 * only treat as megamorphic (a hash probe per field); a literal key gets an access of its own that learns the
 * few shapes one event type has. Keys come from the catalog's schemas, never from event data or config, and
 * enter the source only through `JSON.stringify`, so they are string literals whatever they hold. Where
 * strings cannot be compiled (`--disallow-code-generation-from-strings`), the loop is used.
 */
function generateObject(
  keys: ReadonlyArray<string>,
  fields: ReadonlyArray<Accepts>,
  absentOk: ReadonlyArray<boolean>,
): Accepts | undefined {
  const lines = keys.map((key, i) => {
    const k = JSON.stringify(key);
    const check = inlineCheck(fields[i]!, 'x') ?? `f[${i}](x)`;
    const absent = absentOk[i] ? '' : ' else return false;';
    return `if (${k} in v) { x = v[${k}]; if (!(${check})) return false; }${absent}`;
  });
  const body = [
    "'use strict';",
    "if (typeof v !== 'object' || v === null || isArray(v)) return false;",
    'let x;',
    ...lines,
    'return true;',
  ].join('\n');
  try {
    const make = new Function('f', 'isArray', 'isFinite', `return function accepts(v) {\n${body}\n};`);
    return make(fields, Array.isArray, Number.isFinite) as Accepts;
  } catch {
    return undefined;
  }
}

/** The source of a check that the generated code can write in place of calling `fn`, when it has one. */
function inlineCheck(fn: Accepts, x: string): string | undefined {
  if (fn === isString) return `typeof ${x} === 'string'`;
  if (fn === isBoolean) return `typeof ${x} === 'boolean'`;
  if (fn === isNumber) return `typeof ${x} === 'number' && isFinite(${x})`;
  if (fn === isNull) return `${x} === null`;
  if (fn === always) return 'true';
  const wrap = wrappers.get(fn);
  if (wrap === undefined) return undefined;
  const inner = inlineCheck(wrap.inner, x);
  return inner === undefined ? undefined : `${x} === ${wrap.also} || (${inner})`;
}
