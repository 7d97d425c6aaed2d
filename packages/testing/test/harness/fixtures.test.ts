import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/index.js';

describe('loadFixtures', () => {
  it('reads ndjson, one delivery a line, and infers the provider from the name', () => {
    const v2 = loadFixtures('kota-v2');
    expect(v2).toHaveLength(81);
    expect(v2[0]).toMatchObject({ provider: 'kota', line: 1, body: { type: 'employee.created' } });
    expect(loadFixtures('ten99policy')[19]?.provider).toBe('ten99policy');
  });

  it('reads json arrays and list pages', () => {
    expect(loadFixtures('ten99policy-events-list')).toHaveLength(1);
    expect(loadFixtures('kota-events-page')[0]?.body).toMatchObject({ type: 'group.ready' });
  });

  it('takes a folder and a provider', () => {
    const dir = fileURLToPath(new URL('../../fixtures/', import.meta.url));
    expect(loadFixtures('kota-v1.ndjson', { dir, provider: 'acme' })[0]?.provider).toBe('acme');
  });

  it('names the fixture it cannot find', () => {
    expect(() => loadFixtures('nope')).toThrow(/no fixture 'nope'/);
  });
});
