import fc from 'fast-check';

/** The part of a zod 4 schema this module reads: its `_zod.def` tree and `safeParse`. */
export interface SchemaLike {
  readonly _zod: { readonly def: SchemaDef };
  safeParse(value: unknown): { readonly success: boolean };
}

interface SchemaDef {
  readonly type: string;
  readonly [key: string]: unknown;
}

interface Check {
  readonly _zod: { readonly def: { readonly check: string; readonly [k: string]: unknown } };
}

const MAX_DEPTH = 4;

const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const word = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_'.split('')),
  maxLength: 12,
});

function sub(def: SchemaDef, key: string): SchemaLike {
  return def[key] as SchemaLike;
}

function checksOf(def: SchemaDef): Array<Check['_zod']['def']> {
  const checks = (def.checks as ReadonlyArray<Check> | undefined) ?? [];
  return checks.map((c) => c._zod.def);
}

// Built on first use: `fc.webUrl()` alone takes about a second to construct, which every importer of this
// package paid at load time while no built-in catalog has a URL field.
const FORMATS: Readonly<Record<string, () => fc.Arbitrary<string>>> = {
  email: () => fc.emailAddress(),
  url: () => fc.webUrl(),
  uuid: () => fc.uuid(),
  datetime: () =>
    fc
      .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
      .map((ms) => new Date(ms).toISOString()),
  date: () =>
    fc
      .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
      .map((ms) => new Date(ms).toISOString().slice(0, 10)),
};
const formats = new Map<string, fc.Arbitrary<string>>();

function formatArb(format: string): fc.Arbitrary<string> | undefined {
  const make = Object.hasOwn(FORMATS, format) ? FORMATS[format] : undefined;
  if (make === undefined) return undefined;
  let arb = formats.get(format);
  if (arb === undefined) {
    arb = make();
    formats.set(format, arb);
  }
  return arb;
}

function stringArb(def: SchemaDef): fc.Arbitrary<string> {
  const format = typeof def.format === 'string' ? formatArb(def.format) : undefined;
  if (format) return format;
  if (def.pattern instanceof RegExp) return fc.stringMatching(def.pattern);
  let minLength = 0;
  let maxLength = 12;
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') minLength = Number(c.minimum);
    if (c.check === 'max_length') maxLength = Number(c.maximum);
    if (c.check === 'length_equals') minLength = maxLength = Number(c.length);
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

function numberArb(def: SchemaDef): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let int = false;
  for (const c of checksOf(def)) {
    if (c.check === 'number_format') int = String(c.format).includes('int');
    if (c.check === 'greater_than') min = Number(c.value) + (c.inclusive ? 0 : 1);
    if (c.check === 'less_than') max = Number(c.value) - (c.inclusive ? 0 : 1);
  }
  return int
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true });
}

function objectArb(def: SchemaDef, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const shape = def.shape as Readonly<Record<string, SchemaLike>>;
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const key of Object.keys(shape)) {
    const field = shape[key]!;
    fields[key] = arbitraryOf(field, depth + 1);
    if (!isOptional(field)) required.push(key);
  }
  return fc.record(fields, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

function isOptional(schema: SchemaLike): boolean {
  const type = schema._zod.def.type;
  return type === 'optional' || type === 'default' || type === 'undefined';
}

function build(schema: SchemaLike, depth: number): fc.Arbitrary<unknown> {
  const def = schema._zod.def;
  const deeper = depth >= MAX_DEPTH;
  switch (def.type) {
    case 'string':
      return stringArb(def);
    case 'number':
      return numberArb(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'literal':
      return fc.constantFrom(...(def.values as ReadonlyArray<unknown>));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'optional':
    case 'default':
    case 'prefault':
      return arbitraryOf(sub(def, 'innerType'), depth);
    case 'nullable':
      return fc.option(arbitraryOf(sub(def, 'innerType'), depth), { nil: null, freq: 4 });
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return arbitraryOf(sub(def, 'innerType'), depth);
    case 'pipe':
      return arbitraryOf(sub(def, 'in'), depth);
    case 'lazy':
      return deeper ? json : arbitraryOf((def.getter as () => SchemaLike)(), depth + 1);
    case 'union':
      return fc.oneof(...(def.options as ReadonlyArray<SchemaLike>).map((o) => arbitraryOf(o, depth)));
    case 'array':
      return deeper
        ? fc.constant([])
        : fc.array(arbitraryOf(sub(def, 'element'), depth + 1), { maxLength: 3 });
    case 'tuple':
      return fc.tuple(...(def.items as ReadonlyArray<SchemaLike>).map((i) => arbitraryOf(i, depth + 1)));
    case 'record':
      return deeper
        ? fc.constant({})
        : fc.dictionary(word, arbitraryOf(sub(def, 'valueType'), depth + 1), { maxKeys: 3 });
    case 'object':
      return objectArb(def, depth);
    default:
      return json;
  }
}

/**
 * An arbitrary of values a zod 4 schema accepts. It reads the schema's definition (objects, strings with
 * their formats and lengths, numbers, unions, enums, literals, optional/nullable, arrays, records) and
 * filters through `safeParse`, so refinements it cannot read only cost rejected samples.
 */
export function arbitraryOf(schema: SchemaLike, depth = 0): fc.Arbitrary<unknown> {
  const arb = build(schema, depth);
  return depth === 0 ? arb.filter((v) => schema.safeParse(v).success) : arb;
}
