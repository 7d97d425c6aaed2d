import { describe, expect, it } from 'vitest';
import { createPoller, type PollerOptions, ten99policyClient } from '../../src/polling/index.js';
import { policyEvent, testEngine } from '../support/engine.js';

const deterministic: Pick<PollerOptions, 'sleep' | 'random' | 'now'> = {
  sleep: async () => {},
  random: () => 0.5,
  now: () => Date.UTC(2026, 5, 1),
};

/** An in-memory 1099Policy `GET /api/v1/events`: newest first, `starting_after` by id. No socket at all. */
function t99Api(list: { events: Array<Record<string, unknown>> }) {
  return async (input: string): Promise<Response> => {
    const q = new URL(input).searchParams;
    const limit = Number(q.get('limit') ?? 10);
    const after = q.get('starting_after');
    const start = after === null ? 0 : list.events.findIndex((e) => e.id === after) + 1;
    return new Response(JSON.stringify(list.events.slice(start, start + limit)), {
      headers: { 'content-type': 'application/json' },
    });
  };
}

const at = (n: number) => 1_700_000_000 + n * 60;

describe('1099Policy poller: event times as the engine reads them', () => {
  it('walks past events timed by created_at, by created: null, or not readably, down to the checkpoint', async () => {
    const list = { events: [policyEvent(1, { created: at(1) })] };
    const { engine, store } = testEngine();
    const gaps: string[] = [];
    engine.on('gap', (g) => gaps.push(g.message));
    const poller = createPoller({
      engine,
      client: ten99policyClient({ apiKey: 't9sk_test_x', fetch: t99Api(list) }),
      pageSize: 2,
      ...deterministic,
    });
    await poller.pollOnce();

    // Newest first. ev_5 has `created_at` only, ev_4 `created: null` beside `created_at` (both read by the
    // engine); ev_3's time cannot be read at all (the engine records it invalid): none of them is older.
    const e5: Record<string, unknown> = {
      ...policyEvent(5),
      created_at: new Date(at(5) * 1000).toISOString(),
    };
    delete e5.created;
    const e4 = { ...policyEvent(4), created: null, created_at: at(4) };
    const e3 = { ...policyEvent(3), created: 'soon' };
    const e2 = policyEvent(2, { created: at(2) });
    list.events = [policyEvent(6, { created: at(6) }), e5, e4, e3, e2, ...list.events];
    const second = await poller.pollOnce();

    for (const id of ['ev_00000006', 'ev_00000005', 'ev_00000004', 'ev_00000002'])
      expect((await store.getLedgerEntry(id))?.status, id).toBe('applied');
    expect((await store.listInvalid()).map((r) => JSON.parse(r.body).id)).toEqual(['ev_00000003']);
    expect(second).toMatchObject({ ingested: 5, gap: false });
    expect(gaps).toEqual([]);
    expect(JSON.parse(second.checkpoint!)).toEqual({ id: 'ev_00000006', created: at(6) * 1000 });
  });

  it('checkpoints the newest readable time, and walks back from a checkpoint written with created: null', async () => {
    const e3 = { ...policyEvent(3), created: 'soon' };
    const e2: Record<string, unknown> = {
      ...policyEvent(2),
      created_at: new Date(at(2) * 1000).toISOString(),
    };
    delete e2.created;
    const list = { events: [e3, e2, policyEvent(1, { created: at(1) }), policyEvent(0, { created: at(0) })] };
    const { engine, store } = testEngine();
    // What an earlier version wrote for an event whose `created` it could not read.
    await store.setCheckpoint('poll:ten99policy', JSON.stringify({ id: 'ev_00000000', created: null }));
    const summary = await createPoller({
      engine,
      client: ten99policyClient({ apiKey: 't9sk_test_x', fetch: t99Api(list) }),
      ...deterministic,
    }).pollOnce();
    expect(summary).toMatchObject({ ingested: 3, gap: false });
    expect(summary.statuses.applied).toBe(2);
    // The newest event (ev_3) has no time the poller can read: the checkpoint keeps ev_2's.
    expect(JSON.parse((await store.getCheckpoint('poll:ten99policy'))!)).toEqual({
      id: 'ev_00000003',
      created: at(2) * 1000,
    });
  });
});
