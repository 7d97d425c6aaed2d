import { test as propTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isPolicyflowError } from '../../src/errors.js';
import {
  canonicalJson,
  hashEventBody,
  isRecord,
  normalizeApiVersion,
  parseTimestamp,
  readStandardEnvelope,
} from '../../src/internal/envelope.js';

/** The recursive form canonicalJson replaced: its output is the contract, since stored ids are hashes of it. */
function recursiveCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursiveCanonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${recursiveCanonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('envelope', () => {
  test.each([
    [1696015731, 1696015731000],
    ['1696015731', 1696015731000],
    [1696015731000, 1696015731000],
    ['2024-12-01T00:56:00Z', Date.UTC(2024, 11, 1, 0, 56)],
    ['2024-12-01T01:56:00+01:00', Date.UTC(2024, 11, 1, 0, 56)],
    ['2023-09-29T19:26:32.500931', Date.UTC(2023, 8, 29, 19, 26, 32, 500)],
    ['2024-03-10', Date.UTC(2024, 2, 10)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2024-01-01Z', Date.UTC(2024, 0, 1)],
    ['2024-03-10 10:00:00Z', Date.UTC(2024, 2, 10, 10)],
    ['2024-03-10t10:00', Date.UTC(2024, 2, 10, 10)],
    ['2024-03-10T10:00:00.123456+0100', Date.UTC(2024, 2, 10, 9, 0, 0, 123)],
  ])('parseTimestamp(%j) = %d', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  // Date.parse reads each of these (as 1 May 2001, 2042, 1 March, …): none is a date a provider or a rule means.
  test.each([
    [-1],
    ['soon'],
    [''],
    [null],
    [Number.NaN],
    ['policy 5'],
    ['-5'],
    ['pending 1'],
    ['id 42'],
    ['1/2'],
    ['Fri, 29 Sep 2023 19:26:32 GMT'],
    ['2023-02-29'],
    ['2023-02-31T00:00:00Z'],
    ['2024-13-01'],
    ['2024-01-01T24:00:00Z'],
    ['2024-01-01T10:60'],
    [8.64e15 + 1],
    [1e16],
    [1e300],
    ['10000000000000000'],
  ])('parseTimestamp(%j) is undefined', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });

  test('the latest time a Date can hold is still a timestamp', () => {
    expect(parseTimestamp(8.64e15)).toBe(8.64e15);
  });

  test("a timestamp past Date's range makes the envelope invalid at `created`", () => {
    expect(readStandardEnvelope({ type: 't', created: 1e16, data: {} })).toMatchObject({
      code: 'invalid_envelope',
      path: ['created'],
    });
  });

  test('`created: null` falls back to `created_at`', () => {
    const env = readStandardEnvelope({
      type: 't',
      created: null,
      created_at: '2024-01-01T00:00:00Z',
      data: {},
    });
    expect(env).toMatchObject({ occurredAt: Date.UTC(2024, 0, 1) });
    expect(readStandardEnvelope({ type: 't', created: null, data: {} })).toMatchObject({
      code: 'invalid_envelope',
      path: ['created'],
    });
  });

  test('api versions normalize to v1/v2', () => {
    expect([
      normalizeApiVersion('1.0'),
      normalizeApiVersion('V2'),
      normalizeApiVersion('V1'),
      normalizeApiVersion('v2'),
      normalizeApiVersion('2'),
      normalizeApiVersion('2024-04-01'),
    ]).toEqual(['v1', 'v2', 'v1', 'v2', 'v2', '2024-04-01']);
  });

  test('data.object is unwrapped only when it is an object', () => {
    const a = readStandardEnvelope({ type: 't', created: 1, data: { object: { id: 'x' } } });
    const b = readStandardEnvelope({ type: 't', created: 1, data: { object: 'employee', id: 'y' } });
    expect(a).toMatchObject({ data: { id: 'x' } });
    expect(b).toMatchObject({ data: { object: 'employee', id: 'y' } });
  });

  test('the body hash ignores key order and white space', () => {
    expect(hashEventBody({ a: 1, b: [1, { d: 2, c: 3 }] })).toBe(
      hashEventBody({ b: [1, { c: 3, d: 2 }], a: 1 }),
    );
    expect(hashEventBody({ a: 1 })).not.toBe(hashEventBody({ a: 2 }));
  });

  propTest.prop([fc.jsonValue()], { numRuns: 2000 })(
    'canonical JSON is what the recursive form wrote',
    (v) => {
      expect(canonicalJson(v)).toBe(recursiveCanonical(v));
    },
  );

  test('canonical JSON keeps the recursive form for values JSON does not have', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const holey = [1, , 3];
    const odd = { u: undefined, f: () => 1, s: Symbol('s'), n: Number.NaN, d: new Date(0), a: [undefined] };
    for (const v of [holey, odd, undefined, 'x', -0]) expect(canonicalJson(v)).toBe(recursiveCanonical(v));
  });

  test('canonical JSON of a body nested deeper than the call stack goes', () => {
    const depth = 100_000;
    const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(canonicalJson(JSON.parse(arrays))).toBe(arrays);
    const objects = `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
    expect(canonicalJson(JSON.parse(objects))).toBe(objects);
  });

  test('a cycle or a BigInt is an invalid_envelope error value that says where; a shared object is fine', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
    const cyclic: Record<string, unknown> = { type: 't', data: { list: [0] } };
    (cyclic.data as { list: unknown[] }).list.push(cyclic);
    expect(canonicalJson(cyclic)).toMatchObject({ code: 'invalid_envelope', path: ['data', 'list', 1] });
    expect(canonicalJson({ data: { n: 10n } })).toMatchObject({
      code: 'invalid_envelope',
      path: ['data', 'n'],
    });
    let thrown: unknown;
    try {
      hashEventBody(cyclic);
    } catch (e) {
      thrown = e;
    }
    expect(isPolicyflowError(thrown, 'invalid_envelope')).toBe(true);
  });
});
