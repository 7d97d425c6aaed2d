import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresStore, orderedUuid, orderKey, uuidOf } from '../../src/postgres/index.js';
import { acme, dropSchemas, PG_URL, postgresReachable } from './helpers.js';

const pgUp = await postgresReachable();
const catalogs = new Map([[acme.provider, acme]]);

describe('ingest queue keys', () => {
  it('key a delivery by its resource, so one resource keeps its order', () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'claim.opened', created: 1, data: { id: 'c1' } });
    expect(orderKey(catalogs, 'acme', body)).toBe('acme/claim/c1');
  });

  it('spread deliveries without a resource', () => {
    const unhandled = JSON.stringify({ id: 'evt_2', type: 'claim.archived', created: 1, data: { id: 'c1' } });
    expect(orderKey(catalogs, 'acme', unhandled)).toBe('acme/~/evt_2');
    expect(orderKey(catalogs, 'acme', '{not json')).toMatch(/^invalid\//);
    expect(orderKey(catalogs, 'nobody', '{}')).toMatch(/^invalid\//);
    expect(orderKey(catalogs, 'acme', '{}')).not.toBe(orderKey(catalogs, 'acme', '{}'));
  });
});

describe('job ids', () => {
  it('derive one UUID per idempotency key', () => {
    expect(uuidOf('evt_1:r:0')).toBe(uuidOf('evt_1:r:0'));
    expect(uuidOf('evt_1:r:0')).not.toBe(uuidOf('evt_1:r:1'));
    expect(uuidOf('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sort in the order they were made, as pg-boss breaks created_on ties by id', () => {
    const ids = Array.from({ length: 2000 }, () => orderedUuid());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe.runIf(pgUp)('a store on a pool the host owns', { timeout: 60_000 }, () => {
  it('leaves the pool open when it closes', async () => {
    const schema = 'pf_test_pool';
    await dropSchemas(schema);
    const pool = new pg.Pool({ connectionString: PG_URL, max: 3 });
    try {
      const store = await createPostgresStore({ pool, schema });
      await store.setCheckpoint('kota', 'ev_9');
      await store.close();
      const { rows } = await pool.query(`SELECT value FROM "${schema}".checkpoints WHERE name = 'kota'`);
      expect(rows).toEqual([{ value: 'ev_9' }]);
    } finally {
      await pool.end();
      await dropSchemas(schema);
    }
  });
});
