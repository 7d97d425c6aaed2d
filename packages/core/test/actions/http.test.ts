import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signStandardWebhook } from '../../src/actions/http.js';
import { createEngine } from '../../src/engine.js';
import type { ActionSpec } from '../../src/rules/types.js';
import { createSimClock, insurer, quoteEvent } from '../rules/helpers.js';

interface Hit {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

// A local server that answers each path with a scripted list of statuses (the last one repeats).
let server: Server;
let base: string;
const hits: Hit[] = [];
const scripts = new Map<string, number[]>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.push({ path, headers: req.headers, body });
      const script = scripts.get(path) ?? [200];
      const status = script.length > 1 ? script.shift()! : script[0]!;
      if (status === 0) {
        req.socket.destroy();
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function engineWith(action: ActionSpec) {
  const clock = createSimClock();
  const engine = createEngine({
    providers: [insurer],
    clock,
    random: () => 0.5,
    rules: [{ name: 'hook', on: 'quote.created', actions: [action] }],
  });
  return { engine, clock };
}

const hitsTo = (path: string) => hits.filter((h) => h.path === path);

describe('http action', () => {
  test('5xx, 429 and dropped connections are retried with backoff, then dead-lettered with the last error', async () => {
    scripts.set('/flaky', [500, 429, 0, 503]);
    const { engine, clock } = engineWith({
      type: 'http',
      retry: { attempts: 4, baseMs: 1000, maxMs: 60_000 },
      params: { url: `${base}/flaky`, body: { quote: '{{resource.id}}', amount: '{{event.data.amount}}' } },
    });
    const dead: string[] = [];
    const failed: number[] = [];
    engine.on('action.failed', (n) => failed.push(n.job.runAt - clock.now()));
    engine.on('action.dead', (n) => dead.push(n.job.id));
    const r = await engine.ingest(quoteEvent('quote.created', 'q1', 100, { amount: 42 }), {
      provider: 'insurer',
    });
    await engine.drain();
    // Full jitter with random() = 0.5: 500, 1000, 2000 ms.
    for (const wait of [500, 1000, 2000]) {
      expect(hitsTo('/flaky').length).toBeLessThan(4);
      clock.advance(wait);
      await engine.drain();
    }
    expect(failed).toEqual([500, 1000, 2000]);
    expect(hitsTo('/flaky')).toHaveLength(4);
    const keys = new Set(hitsTo('/flaky').map((h) => h.headers['idempotency-key']));
    expect([...keys]).toEqual([`${r.eventId}:hook:0`]);
    expect(JSON.parse(hitsTo('/flaky')[0]!.body)).toEqual({ quote: 'q1', amount: 42 });
    expect(dead).toEqual([`${r.eventId}:hook:0`]);
    const letters = await engine.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ status: 'dead', attempts: 4, lastError: { code: 'action_failed' } });
    expect(letters[0]!.lastError!.message).toMatch(/answered 503/);
    const trail = await engine.audit('insurer/quote/q1');
    expect(trail.map((a) => a.kind)).toEqual([
      'rule.fired',
      'action.failed',
      'action.failed',
      'action.failed',
      'action.dead',
    ]);

    // Once the receiver is fixed, the dead letter can be sent again.
    scripts.set('/flaky', [200]);
    expect(await engine.retryDead(letters[0]!.id)).toBe(true);
    await engine.drain();
    expect((await engine.store.getJob(letters[0]!.id))?.status).toBe('succeeded');
    expect(await engine.deadLetters()).toEqual([]);
    expect(await engine.retryDead('nope')).toBe(false);
  });

  test('other 4xx fail at once', async () => {
    scripts.set('/gone', [410]);
    const { engine } = engineWith({ type: 'http', params: { url: `${base}/gone` } });
    await engine.ingest(quoteEvent('quote.created', 'q2', 100), { provider: 'insurer' });
    await engine.drain();
    expect(hitsTo('/gone')).toHaveLength(1);
    const [letter] = await engine.deadLetters();
    expect(letter).toMatchObject({ attempts: 1, status: 'dead' });
    expect(letter!.lastError!.message).toMatch(/answered 410/);
  });

  test('values templated into the URL are percent-encoded: event data cannot change its path or query', async () => {
    const url = `${base}/quotes/{{event.data.note}}?ref={{event.data.ref}}`;
    const { engine } = engineWith({ type: 'http', params: { url } });
    const data = { note: '../admin', ref: 'a&b=c#x' };
    await engine.ingest(quoteEvent('quote.created', 'q9', 100, data), { provider: 'insurer' });
    await engine.drain();
    expect(hits.at(-1)?.path).toBe('/quotes/..%2Fadmin?ref=a%26b%3Dc%23x');
    // A URL that is one template alone is the URL itself.
    const whole = engineWith({ type: 'http', params: { url: '{{event.data.hook}}' } });
    const hook = `${base}/whole/path?k=v`;
    await whole.engine.ingest(quoteEvent('quote.created', 'q10', 100, { hook }), { provider: 'insurer' });
    await whole.engine.drain();
    expect(hits.at(-1)?.path).toBe('/whole/path?k=v');
  });

  test('a timeout is retried', async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`;
    const { engine } = engineWith({ type: 'http', retry: { attempts: 2 }, params: { url, timeoutMs: 50 } });
    const failed: string[] = [];
    engine.on('action.failed', (n) => failed.push(n.error?.message ?? ''));
    await engine.ingest(quoteEvent('quote.created', 'q3', 100), { provider: 'insurer' });
    await engine.drain();
    slow.closeAllConnections();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/timed out after 50 ms/);
  });

  test('messages name the URL by origin and path, never its credentials or query', async () => {
    scripts.set('/hooks/t1?api_key=abc', [500]);
    const { engine } = engineWith({
      type: 'http',
      retry: { attempts: 1 },
      params: { url: `${base}/hooks/t1?api_key=abc#frag` },
    });
    await engine.ingest(quoteEvent('quote.created', 'q5', 100), { provider: 'insurer' });
    await engine.drain();
    expect(hitsTo('/hooks/t1?api_key=abc')).toHaveLength(1);
    const [letter] = await engine.deadLetters();
    expect(letter!.lastError!.message).toBe(`POST ${base}/hooks/t1 answered 500`);
  });

  test('a request that cannot be built fails at once, without quoting the URL', async () => {
    const port = base.slice(base.lastIndexOf(':') + 1);
    const cases = [
      [`http://user:p4ssw0rd@127.0.0.1:${port}/creds`, `POST ${base}/creds: the URL carries credentials`],
      [`ftp://127.0.0.1:${port}/ftp?token=t0k3n`, "POST: the url param is a 'ftp:' URL"],
      ['http://[p4ssw0rd', 'POST: the url param is not a URL'],
      [`${base}/header?token=t0k3n`, `POST ${base}/header: a header param is not a valid HTTP header`],
      [`${base}/a/../dots?token=t0k3n`, `POST ${base}/dots: the url param has a '.' or '..' path segment`],
      [`${base}/a/%2E%2e/dots`, `POST ${base}/dots: the url param has a '.' or '..' path segment`],
      [`${base}/a\\.\\dots`, `POST ${base}/a/dots: the url param has a '.' or '..' path segment`],
    ];
    for (const [url, message] of cases) {
      const { engine } = engineWith({
        type: 'http',
        retry: { attempts: 3 },
        params: { url: url!, headers: url!.includes('/header') ? { 'x-bad': 'a\nb' } : {} },
      });
      const dead: string[] = [];
      engine.on('action.dead', (n) => dead.push(n.error?.message ?? ''));
      await engine.ingest(quoteEvent('quote.created', 'q6', 100), { provider: 'insurer' });
      await engine.drain();
      const [letter] = await engine.deadLetters();
      expect(letter, url).toMatchObject({ attempts: 1, status: 'dead' });
      expect(letter!.lastError!.message, url).toContain(message!);
      expect(dead.join(' '), url).not.toMatch(/p4ssw0rd|t0k3n/);
    }
    expect(hits.filter((h) => /creds|ftp|header|dots/.test(h.path))).toEqual([]);
  });

  test('a value templated into the URL cannot make a dot segment and move the request up the path', async () => {
    for (const tenant of ['..', '.']) {
      const { engine } = engineWith({
        type: 'http',
        params: { url: `${base}/tenants/{{event.data.tenant}}/quotes/{{resource.id}}` },
      });
      await engine.ingest(quoteEvent('quote.created', 'q8', 100, { tenant }), { provider: 'insurer' });
      await engine.drain();
      const [letter] = await engine.deadLetters();
      expect(letter, tenant).toMatchObject({ attempts: 1, status: 'dead' });
      expect(letter!.lastError!.message).toContain("has a '.' or '..' path segment");
    }
    // A dot inside a segment is an ordinary character, and a slash stays inside its segment.
    for (const tenant of ['t.1', '../t2']) {
      const { engine } = engineWith({
        type: 'http',
        params: { url: `${base}/tenants/{{event.data.tenant}}/x` },
      });
      await engine.ingest(quoteEvent('quote.created', 'q9', 100, { tenant }), { provider: 'insurer' });
      await engine.drain();
      expect(await engine.deadLetters(), tenant).toEqual([]);
    }
    // Where `..` and `.` would have sent it.
    expect([...hitsTo('/quotes/q8'), ...hitsTo('/tenants/quotes/q8')]).toEqual([]);
    expect(hitsTo('/tenants/t.1/x')).toHaveLength(1);
    expect(hitsTo('/tenants/..%2Ft2/x')).toHaveLength(1);
  });

  test("a rule's header replaces the default of the same name whatever its case", async () => {
    scripts.set('/typed', [204]);
    const { engine } = engineWith({
      type: 'http',
      params: {
        url: `${base}/typed`,
        headers: { 'Content-Type': 'application/cloudevents+json', 'IDEMPOTENCY-KEY': 'mine' },
      },
    });
    await engine.ingest(quoteEvent('quote.created', 'q10', 100), { provider: 'insurer' });
    await engine.drain();
    const [hit] = hitsTo('/typed');
    expect(hit!.headers['content-type']).toBe('application/cloudevents+json');
    expect(hit!.headers['idempotency-key']).toBe('mine');
  });

  test('a refused connection is retried, and its message names the address only', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { engine } = engineWith({
      type: 'http',
      retry: { attempts: 2 },
      params: { url: `http://127.0.0.1:${port}/down?api_key=abc` },
    });
    const failed: string[] = [];
    engine.on('action.failed', (n) => failed.push(n.error?.message ?? ''));
    await engine.ingest(quoteEvent('quote.created', 'q7', 100), { provider: 'insurer' });
    await engine.drain();
    // action.failed (not action.dead): the job waits for its second attempt.
    expect(await engine.deadLetters()).toEqual([]);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(new RegExp(`^POST http://127.0.0.1:${port}/down: .*ECONNREFUSED`));
  });

  test('signs with Standard Webhooks headers when a secret is set', async () => {
    scripts.set('/signed', [204]);
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const { engine, clock } = engineWith({
      type: 'http',
      params: {
        url: `${base}/signed`,
        secret,
        headers: { 'x-extra': '{{event.type}}' },
        body: { id: '{{event.id}}' },
      },
    });
    await engine.ingest(quoteEvent('quote.created', 'q4', 100, {}, 'evt_signed'), { provider: 'insurer' });
    await engine.drain();
    const [hit] = hitsTo('/signed');
    const ts = Math.floor(clock.now() / 1000);
    expect(hit!.headers).toMatchObject({
      'webhook-id': 'evt_signed:hook:0',
      'webhook-timestamp': String(ts),
      'x-extra': 'quote.created',
      'content-type': 'application/json',
    });
    expect(hit!.headers['webhook-signature']).toBe(
      signStandardWebhook(secret, 'evt_signed:hook:0', ts, hit!.body)['webhook-signature'],
    );
  });

  test('the signature matches the Standard Webhooks reference vector', () => {
    const headers = signStandardWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});
