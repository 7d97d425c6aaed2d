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
  ])('parseTimestamp(%j) is undefined', (input) => {
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
