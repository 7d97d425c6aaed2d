import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { compileAccepts, compileAcceptsLooped } from '../../src/internal/accepts.js';
import { kota } from '../../src/providers/kota.js';
import { ten99policy } from '../../src/providers/ten99policy.js';

const fixtures = fileURLToPath(new URL('../../../testing/fixtures/', import.meta.url));

/** Every `data` in the fixtures (unwrapped from `data.object`): realistic values to mutate. */
function fixtureData(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const file of [
    'kota-v1.ndjson',
    'kota-v2.ndjson',
    'ten99policy.ndjson',
    'ten99policy-variants.ndjson',
  ]) {
    for (const line of readFileSync(fixtures + file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const data = (JSON.parse(line) as { data?: Record<string, unknown> }).data;
      if (data === undefined) continue;
      const inner = data.object;
      out.push(typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : data);
    }
  }
  return out;
}

const leaf = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '', 'x'),
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom('title', 'link', 'result', 'message', 'a'),
    fc.oneof(fc.string(), fc.constant(null), fc.boolean()),
    { maxKeys: 3 },
  ),
);

/** A fixture's data with a few fields deleted or replaced (often by the wrong type), or something else entirely. */
function mutated(samples: ReadonlyArray<Record<string, unknown>>): fc.Arbitrary<unknown> {
  const edit = fc.tuple(
    fc.nat(),
    fc.oneof(
      fc.constant({ delete: true as const }),
      leaf.map((value) => ({ value })),
    ),
  );
  const edited = fc
    .tuple(fc.constantFrom(...samples), fc.array(edit, { maxLength: 3 }))
    .map(([sample, edits]) => {
      const copy: Record<string, unknown> = { ...sample };
      const keys = Object.keys(copy);
      for (const [i, e] of edits) {
        const key = keys.length > 0 && i % 5 !== 0 ? keys[i % keys.length]! : `extra_${i % 3}`;
        if ('delete' in e) delete copy[key];
        else copy[key] = e.value;
      }
      return copy;
    });
  return fc.oneof(
    { weight: 6, arbitrary: edited },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: leaf },
  );
}

const schemas = new Map<string, z.ZodType>();
for (const catalog of [kota(), ten99policy()]) {
  for (const entry of catalog.events.values()) schemas.set(`${catalog.provider} ${entry.type}`, entry.data);
}

const tree: z.ZodType = z.object({
  n: z.number(),
  get kids() {
    return z.array(tree).optional();
  },
});

describe('compileAccepts', () => {
  const samples = fixtureData();

  test.prop([fc.constantFrom(...schemas.keys()), mutated(samples)], { numRuns: 4000 })(
    'agrees with zod’s safeParse on every built-in schema',
    (name, value) => {
      const schema = schemas.get(name)!;
      const zod = schema.safeParse(value).success;
      expect(compileAccepts(schema)(value)).toBe(zod);
      expect(compileAcceptsLooped(schema)(value)).toBe(zod);
    },
  );

  const constructs: Record<string, z.ZodType> = {
    strict: z.strictObject({ a: z.string() }),
    stripping: z.object({ a: z.string().optional(), b: z.number() }),
    withChecks: z.object({ a: z.string().min(2), n: z.number().int() }),
    defaulted: z.object({ a: z.string().default('x').optional() }),
    unknownField: z.object({ a: z.unknown(), b: z.any() }),
    nullish: z.object({ a: z.string().nullish(), b: z.null() }),
    record: z.object({ m: z.record(z.string(), z.unknown()).nullable() }),
    union: z.union([z.number(), z.string(), z.array(z.boolean())]),
    xor: z.xor([z.string(), z.string().min(1)]),
    literal: z.object({ kind: z.literal('a'), e: z.enum(['x', 'y']).optional() }),
    coerced: z.object({ n: z.coerce.number() }),
    catchallNumber: z.object({ a: z.string() }).catchall(z.number()),
    // Keys that are not identifiers: the generated code quotes them.
    oddKeys: z.object({ 'a"b\\': z.string().optional(), '\u2028': z.number().nullable() }),
    // Keys zod treats by its own rules, left to zod.
    protoKey: z.object({ ['__proto__']: z.string() }),
    symbolKey: z.object({ [Symbol.for('k')]: z.string() }),
    // Keys that `{}` inherits, met by inputs with and without a prototype.
    inheritedKeys: z.object({ constructor: z.string().optional(), toString: z.unknown() }),
    exactOptional: z.object({ a: z.string().exactOptional(), b: z.number().exactOptional().nullable() }),
    recursive: tree,
    nested: z.object({ a: z.object({ n: z.number().optional() }).nullable(), b: z.array(z.string()) }),
  };
  const record = fc.record(
    {
      a: leaf,
      b: leaf,
      n: leaf,
      m: leaf,
      kind: fc.constantFrom('a', 'b', 1),
      e: fc.constantFrom('x', 'z', undefined),
      extra: leaf,
      'a"b\\': leaf,
      '\u2028': leaf,
      constructor: leaf,
      toString: leaf,
      kids: fc.constantFrom(undefined, [], [{ n: 1 }], [{ n: 1, kids: [{ n: 'x' }] }], [{}]),
    },
    { requiredKeys: [] },
  );
  const anyValue = fc.oneof(
    leaf,
    fc.anything(),
    record,
    // The same keys on an object without a prototype: nothing is inherited.
    record.map((r) => Object.assign(Object.create(null) as object, r)),
  );

  test.prop([fc.constantFrom(...Object.keys(constructs)), anyValue], { numRuns: 4000 })(
    'agrees with zod on every schema kind, compiled or left to zod',
    (name, value) => {
      const schema = constructs[name]!;
      const zod = schema.safeParse(value).success;
      expect(compileAccepts(schema)(value)).toBe(zod);
      expect(compileAcceptsLooped(schema)(value)).toBe(zod);
    },
  );
});
