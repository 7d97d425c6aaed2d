import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { nulError, nulPath } from '../../src/internal/nul.js';

/** JSON values whose strings and keys never hold U+0000. */
const clean = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('\\u0000'));

/** Puts `a\u0000b` at a place `choose` picks among the value's leaves; returns the value and that path. */
function plant(value: unknown, choose: number): [unknown, Array<string | number>] {
  if (Array.isArray(value) && value.length > 0) {
    const i = choose % value.length;
    const [inner, path] = plant(value[i], Math.floor(choose / value.length));
    const copy = [...value];
    copy[i] = inner;
    return [copy, [i, ...path]];
  }
  if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
    const keys = Object.keys(value);
    const key = keys[choose % keys.length]!;
    const [inner, path] = plant((value as Record<string, unknown>)[key], Math.floor(choose / keys.length));
    return [{ ...value, [key]: inner }, [key, ...path]];
  }
  return ['a\u0000b', []];
}

describe('nulPath', () => {
  fcTest.prop([clean])('finds nothing in a value without U+0000', (v) => {
    expect(nulPath(v)).toBeUndefined();
  });

  fcTest.prop([clean, fc.nat()])('finds the one string that holds it, wherever it is', (v, choose) => {
    const [planted, path] = plant(v, choose);
    expect(nulPath(planted)).toEqual(path);
    // Through JSON text too, as the engine meets it.
    expect(nulPath(JSON.parse(JSON.stringify(planted)))).toEqual(path);
  });

  test('finds it in a property name, and in a value at the top', () => {
    expect(nulPath({ data: { ok: 1, 'k\u0000': 2 } })).toEqual(['data', 'k\u0000']);
    expect(nulPath('\u0000')).toEqual([]);
  });

  test('walks payloads nested deeper than the call stack, and graphs with cycles', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nulPath(deep)).toHaveLength(100_000);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(nulPath(cyclic)).toBeUndefined();
  });
});

describe('nulError', () => {
  test('is invalid_data inside data, invalid_envelope elsewhere, with the path in the message', () => {
    expect(nulError({ data: { note: '\u0000' } }, undefined)).toEqual({
      code: 'invalid_data',
      message: "`data.note` holds U+0000, which no store can keep (PostgreSQL's text and jsonb refuse it)",
      path: ['data', 'note'],
    });
    expect(nulError({ id: '\u0000' }, undefined)?.code).toBe('invalid_envelope');
  });

  test('needs no walk when the JSON text has no \\u0000 escape, and walks when it has', () => {
    const text = '{"data":{"note":"a\\\\u0000"}}'; // an escaped backslash, then the letters u0000
    expect(nulError(JSON.parse(text), text)).toBeUndefined();
    const real = '{"data":{"note":"a\\u0000"}}';
    expect(nulError(JSON.parse(real), real)?.path).toEqual(['data', 'note']);
  });
});
