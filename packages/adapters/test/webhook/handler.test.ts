import { createMemoryStore } from '@policyflow/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { IngestQueue } from '../../src/postgres/index.js';
import {
  createWebhookHandler,
  standardWebhooks,
  ten99policySignature,
  type WebhookHandlerCommon,
  type WebhookQueue,
} from '../../src/webhook/index.js';
import { failingStore, policyEvent, storesNothing, testEngine } from '../support/engine.js';

const SECRET = 'whsec_handler_test';
const scheme = ten99policySignature();
const URL_ = 'http://127.0.0.1/webhooks/ten99policy';

function signed(
  body: string,
  options: { secret?: string; timestamp?: number; contentType?: string } = {},
): Request {
  const headers = scheme.sign!(body, options.secret ?? SECRET, {
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return new Request(URL_, {
    method: 'POST',
    headers: { ...headers, 'content-type': options.contentType ?? 'application/json' },
    body,
  });
}

function setup(extra: Partial<WebhookHandlerCommon> = {}, engineOptions = {}) {
  const { engine, store } = testEngine(engineOptions);
  const rejections: Array<{ status: number; code: string }> = [];
  const handle = createWebhookHandler({
    engine,
    provider: 'ten99policy',
    scheme,
    secrets: [SECRET],
    onReject: ({ status, code }) => rejections.push({ status, code }),
    ...extra,
  });
  return { engine, store, handle, rejections };
}

describe('createWebhookHandler: accepted deliveries', () => {
  it('answers 200 { status, eventId } once the event is ingested, then duplicate on redelivery', async () => {
    const { handle, store } = setup();
    const body = JSON.stringify(policyEvent(1));
    const first = await handle(signed(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'applied', eventId: 'ev_00000001' });
    expect((await store.getLedgerEntry('ev_00000001'))?.source).toBe('webhook');
    const again = await handle(signed(body));
    expect(await again.json()).toEqual({ status: 'duplicate', eventId: 'ev_00000001' });
  });

  it('accepts every secret of a rotation and application/*+json with parameters', async () => {
    const { handle } = setup({ secrets: ['whsec_old', SECRET] });
    const a = await handle(signed(JSON.stringify(policyEvent(1)), { secret: 'whsec_old' }));
    const b = await handle(
      signed(JSON.stringify(policyEvent(2)), { contentType: 'application/cloudevents+json; charset=utf-8' }),
    );
    expect([a.status, b.status]).toEqual([200, 200]);
  });
});

describe('createWebhookHandler: every rejection answers its status and stores nothing', () => {
  const event = policyEvent(7);
  const body = JSON.stringify(event);
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Request, number, string]> = [
    [
      'missing signature',
      () => new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      401,
      'signature_missing',
    ],
    ['wrong secret', () => signed(body, { secret: 'whsec_wrong' }), 401, 'signature_invalid'],
    [
      'tampered body',
      () => {
        const r = signed(body);
        return new Request(URL_, { method: 'POST', headers: r.headers, body: body.replace('pl_7', 'pl_8') });
      },
      401,
      'signature_invalid',
    ],
    ['timestamp too old', () => signed(body, { timestamp: now - 3600 }), 401, 'timestamp_out_of_tolerance'],
    [
      'timestamp in the future',
      () => signed(body, { timestamp: now + 3600 }),
      401,
      'timestamp_out_of_tolerance',
    ],
    ['text/plain', () => signed(body, { contentType: 'text/plain' }), 415, 'unsupported_media_type'],
    [
      'no content type',
      () => {
        const r = signed(body);
        const headers = new Headers(r.headers);
        headers.delete('content-type');
        return new Request(URL_, { method: 'POST', headers, body: new Blob([body]) });
      },
      415,
      'unsupported_media_type',
    ],
    ['malformed JSON (validly signed)', () => signed('{"id":"ev_00000007",'), 400, 'invalid_json'],
    [
      'body over the limit',
      () => signed(JSON.stringify({ ...event, pad: 'x'.repeat(2048) })),
      413,
      'payload_too_large',
    ],
    [
      'wrong method',
      () => new Request(URL_, { method: 'PUT', headers: signed(body).headers, body }),
      405,
      'invalid_argument',
    ],
  ];

  for (const [name, make, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const { handle, store, rejections } = setup({ maxBodyBytes: 1024 });
      const res = await handle(make());
      expect(res.status).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe(code);
      expect(await storesNothing(store, 'ev_00000007')).toBe(true);
      expect(rejections).toEqual([{ status, code }]);
    });
  }

  it('401 answers never say which part of the signature failed', async () => {
    const { handle } = setup();
    const a = (await (await handle(signed(body, { secret: 'whsec_wrong' }))).json()) as object;
    const r = signed(body);
    const tampered = new Request(URL_, { method: 'POST', headers: r.headers, body: body.replace('7', '8') });
    const b = (await (await handle(tampered)).json()) as object;
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).not.toMatch(/expected|byte|v1=|[0-9a-f]{16}/);
  });

  it('a body over the limit without content-length is cut off while streaming', async () => {
    const { handle, store } = setup({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ ...event, pad: 'x'.repeat(4096) });
    const headers = scheme.sign!(big, SECRET);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(big);
        for (let i = 0; i < bytes.length; i += 512) controller.enqueue(bytes.slice(i, i + 512));
        controller.close();
      },
    });
    const req = new Request(URL_, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await handle(req)).status).toBe(413);
    expect(await storesNothing(store, 'ev_00000007')).toBe(true);
  });

  it('an invalid event → 422, recorded as invalid and nowhere else', async () => {
    const { handle, store } = setup();
    const bad = JSON.stringify({ id: 'ev_bad', created: 1_700_000_000, data: {} });
    const res = await handle(signed(bad));
    expect(res.status).toBe(422);
    const json = (await res.json()) as { status: string; error: { code: string } };
    expect(json.status).toBe('invalid');
    expect(json.error.code).toBe('invalid_envelope');
    expect(await store.getLedgerEntry('ev_bad')).toBeUndefined();
    const invalid = await store.listInvalid();
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.body).toBe(bad);
  });

  it('a body a framework already read → 500 body_already_parsed saying how to fix it', async () => {
    const { handle, store } = setup();
    const req = signed(body);
    await req.json();
    const res = await handle(req);
    expect(res.status).toBe(500);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('body_already_parsed');
    expect(json.error.message).toMatch(/mount the webhook handler before/);
    expect(await storesNothing(store, 'ev_00000007')).toBe(true);
  });
});

