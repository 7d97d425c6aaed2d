import { type Engine, isPolicyflowError, PolicyflowError } from '@policyflow/core';
import { createFakeProvider, type FakeProvider, type FakeProviderOptions } from '@policyflow/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPoller, kotaClient, type PollerOptions, ten99policyClient } from '../../src/polling/index.js';
import { kotaEvent, policyEvent, testEngine } from '../support/engine.js';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
const open: FakeProvider[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

async function fake(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const f = await createFakeProvider({ now: () => NOW, ...options });
  open.push(f);
  return f;
}

function kotaEvents(from: number, count: number, startMs: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return kotaEvent(i, { createdMs: startMs + i * 1000, group: `gr_${i % 3}`, step: Math.floor(i / 3) });
  });
}

function t99Events(from: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const cycle = Math.floor(i / 3) % 2;
    return policyEvent(i, {
      resource: `pl_${i % 3}`,
      type: cycle === 0 ? 'policy.active' : 'policy.cancelled',
    });
  });
}

function noSleep(delays: number[] = []): Pick<PollerOptions, 'sleep' | 'random' | 'now'> {
  return { sleep: async (ms) => void delays.push(ms), random: () => 0.5, now: () => NOW };
}

function recorder(engine: Engine) {
  const warnings: string[] = [];
  const gaps: string[] = [];
  engine.on('warning', (w) => warnings.push(w.code));
  engine.on('gap', (g) => gaps.push(g.message));
  return { warnings, gaps };
}

