import { afterEach, describe, expect, it } from 'vitest';
import { createFakeProvider, type FakeProvider, type FakeProviderOptions } from '../../src/index.js';

const NOW = Date.UTC(2026, 0, 31);
const open: FakeProvider[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

async function fake(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const f = await createFakeProvider({ now: () => NOW, ...options });
  open.push(f);
  return f;
}

function kotaEvent(n: number, createdMs: number): Record<string, unknown> {
  return {
    id: `evt_${n.toString(16).padStart(32, '0')}`,
    platform_id: 'pt_1',
    created: new Date(createdMs).toISOString(),
    type: 'group.ready',
    data: { id: `gr_${n}`, resource_type: 'group', object: 'group' },
    api_version: n % 2 === 0 ? 'v2' : 'v1',
  };
}

function ten99Event(n: number): Record<string, unknown> {
  return {
    id: `ev_${n}`,
    type: 'policy.active',
    created: 1_760_000_000 + Math.floor(n / 3),
    data: { id: `pl_${n}` },
  };
}

async function get(
  f: FakeProvider,
  path: string,
  key = f.apiKey,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${f.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('fake Kota events API', () => {
  it('pages ascending and descending with the real envelope', async () => {
    const f = await fake();
    f.addEvents(
      'kota',
      Array.from({ length: 25 }, (_, i) => kotaEvent(i, NOW - 60_000 * (25 - i))),
    );
    const first = await get(f, '/events?order_direction=asc&page_size=10');
    expect(first.status).toBe(200);
    const page = first.body as { items: Array<{ id: string }>; [k: string]: unknown };
    expect(page.items).toHaveLength(10);
    expect(page.items[0]!.id).toBe(kotaEvent(0, 0).id);
    expect({ ...page, items: undefined }).toEqual({
      items: undefined,
      page: 1,
      page_size: 10,
      total_count: 25,
      has_next_page: true,
      has_previous_page: false,
    });
    const last = (await get(f, '/events?order_direction=asc&page_size=10&page=3')).body as typeof page;
    expect(last.items).toHaveLength(5);
    expect(last.has_next_page).toBe(false);
    const desc = (await get(f, '/events')).body as typeof page;
    expect(desc.page_size).toBe(10);
    expect(desc.items[0]!.id).toBe(kotaEvent(24, 0).id);
    const v2 = (await get(f, '/events?version=v2&page_size=100')).body as typeof page;
    expect(v2.total_count).toBe(13);
  });

  it('filters created_after (inclusive by default, exclusive when configured) within the retention', async () => {
    const at = NOW - 3_600_000;
    for (const [inclusive, expected] of [
      [true, 2],
      [false, 1],
    ] as const) {
      const f = await fake({ kota: { createdAfterInclusive: inclusive } });
      f.addEvents('kota', [kotaEvent(1, at - 1000), kotaEvent(2, at), kotaEvent(3, at + 1000)]);
      const res = await get(f, `/events?created_after=${new Date(at).toISOString()}`);
      expect((res.body as { total_count: number }).total_count).toBe(expected);
    }
    const f = await fake();
    f.addEvents('kota', [kotaEvent(9, NOW - 31 * 86_400_000), kotaEvent(10, NOW - 1000)]);
    expect(((await get(f, '/events')).body as { total_count: number }).total_count).toBe(1);
    const tooOld = await get(f, `/events?created_after=${new Date(NOW - 31 * 86_400_000).toISOString()}`);
    expect(tooOld.status).toBe(400);
    expect(tooOld.headers.get('content-type')).toBe('application/problem+json');
    expect(tooOld.body).toMatchObject({
      status: 400,
      error_code: 'invalid_request',
      errors: { created_after: [expect.any(String)] },
    });
  });

  it('reads a zone-less created_after as UTC, as the events’ zone-less times are, whatever the host zone', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // The zone took: a zone-less text is local time to Date.parse now.
      expect(Date.parse('2026-01-30T01:00:00')).toBe(Date.parse('2026-01-30T06:00:00Z'));
      const f = await fake();
      f.addEvents('kota', [{ ...kotaEvent(1, 0), created: '2026-01-30T02:00:00' }]);
      const count = async (after: string) =>
        ((await get(f, `/events?created_after=${after}`)).body as { items: Array<{ id: string }> }).items
          .length;
      expect(await count('2026-01-30T01:00:00')).toBe(1);
      expect(await count('2026-01-30T03:00:00')).toBe(0);
      expect(await count('2026-01-30T01:00:00Z')).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('answers problem+json for a bad page size, a missing key and an unknown event', async () => {
    const f = await fake();
    f.addEvents('kota', [kotaEvent(1, NOW - 1000)]);
    expect((await get(f, '/events?page_size=101')).body).toMatchObject({
      status: 400,
      errors: { page_size: [expect.any(String)] },
    });
    expect((await get(f, '/events', 'wrong')).body).toMatchObject({
      status: 401,
      error_code: 'unauthorized',
    });
    expect((await get(f, `/events/${kotaEvent(1, 0).id}`)).body).toMatchObject({ type: 'group.ready' });
    expect((await get(f, '/events/evt_nope')).status).toBe(404);
  });

  it('orders equal timestamps by a seeded hash when shuffleTies is on', async () => {
    const events = Array.from({ length: 20 }, (_, i) => kotaEvent(i, NOW - 5000));
    const f = await fake({ kota: { shuffleTies: true } });
    f.addEvents('kota', events);
    const ids = (
      (await get(f, '/events?order_direction=asc&page_size=100')).body as { items: Array<{ id: string }> }
    ).items.map((e) => e.id);
    expect(ids).not.toEqual(events.map((e) => e.id));
    expect([...ids].sort()).toEqual(events.map((e) => e.id as string).sort());
  });
});

describe('fake 1099Policy events API', () => {
  it('lists a bare array newest first, walks back with starting_after and forward with ending_before', async () => {
    const f = await fake();
    f.addEvents(
      'ten99policy',
      Array.from({ length: 35 }, (_, i) => ten99Event(i)),
    );
    const first = (await get(f, '/api/v1/events')).body as Array<{ id: string }>;
    expect(first.map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `ev_${34 - i}`));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = (await get(f, `/api/v1/events?limit=15${cursor ? `&starting_after=${cursor}` : ''}`))
        .body as Array<{ id: string }>;
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.id));
      cursor = page[page.length - 1]!.id;
    }
    expect(seen).toEqual(Array.from({ length: 35 }, (_, i) => `ev_${34 - i}`));
    const newer = (await get(f, '/api/v1/events?limit=3&ending_before=ev_10')).body as Array<{ id: string }>;
    expect(newer.map((e) => e.id)).toEqual(['ev_13', 'ev_12', 'ev_11']);
  });

  it('ignores cursors when configured, and answers { message, error_code } errors', async () => {
    const f = await fake({ ten99policy: { honourCursors: false, defaultLimit: 20 } });
    f.addEvents(
      'ten99policy',
      Array.from({ length: 30 }, (_, i) => ten99Event(i)),
    );
    const a = (await get(f, '/api/v1/events')).body as unknown[];
    const b = (await get(f, '/api/v1/events?starting_after=ev_20')).body as unknown[];
    expect(a).toHaveLength(20);
    expect(b).toEqual(a);
    expect((await get(f, '/api/v1/events?limit=0')).body).toEqual({
      message: expect.any(String),
      error_code: 'invalid_input',
    });
    expect((await get(f, '/api/v1/events', 'x')).body).toEqual({
      message: expect.any(String),
      error_code: 'invalid_api_key',
    });
    expect(await get(f, '/api/v1/events/ev_missing')).toMatchObject({
      status: 404,
      body: { error_code: 'invalid_event_id' },
    });
    expect((await get(f, '/api/v1/events/ev_3')).body).toEqual(ten99Event(3));
  });
});

describe('fake API faults', () => {
  it('429 storms with Retry-After, then 500s, counted in stats', async () => {
    const f = await fake({ apiFaults: { rateLimit: 1, rateLimitBurst: 3, retryAfterSeconds: 2 } });
    const r = await get(f, '/events');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.body).toMatchObject({ error_code: 'rate_limit_exceeded' });
    f.setApiFaults({ serverError: 1 });
    expect((await get(f, '/api/v1/events')).body).toEqual({
      message: expect.any(String),
      error_code: 'general_error',
    });
    f.setApiFaults({});
    expect((await get(f, '/events')).status).toBe(200);
    expect(f.stats()).toEqual({ requests: 3, rateLimited: 1, serverErrors: 1, unauthorized: 0 });
  });
});
