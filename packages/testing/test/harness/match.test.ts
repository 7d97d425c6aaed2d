import { describe, expect, it } from 'vitest';
import { matches } from '../../src/index.js';

describe('matches', () => {
  it.each([
    [{ a: 1, b: 2 }, { a: 1 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: { b: 'xyz' } }, { a: { b: /y/ } }, true],
    [{ a: 5 }, { a: (n: number) => n > 3 }, true],
    [[1, 2], [1, 2], true],
    [[1, 2], [1], false],
    ['s', { a: 1 }, false],
    [Number.NaN, Number.NaN, true],
  ] as const)('%j against %j is %s', (actual, expected, result) => {
    expect(matches(actual, expected)).toBe(result);
  });
});
