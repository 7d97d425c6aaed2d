import { describe, expect, test } from 'vitest';
import {
  hashEventBody,
  normalizeApiVersion,
  parseTimestamp,
  readStandardEnvelope,
} from '../../src/internal/envelope.js';

describe('envelope', () => {
  test.each([
    [1696015731, 1696015731000],
    ['1696015731', 1696015731000],
    [1696015731000, 1696015731000],
    ['2024-12-01T00:56:00Z', Date.UTC(2024, 11, 1, 0, 56)],
    ['2024-12-01T01:56:00+01:00', Date.UTC(2024, 11, 1, 0, 56)],
    ['2023-09-29T19:26:32.500931', Date.UTC(2023, 8, 29, 19, 26, 32, 500)],
  ])('parseTimestamp(%j) = %d', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  test.each([[-1], ['soon'], [''], [null], [Number.NaN]])('parseTimestamp(%j) is undefined', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });

  test('api versions normalize to v1/v2', () => {
    expect([
      normalizeApiVersion('1.0'),
      normalizeApiVersion('V2'),
      normalizeApiVersion('2024-04-01'),
    ]).toEqual(['v1', 'v2', '2024-04-01']);
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
});
