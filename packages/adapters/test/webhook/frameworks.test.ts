import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  type FastifyLikeInstance,
  type FastifyLikeReply,
  type FastifyLikeRequest,
  fastifyWebhook,
  ten99policySignature,
  toExpressHandler,
  toFastifyHandler,
  toHonoHandler,
  toNodeListener,
} from '../../src/webhook/index.js';
import { policyEvent, storesNothing, testEngine } from '../support/engine.js';

const SECRET = 'whsec_frameworks';
const scheme = ten99policySignature();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function setup() {
  const { engine, store } = testEngine();
  const handle = createWebhookHandler({
    engine,
    provider: 'ten99policy',
    scheme,
    secrets: [SECRET],
    maxBodyBytes: 4096,
  });
  return { engine, store, handle };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function post(url: string, body: string, secret = SECRET): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...scheme.sign!(body, secret), 'content-type': 'application/json' },
    body,
  });
}

async function checkAll(url: string, store: ReturnType<typeof setup>['store']): Promise<void> {
  const ok = await post(url, JSON.stringify(policyEvent(1)));
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ status: 'applied', eventId: 'ev_00000001' });
  const body = JSON.stringify(policyEvent(2));
  expect((await post(url, body, 'whsec_wrong')).status).toBe(401);
  expect((await post(url, JSON.stringify({ ...policyEvent(2), pad: 'x'.repeat(5000) }))).status).toBe(413);
  const text = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  expect(text.status).toBe(415);
  expect((await post(url, '{nope')).status).toBe(400);
  expect(await store.getLedgerEntry('ev_00000002')).toBeUndefined();
}

describe('webhook framework adapters', () => {
  it('node:http', async () => {
    const { handle, store } = setup();
    const url = await listen(createServer(toNodeListener(handle)));
    await checkAll(url, store);
  });

  it('node:http survives a client that hangs up mid-body, storing nothing', async () => {
    const { handle, store } = setup();
    const url = await listen(createServer(toNodeListener(handle)));
    const { port } = new URL(url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        const head =
          'POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n';
        socket.write(`${head}{"id":`, () => {
          socket.destroy();
          resolve();
        });
      });
    });
    expect((await post(url, JSON.stringify(policyEvent(1)))).status).toBe(200);
    expect((await store.listResources()).map((r) => r.id)).toEqual(['pl_1']);
  });

  it('Express, mounted before express.json()', async () => {
    const { handle, store } = setup();
    const app = express();
    app.post('/hook', toExpressHandler(handle));
    app.use(express.json());
    const url = await listen(createServer(app));
    await checkAll(`${url}/hook`, store);
  });

  it('Express with express.raw() on the route', async () => {
    const { handle } = setup();
    const app = express();
    app.post('/hook', express.raw({ type: '*/*' }), toExpressHandler(handle));
    const url = await listen(createServer(app));
    expect((await post(`${url}/hook`, JSON.stringify(policyEvent(1)))).status).toBe(200);
  });

  it('Express after express.json() fails clearly and stores nothing', async () => {
    const { handle, store } = setup();
    const app = express();
    app.use(express.json());
    app.post('/hook', toExpressHandler(handle));
    const url = await listen(createServer(app));
    const res = await post(`${url}/hook`, JSON.stringify(policyEvent(1)));
    expect(res.status).toBe(500);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('body_already_parsed');
    expect(json.error.message).toMatch(/before app\.use\(express\.json\(\)\)/);
    expect(await storesNothing(store, 'ev_00000001')).toBe(true);
  });

  it('Fastify through the fastifyWebhook plugin, beside JSON routes', async () => {
    const { handle, store } = setup();
    const app = Fastify();
    await app.register(
      fastifyWebhook(handle, { path: '/hook' }) as unknown as Parameters<typeof app.register>[0],
    );
    app.post('/other', async (request) => ({ parsed: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await checkAll(`${url}/hook`, store);
    const other = await fetch(`${url}/other`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await other.json()).toEqual({ parsed: { a: 1 } });
  });

  it('Fastify with a string parser on the route, the limit applying to the string too', async () => {
    const { handle, store } = setup();
    const app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const route = toFastifyHandler(handle);
    app.post('/hook', (request, reply) =>
      route(request as unknown as FastifyLikeRequest, reply as unknown as FastifyLikeReply),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hook`;
    await checkAll(url, store);
    // Without a content-length, only the body itself can tell it is too large.
    const big = JSON.stringify({ ...policyEvent(3), pad: 'x'.repeat(5000) });
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { ...scheme.sign!(big, SECRET), 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await store.getLedgerEntry('ev_00000003')).toBeUndefined();
  });

  it('Fastify with its own JSON parser fails clearly', async () => {
    const { handle } = setup();
    const app = Fastify();
    const route = toFastifyHandler(handle);
    app.post('/hook', (request, reply) =>
      route(request as unknown as FastifyLikeRequest, reply as unknown as FastifyLikeReply),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const res = await post(`${url}/hook`, JSON.stringify(policyEvent(1)));
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /addContentTypeParser/,
    );
  });

  it('Hono', async () => {
    const { handle, store } = setup();
    const app = new Hono();
    app.post('/hook', toHonoHandler(handle));
    const body = JSON.stringify(policyEvent(1));
    const res = await app.request('/hook', {
      method: 'POST',
      headers: { ...scheme.sign!(body, SECRET), 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    expect((await store.getLedgerEntry('ev_00000001'))?.status).toBe('applied');
    const bad = await app.request('/hook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(bad.status).toBe(401);
  });

  it('Hono after c.req.json() fails clearly', async () => {
    const { handle } = setup();
    const app = new Hono();
    app.post('/hook', async (c) => {
      await c.req.json();
      return toHonoHandler(handle)(c);
    });
    const body = JSON.stringify(policyEvent(1));
    const res = await app.request('/hook', {
      method: 'POST',
      headers: { ...scheme.sign!(body, SECRET), 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_already_parsed');
  });
});

// Keeps the structural types honest against the real Fastify instance type.
export type _FastifyCheck = FastifyLikeInstance;
