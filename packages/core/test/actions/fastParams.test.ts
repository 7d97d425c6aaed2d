import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { emitAction, logAction } from '../../src/actions/builtins.js';
import { fastParamsOf } from '../../src/actions/fastParams.js';
import type { ActionDefinition } from '../../src/actions/types.js';

// Values near each schema's edges: the right keys with wrong types, extra keys, odd prototypes, undefined.
const value = fc.oneof(
  fc.constantFrom('', 'hi', 'info', 'warn', 'debug', 'error', 'INFO', 0, 1, true, null, undefined),
  fc.string({ maxLength: 4 }),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const keys = fc.constantFrom('message', 'level', 'data', 'name', 'payload', 'other', 'toString');
const record = fc.oneof(
  fc.dictionary(keys, value, { maxKeys: 4 }),
  // Each schema's own keys, any of them missing: the shapes a rule's params take.
  fc.record({ message: value, level: value, data: value }, { requiredKeys: [] }),
  fc.record({ name: value, payload: value }, { requiredKeys: [] }),
);
const params = fc.oneof(
  record,
  record.map((r) => Object.assign(Object.create(null), r) as unknown),
  record.map((r) => Object.assign(new (class Params {})(), r) as unknown),
  value,
);

function agreesWithZod(def: ActionDefinition, p: unknown): void {
  const fast = fastParamsOf(def)!(p);
  if (fast === undefined) return;
  const parsed = def.params.safeParse(p);
  expect(parsed.success).toBe(true);
  expect(fast).toStrictEqual(parsed.data);
}

describe('fast params of the built-in actions', () => {
  test.prop([params], { numRuns: 2000, seed: 5 })(
    'log: whatever the fast reading gives, zod gives too',
    (p) => agreesWithZod(logAction as ActionDefinition, p),
  );

  test.prop([params], { numRuns: 2000, seed: 5 })(
    'emit: whatever the fast reading gives, zod gives too',
    (p) => agreesWithZod(emitAction as ActionDefinition, p),
  );

  test('they read the params rules render, defaults included', () => {
    const log = fastParamsOf(logAction as ActionDefinition)!;
    expect(log({ message: 'quote q_1 needs action' })).toStrictEqual({
      message: 'quote q_1 needs action',
      level: 'info',
    });
    expect(log({ message: 'm', level: 'warn', data: { a: 1 } })).toStrictEqual({
      message: 'm',
      level: 'warn',
      data: { a: 1 },
    });
    const emit = fastParamsOf(emitAction as ActionDefinition)!;
    expect(emit({ name: 'quote.stuck', payload: 3 })).toStrictEqual({ name: 'quote.stuck', payload: 3 });
  });

  test('anything else is left to zod, which explains it', () => {
    const log = fastParamsOf(logAction as ActionDefinition)!;
    expect(log({ message: 1 })).toBeUndefined();
    expect(log({ message: 'm', level: 'loud' })).toBeUndefined();
    // zod would strip the extra key; the fast reading does not guess.
    expect(log({ message: 'm', extra: true })).toBeUndefined();
    expect(fastParamsOf(emitAction as ActionDefinition)!({ name: '' })).toBeUndefined();
  });
});
