import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import {
  createEngine,
  isPolicyflowError,
  kota,
  PolicyflowError,
  type Store,
  ten99policy,
} from '@policyflow/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, createSqlStore, pgliteClient } from '../../src/postgres/index.js';
import { storeFailure } from '../../src/postgres/sql.js';
import { createWebhookHandler, ten99policySignature } from '../../src/webhook/index.js';
import { policyEvent } from '../support/engine.js';
import { dropSchemas, job as jobAt, PG_URL, postgresReachable } from './helpers.js';

const pgUp = await postgresReachable();
const SCHEMA = 'pf_test_outage';
const SECRET = 'whsec_outage_test';
const PASSWORD = 'hunter2-outage';
const scheme = ten99policySignature();

function signed(n: number): Request {
  const body = JSON.stringify(policyEvent(n));
  const headers = scheme.sign!(body, SECRET, { timestamp: Math.floor(Date.now() / 1000) });
  return new Request('http://127.0.0.1/webhooks/ten99policy', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
}

/** A webhook endpoint on an engine over `store`, with every rejection it reports. */
function endpoint(store: Store) {
  const engine = createEngine({ providers: [kota(), ten99policy()], store });
  const rejections: Array<{ status: number; code: string; message: string; cause?: unknown }> = [];
  const handle = createWebhookHandler({
    engine,
    provider: 'ten99policy',
    scheme,
    secrets: [SECRET],
    onReject: (r) => rejections.push(r),
  });
  return { engine, handle, rejections };
}

/** Every read and write the engine may ask of a store, each as a call that must reject. */
function storeCalls(store: Store): Array<[string, () => Promise<unknown>]> {
  const key = 'ten99policy/policy/pl_9';
  const job = jobAt('ev_9:r:0', key, 1, { params: {} });
  return [
    ['hasEvent', () => store.hasEvent('ev_9')],
    ['getResource', () => store.getResource(key)],
    ['getHistory', () => store.getHistory(key)],
    ['getLedgerEntry', () => store.getLedgerEntry('ev_9')],
    ['listResources', () => store.listResources()],
    [
      'recordInvalid',
      () =>
        store.recordInvalid({
          id: 'inv_9',
          provider: 'ten99policy',
          source: 'webhook',
          receivedAt: 1,
          error: { code: 'invalid_json', message: 'x', path: [] },
          body: '{',
        }),
    ],
    ['listInvalid', () => store.listInvalid()],
    ['getCheckpoint', () => store.getCheckpoint('c')],
    ['setCheckpoint', () => store.setCheckpoint('c', 'v')],
    ['claimJobs', () => store.claimJobs(1, 5)],
    ['reclaimJobs', () => store.reclaimJobs!(1)],
    ['renewJobs', () => store.renewJobs!([{ ...job, status: 'running' }], 1)],
    ['updateJob', () => store.updateJob(job)],
    ['getJob', () => store.getJob('j')],
    ['listJobs', () => store.listJobs()],
    ['nextJobDueAt', () => store.nextJobDueAt()],
    ['listAudit', () => store.listAudit(key)],
  ];
}

/** The code of what each call rejected with (`store_failure` for a PolicyflowError of that code). */
async function rejections(calls: Array<[string, () => Promise<unknown>]>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, call] of calls) {
    out[name] = await call().then(
      () => 'resolved',
      (e: unknown) => (isPolicyflowError(e) ? e.code : `raw ${String(e)}`),
    );
  }
  return out;
}

function allStoreFailures(calls: Array<[string, unknown]>): Record<string, string> {
  return Object.fromEntries(calls.map(([name]) => [name, 'store_failure']));
}