describe('Kota poller', () => {
  it('catches up ascending, checkpoints, and skips the overlap it already ingested', async () => {
    const f = await fake();
    f.addEvents('kota', kotaEvents(0, 250, NOW - DAY));
    const { engine, store } = testEngine();
    const client = kotaClient({ baseUrl: f.url, apiKey: f.apiKey });
    const poller = createPoller({ engine, client, ...noSleep() });
    const first = await poller.pollOnce();
    // Each next page starts just before the last page's newest event, so that one is listed twice: 250 + 2.
    expect(first).toMatchObject({ provider: 'kota', fetched: 252, ingested: 250, requests: 3, gap: false });
    expect(first.statuses.stale ?? 0).toBe(0);
    const newest = new Date(NOW - DAY + 249_000).toISOString();
    expect(await store.getCheckpoint('poll:kota')).toBe(JSON.stringify({ created: newest }));
    const again = await poller.pollOnce();
    expect(again.fetched).toBeGreaterThan(0);
    expect(again.ingested).toBe(0);

    f.addEvents('kota', kotaEvents(250, 10, NOW - DAY));
    const late = kotaEvent(9999, { createdMs: NOW - DAY + 200_500, group: 'gr_late', step: 0 });
    f.addEvents('kota', [late]);
    const third = await poller.pollOnce();
    expect(third.ingested).toBe(11);
    expect((await store.getLedgerEntry(late.id as string))?.source).toBe('poll');

    // A fresh poller (no memory of the overlap) relies on the engine's ledger: duplicates, nothing applied twice.
    const fresh = await createPoller({ engine, client, ...noSleep() }).pollOnce();
    expect(fresh.statuses).toEqual({ duplicate: fresh.ingested });
  });

  it('warns near the 30-day retention and emits a gap past it, starting inside the window', async () => {
    const f = await fake();
    f.addEvents('kota', kotaEvents(0, 5, NOW - 2 * DAY));
    const { engine, store } = testEngine();
    const seen = recorder(engine);
    const poller = createPoller({
      engine,
      client: kotaClient({ baseUrl: f.url, apiKey: f.apiKey }),
      ...noSleep(),
    });
    await store.setCheckpoint(
      'poll:kota',
      JSON.stringify({ created: new Date(NOW - 28 * DAY).toISOString() }),
    );
    const near = await poller.pollOnce();
    expect(seen.warnings).toContain('poll_checkpoint_near_retention');
    expect(near.gap).toBe(false);
    await store.setCheckpoint(
      'poll:kota',
      JSON.stringify({ created: new Date(NOW - 40 * DAY).toISOString() }),
    );
    const past = await poller.pollOnce();
    expect(past.gap).toBe(true);
    expect(seen.gaps[0]).toMatch(/older than Kota's 30-day retention/);
    expect(past).toMatchObject({ fetched: 5, ingested: 0 });
    // No event newer than the old checkpoint: the checkpoint moves to the horizon, so the gap is reported once.
    f.addEvents('kota', []);
    await store.setCheckpoint(
      'poll:kota',
      JSON.stringify({ created: new Date(NOW - 50 * DAY).toISOString() }),
    );
    const empty = testEngine();
    await empty.store.setCheckpoint(
      'poll:kota',
      JSON.stringify({ created: new Date(NOW - 50 * DAY).toISOString() }),
    );
    const quiet = await fake();
    const lone = createPoller({
      engine: empty.engine,
      client: kotaClient({ baseUrl: quiet.url, apiKey: quiet.apiKey }),
      ...noSleep(),
    });
    expect((await lone.pollOnce()).gap).toBe(true);
    expect((await lone.pollOnce()).gap).toBe(false);
  });

  it('reports a gap when asked to start before the retention window, and starts inside it', async () => {
    const f = await fake();
    f.addEvents('kota', kotaEvents(0, 3, NOW - 2 * DAY));
    const { engine } = testEngine();
    const seen = recorder(engine);
    const poller = createPoller({
      engine,
      client: kotaClient({ baseUrl: f.url, apiKey: f.apiKey }),
      since: NOW - 45 * DAY,
      ...noSleep(),
    });
    const first = await poller.pollOnce();
    expect(first).toMatchObject({ gap: true, ingested: 3 });
    expect(seen.gaps).toEqual([expect.stringMatching(/^since \(.*\) is older than Kota's 30-day retention/)]);
    // From then on the checkpoint decides, and it is inside the window.
    expect((await poller.pollOnce()).gap).toBe(false);
  });

  it('rides out a 429 storm honouring Retry-After', async () => {
    const f = await fake({ apiFaults: { rateLimit: 0.3, rateLimitBurst: 4, retryAfterSeconds: 2 } });
    f.addEvents('kota', kotaEvents(0, 500, NOW - DAY));
    const { engine } = testEngine();
    const delays: number[] = [];
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: f.url, apiKey: f.apiKey }),
      retry: { maxRetries: 50 },
      ...noSleep(delays),
    }).pollOnce();
    expect(summary.ingested).toBe(500);
    expect(summary.retries).toBeGreaterThan(0);
    expect(delays.every((d) => d === 2000)).toBe(true);
    expect(f.stats().rateLimited).toBe(summary.retries);
  });

  it('uses full-jitter backoff on 500s without Retry-After', async () => {
    const f = await fake({ apiFaults: { serverError: 0.5 } });
    f.addEvents('kota', kotaEvents(0, 300, NOW - DAY));
    const { engine } = testEngine();
    const delays: number[] = [];
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: f.url, apiKey: f.apiKey }),
      retry: { maxRetries: 30, baseMs: 100, maxMs: 1000 },
      ...noSleep(delays),
    }).pollOnce();
    expect(summary.ingested).toBe(300);
    expect(delays.length).toBeGreaterThan(0);
    expect(delays.every((d) => d >= 0 && d < 1000)).toBe(true);
  });
});

