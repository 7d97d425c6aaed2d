import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { readIsoTime } from '../../src/internal/isoTime.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** ISO-like strings around the fast shape: in-range and out-of-range parts, fractions and zones of every kind. */
const isoLike = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1970, 2000, 2024, 2100)),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.[0-9]{1,9}$/)),
    zone: fc.oneof(
      fc.constantFrom('', 'Z', 'z', '+00:00', '-00:00', '+0530', '+24:00', '+23:59', '-12:60', 'UTC', ' '),
      fc.stringMatching(/^[+-][0-9]{2}:?[0-9]{2}$/),
    ),
    separator: fc.constantFrom('T', 'T', 'T', 't', ' '),
  })
  .map(
    (p) =>
      `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}${p.separator}${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${p.fraction}${p.zone}`,
  );

/** What parseTimestamp did before the fast path: Date.parse, with UTC for zone-less strings. */
function oracle(s: string): number {
  return Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s : `${s}Z`);
}

describe('readIsoTime', () => {
  fcTest.prop([isoLike], { numRuns: 5000 })('gives Date.parse’s answer for every string it reads', (s) => {
    const fast = readIsoTime(s);
    if (fast !== undefined) expect(fast).toBe(oracle(s));
  });

  fcTest.prop([fc.string({ maxLength: 40 })])('never throws and reads nothing Date.parse rejects', (s) => {
    const fast = readIsoTime(s);
    if (fast !== undefined) expect(Number.isNaN(oracle(s))).toBe(false);
  });

  test.each([
    ['2024-12-01T00:56:00Z', Date.UTC(2024, 11, 1, 0, 56)],
    ['2024-12-01T01:56:00+01:00', Date.UTC(2024, 11, 1, 0, 56)],
    ['2024-12-01T01:56:00+0100', Date.UTC(2024, 11, 1, 0, 56)],
    ['2023-09-29T19:26:32.500931', Date.UTC(2023, 8, 29, 19, 26, 32, 500)],
    ['2023-09-29T19:26:32.5', Date.UTC(2023, 8, 29, 19, 26, 32, 500)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (s, expected) => {
    expect(readIsoTime(s)).toBe(expected);
  });

  test.each([
    '2023-02-29T00:00:00Z', // Date.parse rolls it over to 1 March; left to it
    '2024-01-01T24:00:00Z',
    '0099-01-01T00:00:00Z', // Date.UTC would read 1999
    '2024-01-01 00:00:00Z',
    '2024-01-01T00:00:00.Z',
    '2024-01-01T00:00Z',
    '2024-01-01T00:00:00+24:00',
    '2024-01-01T00:00:00 UTC',
  ])('leaves %s to Date.parse', (s) => {
    expect(readIsoTime(s)).toBeUndefined();
  });
});