/** A TCP proxy to PostgreSQL that the test takes down, as a database outage would. */
async function proxyToPostgres() {
  const target = new URL(PG_URL);
  const sockets = new Set<Socket>();
  const server = createServer((c) => {
    const up = connect(Number(target.port || 5432), target.hostname);
    for (const s of [c, up]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    c.pipe(up).pipe(c);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  // A password in the URL (trust auth ignores it): no answer or error message may carry it.
  const url = `postgres://${target.username || 'postgres'}:${PASSWORD}@127.0.0.1:${port}${target.pathname}`;
  return {
    url,
    /** Stops taking connections and cuts every open one; resolves once `pool` holds none of them. */
    async down(pool: pg.Pool): Promise<void> {
      const closed = once(server, 'close');
      server.close();
      for (const s of sockets) s.destroy();
      await closed;
      while (pool.totalCount > 0) await once(pool, 'remove');
    },
  };
}

beforeAll(async () => {
  if (pgUp) await dropSchemas(SCHEMA);
});
afterAll(async () => {
  if (pgUp) await dropSchemas(SCHEMA);
});

describe.runIf(pgUp)('a PostgreSQL store whose database goes down', () => {
  it('fails every read and write as store_failure, and the webhook answers 503 with retry-after', async () => {
    const proxy = await proxyToPostgres();
    const pool = new pg.Pool({ connectionString: proxy.url, max: 2 });
    pool.on('error', () => {});
    const store = await createPostgresStore({ pool, schema: SCHEMA });
    const { engine, handle, rejections: rejected } = endpoint(store);
    try {
      expect((await handle(signed(1))).status).toBe(200);
      await proxy.down(pool);

      const res = await handle(signed(2));
      const text = await res.text();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(JSON.parse(text)).toEqual({
        error: {
          code: 'store_failure',
          // The driver's error code, and nothing else of its error: no host, no user, no password.
          message: 'the postgres store failed to look up event ev_00000002 (ECONNREFUSED)',
        },
      });
      expect(text).not.toContain(PASSWORD);
      // The host's onReject gets the store's error, and through it the driver's own.
      expect(rejected.map((r) => [r.status, r.code])).toEqual([[503, 'store_failure']]);
      const cause = rejected[0]!.cause as PolicyflowError;
      expect(isPolicyflowError(cause, 'store_failure')).toBe(true);
      expect(cause.cause).toBeInstanceOf(Error);
      expect(isPolicyflowError(cause.cause)).toBe(false);

      const calls = storeCalls(store);
      expect(await rejections(calls)).toEqual(allStoreFailures(calls));
      const failure = await store.getResource('ten99policy/policy/pl_9').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PolicyflowError);
      expect((failure as PolicyflowError).message).toBe(
        'the postgres store failed to read resource ten99policy/policy/pl_9 (ECONNREFUSED)',
      );
      expect(String((failure as PolicyflowError).message)).not.toContain(PASSWORD);
    } finally {
      await engine.close().catch(() => {});
      await store.close();
      await pool.end().catch(() => {});
    }
  });
});

describe('a PGlite store whose database is gone', () => {
  it('fails every read and write as store_failure, and the webhook answers 503 with retry-after', async () => {
    const db = new PGlite();
    const store = await createSqlStore(await pgliteClient({ db }));
    const { engine, handle, rejections: rejected } = endpoint(store);
    try {
      expect((await handle(signed(1))).status).toBe(200);
      await db.close();

      const res = await handle(signed(2));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({
        error: { code: 'store_failure', message: 'the pglite store failed to look up event ev_00000002' },
      });
      expect(rejected.map((r) => [r.status, r.code])).toEqual([[503, 'store_failure']]);

      const calls = storeCalls(store);
      expect(await rejections(calls)).toEqual(allStoreFailures(calls));
    } finally {
      await engine.close().catch(() => {});
      await store.close();
    }
  });
});

describe('storeFailure', () => {
  it('wraps what the database threw, and leaves PolicyflowErrors and programming errors as they are', () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const wrapped = storeFailure('postgres', 'read resource k', lost);
    expect(isPolicyflowError(wrapped, 'store_failure')).toBe(true);
    expect((wrapped as PolicyflowError).message).toBe(
      'the postgres store failed to read resource k (ECONNREFUSED)',
    );
    expect((wrapped as PolicyflowError).cause).toBe(lost);
    // A code that is not a plain code is left out of the message.
    const odd = Object.assign(new Error('x'), { code: 'postgres://u:pw@h/db' });
    expect((storeFailure('pglite', 'list jobs', odd) as PolicyflowError).message).toBe(
      'the pglite store failed to list jobs',
    );

    const own = new PolicyflowError('invalid_argument', 'limit must be >= 0');
    const bug = new TypeError("Cannot read properties of undefined (reading 'key')");
    expect(storeFailure('postgres', 'x', own)).toBe(own);
    expect(storeFailure('pglite', 'x', bug)).toBe(bug);
  });
});