describe('createWebhookHandler: engine unavailable → 503 so the provider retries', () => {
  const body = JSON.stringify(policyEvent(3));

  it('engine closed', async () => {
    const { handle, engine } = setup();
    await engine.close();
    const res = await handle(signed(body));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('engine_closed');
  });

  it('engine overloaded', async () => {
    const { handle, store } = setup({}, { maxInFlight: 0 });
    const res = await handle(signed(body));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('engine_overloaded');
    expect(await storesNothing(store, 'ev_00000003')).toBe(true);
  });

  it('store failure', async () => {
    const inner = createMemoryStore();
    const { handle } = setup({}, { store: failingStore(inner) });
    const res = await handle(signed(body));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_failure');
    expect(await storesNothing(inner, 'ev_00000003')).toBe(true);
  });
});

describe('createWebhookHandler: configuration errors throw at creation', () => {
  it('unknown provider, no secrets, a secret that decodes to no key', () => {
    const { engine } = testEngine();
    expect(() => createWebhookHandler({ engine, provider: 'acme', scheme, secrets: [SECRET] })).toThrow(
      /no provider 'acme'/,
    );
    expect(() => createWebhookHandler({ engine, provider: 'kota', scheme, secrets: [] })).toThrow(/secrets/);
    const standard = standardWebhooks();
    expect(() =>
      createWebhookHandler({ engine, provider: 'ten99policy', scheme: standard, secrets: ['whsec_'] }),
    ).toThrow(/secret 1 is not a base64 key/);
  });
});

describe('createWebhookHandler: stateless receivers (queue instead of engine)', () => {
  function queued(fail = false) {
    const enqueued: Array<{ payload: unknown; provider: string; source?: string }> = [];
    const rejected: Array<{ status: number; code: string; message: string; cause?: unknown }> = [];
    const queue: WebhookQueue = {
      async enqueue(deliveries) {
        if (fail) throw new Error('relation "pgboss.job" does not exist');
        enqueued.push(...deliveries);
      },
    };
    const handle = createWebhookHandler({
      queue,
      provider: 'ten99policy',
      scheme,
      secrets: [SECRET],
      onReject: (r) => rejected.push(r),
    });
    return { enqueued, rejected, handle };
  }

  it('answers 202 queued with the event id once the raw delivery is enqueued', async () => {
    const { enqueued, handle } = queued();
    const body = JSON.stringify({ id: 'ev_q1', type: 'policy.active', created: 1, data: { id: 'pl_q' } });
    const res = await handle(signed(body));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'queued', eventId: 'ev_q1' });
    expect(enqueued).toEqual([
      expect.objectContaining({ payload: body, provider: 'ten99policy', source: 'webhook' }),
    ]);
  });

  it('still verifies the signature and the JSON before enqueuing anything', async () => {
    const { enqueued, handle } = queued();
    const bad = await handle(signed('{"id":"x"}', { secret: 'whsec_wrong' }));
    const junk = await handle(signed('{not json'));
    expect([bad.status, junk.status]).toEqual([401, 400]);
    expect(enqueued).toEqual([]);
  });

  it('answers 503 with retry-after when the queue fails, so the provider retries', async () => {
    const { handle, rejected } = queued(true);
    const res = await handle(signed('{"id":"ev_q2","type":"policy.active","created":1,"data":{"id":"p"}}'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    // The sender learns nothing of the queue's insides; the host's onReject gets the error itself.
    expect(await res.text()).not.toContain('pgboss');
    expect(rejected).toEqual([
      {
        status: 503,
        code: 'store_failure',
        message: 'the queue did not accept the delivery',
        cause: new Error('relation "pgboss.job" does not exist'),
      },
    ]);
  });

  it('refuses to be built with neither an engine nor a queue', () => {
    const options = { provider: 'ten99policy', scheme, secrets: [SECRET] } as unknown as Parameters<
      typeof createWebhookHandler
    >[0];
    expect(() => createWebhookHandler(options)).toThrow(/engine to ingest into or a queue/);
  });
});

describe('queue compatibility', () => {
  it("accepts @policyflow/adapters/postgres's ingestQueue as a receiver's queue", () => {
    expectTypeOf<IngestQueue>().toExtend<WebhookQueue>();
  });
});
