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

const compiled = new WeakMap<z.ZodType, Accepts>();

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
  let fn = compiled.get(schema);
  if (fn === undefined) {
    fn = compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

function compile(schema: z.ZodType): Accepts {
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
      return compileOptional(schema, def);
    case 'nullable': {
      const inner = compileAccepts(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'union':
      return def.inclusive === false ? viaZod(schema) : compileUnion(def.options!);
    case 'array':
      return compileArray(compileAccepts(def.element!));
    case 'object':
      return compileObject(schema, def);
    default:
      return viaZod(schema);
  }
}

function compileOptional(schema: z.ZodType, def: Def): Accepts {
  // A defaulted inner schema substitutes a value for undefined, and that value must pass: zod's business.
  if (innerOptin(def.innerType!) === 'defaulted') return viaZod(schema);
  const inner = compileAccepts(def.innerType!);
  return (v) => v === undefined || inner(v);
}

function innerOptin(schema: z.ZodType): string | undefined {
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin;
}

function compileUnion(options: ReadonlyArray<z.ZodType>): Accepts {
  const each = options.map(compileAccepts);
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

function compileObject(schema: z.ZodType, def: Def): Accepts {
  // Unknown keys: a loose object takes any, a stripping one ignores them; anything stricter is zod's.
  const catchall = def.catchall === undefined ? undefined : defOf(def.catchall)?.type;
  if (catchall !== undefined && catchall !== 'unknown' && catchall !== 'any') return viaZod(schema);
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  const fields = keys.map((key) => compileAccepts(shape[key]!));
  // Whether a key may be absent depends on the field schema only (zod's optin/optout rules), so ask zod once.
  const absentOk = keys.map((key) => z.looseObject({ [key]: shape[key]! }).safeParse({}).success);
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