describe('1099Policy poller', () => {
  it('walks back to the checkpoint event and ingests oldest first', async () => {
    const f = await fake();
    f.addEvents('ten99policy', t99Events(0, 250));
    const { engine, store } = testEngine();
    const order: string[] = [];
    engine.on('transition', (t) => order.push(t.event.id));
    const client = ten99policyClient({ baseUrl: f.url, apiKey: f.apiKey });
    const poller = createPoller({ engine, client, ...noSleep() });
    const first = await poller.pollOnce();
    expect(first).toMatchObject({ provider: 'ten99policy', fetched: 250, ingested: 250, requests: 4 });
    expect(order).toEqual(t99Events(0, 250).map((e) => e.id));
    expect(JSON.parse((await store.getCheckpoint('poll:ten99policy'))!)).toEqual({
      id: 'ev_00000249',
      created: (1_700_000_000 + 249) * 1000,
    });
    f.addEvents('ten99policy', t99Events(250, 30));
    const second = await poller.pollOnce();
    expect(second).toMatchObject({ fetched: 100, ingested: 30, requests: 1 });
    expect(order.slice(250)).toEqual(t99Events(250, 30).map((e) => e.id));
  });

  it('checkpoints each batch, so a pass that fails half-way resumes without loss', async () => {
    const f = await fake();
    f.addEvents('ten99policy', t99Events(0, 230));
    const { engine, store } = testEngine();
    let calls = 0;
    const flaky: Engine = {
      ...engine,
      ingest: (payload, options) => {
        calls += 1;
        if (calls > 120) return Promise.reject(new PolicyflowError('store_failure', 'disk full'));
        return engine.ingest(payload, options);
      },
    };
    const client = ten99policyClient({ baseUrl: f.url, apiKey: f.apiKey });
    await expect(
      createPoller({ engine: flaky, client, batchSize: 50, ...noSleep() }).pollOnce(),
    ).rejects.toSatisfy((e) => isPolicyflowError(e, 'store_failure'));
    expect(JSON.parse((await store.getCheckpoint('poll:ten99policy'))!).id).toBe('ev_00000099');
    const resumed = await createPoller({ engine, client, batchSize: 50, ...noSleep() }).pollOnce();
    expect(resumed.ingested).toBe(130);
    expect(resumed.statuses.duplicate).toBe(20);
    for (const e of t99Events(0, 230)) expect(await store.getLedgerEntry(e.id as string)).toBeDefined();
  });

  it('walks back past an event sent without an id, by the ids the API knows', async () => {
    const anonymous: Record<string, unknown> = policyEvent(2);
    delete anonymous.id;
    const newestFirst = [policyEvent(3), anonymous, policyEvent(1)];
    const cursors: Array<string | null> = [];
    const fetch = async (url: string): Promise<Response> => {
      const after = new URL(url).searchParams.get('starting_after');
      cursors.push(after);
      const at = after === null ? 0 : newestFirst.findIndex((e) => e.id === after) + 1;
      if (at === 0 && after !== null) {
        const body = { message: `no event ${after}`, error_code: 'invalid_event_id' };
        return new Response(JSON.stringify(body), { status: 400 });
      }
      return new Response(JSON.stringify(newestFirst.slice(at, at + 2)), { status: 200 });
    };
    const { engine } = testEngine();
    const summary = await createPoller({
      engine,
      client: ten99policyClient({ apiKey: 'k', fetch }),
      pageSize: 2,
      ...noSleep(),
    }).pollOnce();
    expect(cursors).toEqual([null, 'ev_00000003', 'ev_00000001']);
    expect(summary).toMatchObject({ ingested: 3, gap: false });
    // A page with no id at all cannot be walked past: short of the checkpoint, that is a gap.
    newestFirst.splice(0, 3, anonymous, { ...anonymous, created: 1_700_000_001 }, policyEvent(0));
    const next = testEngine();
    await next.store.setCheckpoint('poll:ten99policy', JSON.stringify({ id: 'ev_00000000', created: 0 }));
    const blind = await createPoller({
      engine: next.engine,
      client: ten99policyClient({ apiKey: 'k', fetch }),
      pageSize: 2,
      ...noSleep(),
    }).pollOnce();
    expect(cursors.slice(3)).toEqual([null]);
    expect(blind).toMatchObject({ ingested: 2, gap: true });
  });

  it('detects an API that ignores starting_after and reports the gap it causes', async () => {
    const f = await fake({ ten99policy: { honourCursors: false } });
    f.addEvents('ten99policy', t99Events(0, 150));
    const { engine, store } = testEngine();
    const seen = recorder(engine);
    await store.setCheckpoint(
      'poll:ten99policy',
      JSON.stringify({ id: 'ev_00000010', created: 1_700_000_010_000 }),
    );
    const summary = await createPoller({
      engine,
      client: ten99policyClient({ baseUrl: f.url, apiKey: f.apiKey }),
      ...noSleep(),
    }).pollOnce();
    expect(seen.warnings).toContain('poll_cursor_ignored');
    expect(summary.gap).toBe(true);
    expect(summary.ingested).toBe(100);
    const none = await createPoller({
      engine,
      client: ten99policyClient({ baseUrl: f.url, apiKey: f.apiKey }),
      cursor: 'none',
      ...noSleep(),
    }).pollOnce();
    expect(none).toMatchObject({ requests: 1, ingested: 0, gap: false });
  });
});

