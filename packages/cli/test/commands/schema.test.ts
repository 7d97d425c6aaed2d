import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers.js';

describe('schema', () => {
  it("prints the config file's JSON Schema", async () => {
    const io = captureIo();
    expect(await main(['schema'], io)).toBe(0);
    const schema = JSON.parse(io.out()) as { properties?: Record<string, unknown> };
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['rules', 'store']));
  });

  it('rejects a stray argument with exit 1, as every other command does', async () => {
    const io = captureIo();
    expect(await main(['schema', 'extra'], io)).toBe(1);
    expect(io.err()).toMatch(/^error: schema takes no positional arguments/);
    expect(io.out()).toBe('');
  });
});
