import { describe, expect, test } from 'vitest';
import { defineCatalog } from '../src/catalog.js';
import { createEngine } from '../src/engine.js';
import type { EnvelopeReader } from '../src/internal/envelope.js';
import { normalizeEvent } from '../src/normalize.js';
import { acme } from './helpers.js';

/** acme with its own envelope: `{ meta: { id, type, at }, payload }`. */
function withReader(envelope: EnvelopeReader) {
  return defineCatalog({ provider: 'acme', extends: acme, envelope });
}

// biome-ignore lint/suspicious/noExplicitAny: the readers under test are host code that trusts its input
const metaReader: EnvelopeReader = (b: any) => ({
  id: b.meta.id,
  type: b.meta.type,
  occurredAt: Date.parse(b.meta.at),
  apiVersion: undefined,
  data: b.payload,
});

const good = { meta: { id: 'm1', type: 'claim.opened', at: '2024-01-01T00:00:00Z' }, payload: { id: 'c1' } };

describe('a catalog with its own envelope reader', () => {
  test('reads the events it was written for', () => {
    const r = normalizeEvent(withReader(metaReader), good);
    expect(r).toMatchObject({ ok: true, event: { id: 'm1', occurredAt: Date.UTC(2024, 0, 1) } });
  });

  test('that throws makes the event invalid with its message, and ingest does not reject', async () => {
    const engine = createEngine({ providers: [withReader(metaReader)] });
    const r = await engine.ingest({ nope: 1 }, { provider: 'acme' });
    expect(r.status).toBe('invalid');
    expect(r.error).toMatchObject({ code: 'invalid_envelope', path: [] });
    expect(r.error?.message).toMatch(/envelope reader threw: .*reading 'id'/);
  });

  test.each([
    ['type', '5', { type: 5 }],
    ['type', "''", { type: '' }],
    ['occurredAt', 'NaN', { occurredAt: Number.NaN }],
    ['occurredAt', '-1', { occurredAt: -1 }],
    ['occurredAt', "past Date's range", { occurredAt: 8.64e15 + 1 }],
    ['occurredAt', 'a string', { occurredAt: '2024-01-01' }],
    ['data', 'undefined', { data: undefined }],
    ['data', 'an array', { data: [] }],
    ['data', 'a Map', { data: new Map() }],
    ['id', "''", { id: '' }],
    ['id', '7', { id: 7 }],
    ['apiVersion', '2', { apiVersion: 2 }],
  ])('whose envelope has %s = %s is invalid at that field', (field, _shown, patch) => {
    const reader: EnvelopeReader = (b) => ({ ...(metaReader(b) as object), ...patch }) as never;
    const r = normalizeEvent(withReader(reader), good);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_envelope', path: [field] } });
  });

  test('a NaN time is invalid and never stored', async () => {
    const engine = createEngine({ providers: [withReader(metaReader)] });
    const bad = { meta: { id: 'm2', type: 'claim.opened', at: 'garbage' }, payload: { id: 'c2' } };
    expect((await engine.ingest(bad, { provider: 'acme' })).status).toBe('invalid');
    expect(await engine.getResource('acme/claim/c2')).toBeUndefined();
  });

  test('an id-less envelope is hashed; an error value it returns is passed on', () => {
    const noId: EnvelopeReader = (b) => ({ ...(metaReader(b) as object), id: undefined }) as never;
    expect(normalizeEvent(withReader(noId), good)).toMatchObject({ ok: true, event: { id: /^sha256:/ } });
    const refuses: EnvelopeReader = () => ({ code: 'invalid_envelope', message: 'no', path: ['meta'] });
    expect(normalizeEvent(withReader(refuses), good)).toMatchObject({ ok: false, error: { path: ['meta'] } });
  });

  test('data it takes from outside `data` is reported at the root, not at data.object', () => {
    const r = normalizeEvent(withReader(metaReader), { ...good, payload: { amount: 1 } });
    // claim.opened requires data.id: the issue is at `id` under wherever the reader found data.
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_data', path: ['id'] } });
  });
});
