import { request } from 'node:http';
import { createEngine, createMemoryStore, type Engine, kota, ten99policy } from '@policyflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../src/metrics.js';
import { type PolicyflowServer, startServer } from '../src/server.js';

const running: Array<{ server: PolicyflowServer; engine: Engine }> = [];

afterEach(async () => {
  for (const { server, engine } of running.splice(0)) {
    await server.close();
    await engine.close();
  }
});

async function serve(engine: Engine, errors: unknown[] = []): Promise<string> {
  const server = await startServer(
    { engine, handlers: new Map(), metrics: new Metrics(), onError: (e) => errors.push(e) },
    0,
    '127.0.0.1',
  );
  running.push({ server, engine });
  return server.url;
}

describe('startServer', () => {
  it('answers 400 with a typed error to a path that is not valid percent-encoding', async () => {
    const errors: unknown[] = [];
    const url = await serve(
      createEngine({ providers: [kota(), ten99policy()], store: createMemoryStore() }),
      errors,
    );
    for (const res of [
      await fetch(`${url}/resources/kota/policy/%E0%A4%A`),
      await fetch(`${url}/webhooks/%ZZ`, { method: 'POST', body: '{}' }),
    ]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_argument');
      expect(body.error.message).not.toContain('URI malformed');
    }
    // A target that is no URL path at all; fetch would not send it, so it goes out raw.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${url}/`, { path: '//[' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    // A client's mistake, not the server's: nothing to log.
    expect(errors).toEqual([]);
  });

  it('reads a resource whose id is a dot segment, which URL parsing would have collapsed', async () => {
    const engine = createEngine({ providers: [kota()], store: createMemoryStore() });
    for (const id of ['..', '.']) {
      const body = {
        id: `evt_${id.length}`,
        type: 'employer.health_insurance.quote.created',
        created: '2025-01-01T00:00:00Z',
        data: { id, employer_id: 'er_1' },
      };
      expect((await engine.ingest(JSON.stringify(body), { provider: 'kota' })).status).toBe('applied');
    }
    const url = await serve(engine);
    const get = (path: string) =>
      new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
        // Sent raw: fetch would collapse the segment itself.
        const req = request(`${url}/`, { path }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const [path, id] of [
      ['/resources/kota/employer_quote/%2E%2E', '..'],
      ['/resources/kota/employer_quote/..', '..'],
      ['/resources/kota/employer_quote/%2e', '.'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect((JSON.parse(res.body) as { id: string }).id, path).toBe(id);
    }
  });

  it('answers an unexpected failure with a generic 500 and hands the real error to onError', async () => {
    const real = createEngine({ providers: [kota()], store: createMemoryStore() });
    const failure = new Error('connect ECONNREFUSED db.internal:5432 as policyflow_rw');
    // Only the route under test reaches the store; the rest of the engine is the real one.
    const engine: Engine = Object.assign(Object.create(real) as Engine, {
      getResource: () => Promise.reject(failure),
      close: () => real.close(),
    });
    const errors: unknown[] = [];
    const url = await serve(engine, errors);
    const res = await fetch(`${url}/resources/kota/policy/pol_1`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(errors).toEqual([failure]);
  });
});
