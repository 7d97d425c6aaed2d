import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngine, ten99policy } from '@policyflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeProvider, type FakeProvider, type FakeProviderOptions } from '../../src/index.js';

interface Received {
  readonly id: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly validSignature: boolean;
  readonly skewSeconds: number;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** Checks a Stripe-style header independently of the fake's signer. */
function verifyStripe(header: string | undefined, secret: string, body: string): { ok: boolean; t: number } {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return { ok: given.length === expected.length && timingSafeEqual(given, expected), t };
}

async function receiver(secret: string, answer: (n: number) => number, header = 'ten99policy-signature') {
  const received: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const check = verifyStripe(req.headers[header] as string | undefined, secret, body);
      received.push({
        id: (JSON.parse(body) as { id: string }).id,
        headers: req.headers,
        body,
        validSignature: check.ok,
        skewSeconds: Math.round(check.t - Date.now() / 1000),
      });
      const status = answer(n++);
      res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function fake(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const f = await createFakeProvider(options);
  closers.push(() => f.close());
  return f;
}

const events = Array.from({ length: 40 }, (_, i) => ({
  id: `ev_${i}`,
  type: 'policy.active',
  created: 1_760_000_000 + i,
  data: { id: `pl_${i}` },
}));

describe('fakeProvider.deliver', () => {
  it('signs every delivery so an independent verifier accepts it, in order by default', async () => {
    const f = await fake();
    f.addEvents('ten99policy', events);
    const r = await receiver(f.secrets.ten99policy, () => 200);
    const report = await f.deliver({ url: r.url, provider: 'ten99policy' });
    expect(report.delivered).toEqual(events.map((e) => e.id));
    expect(r.received.every((x) => x.validSignature)).toBe(true);
    expect(r.received.map((x) => x.id)).toEqual(events.map((e) => e.id));
    expect(r.received[0]!.headers['content-type']).toBe('application/json');
  });

  it('drops, duplicates and reorders reproducibly from the seed, and skews the clock', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const f = await fake({ seed: 7 });
      const r = await receiver(f.secrets.ten99policy, () => 200);
      const report = await f.deliver({
        url: r.url,
        provider: 'ten99policy',
        events,
        faults: { drop: 0.2, duplicate: 0.2, reorderWindow: 5, skewSeconds: -600, delayMs: [0, 2] },
        concurrency: 4,
      });
      runs.push({ report, received: r.received });
    }
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(a.report.dropped).toEqual(b.report.dropped);
    expect(a.report.duplicated).toEqual(b.report.duplicated);
    expect(a.report.dropped.length).toBeGreaterThan(0);
    expect(a.report.duplicated.length).toBeGreaterThan(0);
    const got = new Set(a.received.map((x) => x.id));
    for (const id of a.report.dropped) expect(got.has(id)).toBe(false);
    expect(a.received).toHaveLength(events.length - a.report.dropped.length + a.report.duplicated.length);
    expect(a.received.map((x) => x.id)).not.toEqual([...a.received.map((x) => x.id)].sort());
    expect(a.received.every((x) => x.validSignature && Math.abs(x.skewSeconds + 600) <= 2)).toBe(true);
  });

  it('redelivers after 500 and 429 answers, and reports what never succeeded', async () => {
    const f = await fake();
    const r = await receiver(f.secrets.ten99policy, (n) => (n % 3 === 0 ? 500 : n % 3 === 1 ? 429 : 200));
    const report = await f.deliver({
      url: r.url,
      provider: 'ten99policy',
      events: events.slice(0, 3),
      retryDelayMs: 0,
    });
    expect(report.delivered).toEqual(['ev_0', 'ev_1', 'ev_2']);
    expect(report.requests).toBe(9);
    const failing = await receiver(f.secrets.ten99policy, () => 500);
    const bad = await f.deliver({
      url: failing.url,
      provider: 'ten99policy',
      events: events.slice(0, 1),
      retries: 2,
      retryDelayMs: 0,
    });
    expect(bad.failed).toEqual([{ eventId: 'ev_0', status: 500, attempts: 3 }]);
  });

  it('reports an event without an id under the id the engine ingests it with', async () => {
    const engine = createEngine({ providers: [ten99policy()] });
    closers.push(() => engine.close());
    const ingested: Array<string | undefined> = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const result = await engine.ingest(Buffer.concat(chunks).toString('utf8'), {
          provider: 'ten99policy',
        });
        ingested.push(result.eventId);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const f = await fake();
    // Keys out of order, so a hash of the body as written differs from one of its canonical form.
    f.addEvents('ten99policy', [{ type: 'policy.active', created: 1_760_000_000, data: { id: 'pl_1' } }]);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const report = await f.deliver({ url, provider: 'ten99policy' });
    expect(ingested).toHaveLength(1);
    expect(report.delivered).toEqual(ingested);
  });

  it("Kota's replay delivers once to the registered endpoints", async () => {
    const hook = await receiver('whsec_fake_kota', () => 200, 'x-kota-webhook-signature');
    const f = await fake({ webhookEndpoints: { kota: [hook.url] } });
    const id = `evt_${'a'.repeat(32)}`;
    f.addEvents('kota', [
      { id, type: 'group.ready', created: new Date().toISOString(), data: { id: 'gr_1' } },
    ]);
    const res = await fetch(`${f.url}/events/${id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.apiKey}` },
    });
    const body = (await res.json()) as {
      event_id: string;
      deliveries: Array<{ success: boolean; response_status_code: number }>;
    };
    expect(body.event_id).toBe(id);
    expect(body.deliveries).toMatchObject([{ success: true, response_status_code: 200 }]);
    expect(hook.received.map((x) => [x.id, x.validSignature])).toEqual([[id, true]]);
  });

  it('signs Standard Webhooks when asked to', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const f = await fake({ signatures: { kota: { kind: 'standard-webhooks' } }, secrets: { kota: secret } });
    const r = await receiver(secret, () => 200);
    await f.deliver({ url: r.url, provider: 'kota', events: events.slice(0, 1) });
    const h = r.received[0]!.headers;
    const key = Buffer.from(secret.slice(6), 'base64');
    const mac = createHmac('sha256', key)
      .update(`${h['webhook-id']}.${h['webhook-timestamp']}.${r.received[0]!.body}`)
      .digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${mac}`);
  });
});