describe('poller lifecycle', () => {
  it('401 stops pollOnce and start() with a clear error', async () => {
    const f = await fake();
    const { engine } = testEngine();
    const poller = createPoller({
      engine,
      client: kotaClient({ baseUrl: f.url, apiKey: 'pk_test_revoked' }),
      ...noSleep(),
    });
    await expect(poller.pollOnce()).rejects.toThrow(/refused the credentials \(401/);
    await expect(poller.start({ every: '1m' })).rejects.toSatisfy((e) =>
      isPolicyflowError(e, 'provider_auth_failed'),
    );
    expect(f.stats().requests).toBe(2);
  });

  it('start() polls every interval until aborted, reporting failed passes and going on', async () => {
    const f = await fake();
    f.addEvents('ten99policy', t99Events(0, 5));
    const { engine } = testEngine();
    const seen = recorder(engine);
    const controller = new AbortController();
    const slept: number[] = [];
    const errors: unknown[] = [];
    let passes = 0;
    const poller = createPoller({
      engine,
      client: ten99policyClient({ baseUrl: f.url, apiKey: f.apiKey }),
      retry: { maxRetries: 0 },
      random: () => 0,
      now: () => NOW,
      onError: (e) => errors.push(e),
      sleep: async (ms) => {
        slept.push(ms);
        passes += 1;
        if (passes === 1) f.setApiFaults({ serverError: 1 });
        if (passes === 2) f.setApiFaults({});
        if (passes === 2) f.addEvents('ten99policy', t99Events(5, 2));
        if (passes === 3) controller.abort();
      },
    });
    await poller.start({ every: '30s', signal: controller.signal });
    expect(slept).toEqual([30_000, 30_000, 30_000]);
    expect(errors).toHaveLength(1);
    expect(seen.warnings).toContain('poll_failed');
    expect(await engine.store.getLedgerEntry('ev_00000006')).toBeDefined();
  });

  it('shares one pass between concurrent pollOnce calls, and rejects unknown providers', async () => {
    const f = await fake();
    f.addEvents('kota', kotaEvents(0, 3, NOW - DAY));
    const { engine } = testEngine();
    const poller = createPoller({
      engine,
      client: kotaClient({ baseUrl: f.url, apiKey: f.apiKey }),
      ...noSleep(),
    });
    const [a, b] = await Promise.all([poller.pollOnce(), poller.pollOnce()]);
    expect(a).toBe(b);
    expect(() =>
      createPoller({ engine, provider: 'acme', client: kotaClient({ baseUrl: f.url, apiKey: 'k' }) }),
    ).toThrow(/no provider 'acme'/);
  });
});

describe('Kota poller failures', () => {
  it('an id the API lists twice is ingested once', async () => {
    const f = await fake();
    const events = kotaEvents(0, 20, NOW - DAY);
    f.addEvents('kota', [...events, events[5]!, events[6]!]);
    const { engine } = testEngine();
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: f.url, apiKey: f.apiKey }),
      ...noSleep(),
    }).pollOnce();
    expect(summary).toMatchObject({ fetched: 22, ingested: 20, statuses: { applied: 20 } });
  });

  it('a page whose ingest fails is fetched and ingested again by the next pass', async () => {
    const f = await fake();
    f.addEvents('kota', kotaEvents(0, 250, NOW - DAY));
    const { engine, store } = testEngine();
    let calls = 0;
    const flaky: Engine = {
      ...engine,
      ingest: (payload, options) => {
        calls += 1;
        if (calls > 150 && calls <= 160)
          return Promise.reject(new PolicyflowError('engine_overloaded', 'busy'));
        return engine.ingest(payload, options);
      },
    };
    const poller = createPoller({
      engine: flaky,
      client: kotaClient({ baseUrl: f.url, apiKey: f.apiKey }),
      ...noSleep(),
    });
    await expect(poller.pollOnce()).rejects.toSatisfy((e) => isPolicyflowError(e, 'engine_overloaded'));
    const checkpoint = JSON.parse((await store.getCheckpoint('poll:kota'))!) as { created: string };
    expect(checkpoint.created).toBe(new Date(NOW - DAY + 99_000).toISOString());
    const again = await poller.pollOnce();
    // The page's other events went through while ten failed; those ten come back older than their
    // resources' newest event, so they are recorded as stale: in the ledger and history, not lost. (The
    // second page starts at the first page's newest event, which is skipped as seen: 99 fresh ones.)
    expect(again.statuses).toEqual({ duplicate: 89, stale: 10, applied: 51 });
    for (const e of kotaEvents(0, 250, NOW - DAY))
      expect(await store.getLedgerEntry(e.id as string)).toBeDefined();
  });
});
