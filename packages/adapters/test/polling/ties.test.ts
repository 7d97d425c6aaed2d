import { createFakeProvider, seededRandom } from '@policyflow/testing';
import { describe, expect, it } from 'vitest';
import { createPoller, kotaClient, type PollerOptions } from '../../src/polling/index.js';
import { kotaEvent, testEngine } from '../support/engine.js';
import { kotaMock, shuffled, type TieQuery } from './kotaMock.js';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
const T = NOW - DAY;

const deterministic: Pick<PollerOptions, 'sleep' | 'random' | 'now'> = {
  sleep: async () => {},
  random: () => 0.5,
  now: () => NOW,
};

/** Event `n` of its own group (so no two events of one resource tie), created at `ms`. */
const ev = (n: number, ms: number) => kotaEvent(n, { createdMs: ms, group: `gr_${n}`, step: 0 });

async function missing(
  store: ReturnType<typeof testEngine>['store'],
  events: ReadonlyArray<Record<string, unknown>>,
) {
  const out: string[] = [];
  for (const e of events) if (!(await store.getLedgerEntry(e.id as string))) out.push(e.id as string);
  return out;
}

/** A stable per-(page, size) order, as a database's top-N sort of ties gives: page 2 may repeat page 1. */
function byOffset(ties: ReadonlyArray<Record<string, unknown>>, q: TieQuery): Record<string, unknown>[] {
  const key = (e: Record<string, unknown>): number => {
    let h = (0x811c9dc5 ^ (q.page * 131 + q.size)) >>> 0;
    for (const ch of String(e.id)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    return h;
  };
  return [...ties].sort((a, b) => key(a) - key(b));
}

describe('Kota poller: equal timestamps across page boundaries', () => {
  it('loses no event when Kota orders a tie group differently on the next request', async () => {
    const [A, B, C, D] = [1, 2, 3, 4].map((n) => ev(n, T));
    const E = ev(5, T + 3_600_000);
    // The second request lists the tie group C, D, A, B: paging one query by number read A, B twice.
    const mock = kotaMock([A!, B!, C!, D!, E], {
      now: NOW,
      tieOrder: (ties, q) => (q.call === 1 && ties.length === 4 ? [C!, D!, A!, B!] : [...ties]),
    });
    const { engine, store } = testEngine();
    const poller = createPoller({
      engine,
      client: kotaClient({ baseUrl: 'http://kota.test', apiKey: 'pk_test_1', fetch: mock.fetch }),
      pageSize: 2,
      ...deterministic,
    });
    const first = await poller.pollOnce();
    const second = await poller.pollOnce();
    expect(await missing(store, [A!, B!, C!, D!, E])).toEqual([]);
    expect(first).toMatchObject({ ingested: 5, gap: false });
    expect(second).toMatchObject({ ingested: 0, gap: false });
  });

  for (const inclusive of [false, true]) {
    it(`loses no event when ties are shuffled on every request (created_after ${inclusive ? 'inclusive' : 'exclusive'})`, async () => {
      const random = seededRandom(inclusive ? 7 : 3);
      // 400 events in groups of 1–12 equal timestamps (many larger than the 5-event page), a second apart.
      const events: Record<string, unknown>[] = [];
      for (let t = 0; events.length < 400; t++) {
        const group = 1 + Math.floor(random() * 12);
        for (let k = 0; k < group && events.length < 400; k++) events.push(ev(events.length, T + t * 1000));
      }
      const mock = kotaMock(events, { now: NOW, inclusive, tieOrder: (ties) => shuffled(ties, random) });
      const { engine, store } = testEngine();
      const gaps: string[] = [];
      engine.on('gap', (g) => gaps.push(g.message));
      const poller = createPoller({
        engine,
        client: kotaClient({ baseUrl: 'http://kota.test', apiKey: 'pk_test_1', fetch: mock.fetch }),
        pageSize: 5,
        ...deterministic,
      });
      const first = await poller.pollOnce();
      expect(await missing(store, events)).toEqual([]);
      expect(first).toMatchObject({ ingested: 400, gap: false });
      expect(first.statuses).toEqual({ applied: 400 });
      expect(gaps).toEqual([]);
      expect((await poller.pollOnce()).ingested).toBe(0);
    });
  }

  it('reads a whole page of one timestamp when the order of ties depends on the page asked for', async () => {
    // Twelve events of one millisecond over 5-event pages: pages 1–3 of one query overlap and miss some.
    const tie = Array.from({ length: 12 }, (_, i) => ev(i, T));
    const later = [ev(20, T + 1000), ev(21, T + 2000), ev(22, T + 3000)];
    const mock = kotaMock([...tie, ...later], { now: NOW, tieOrder: byOffset });
    const { engine, store } = testEngine();
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: 'http://kota.test', apiKey: 'pk_test_1', fetch: mock.fetch }),
      pageSize: 5,
      ...deterministic,
    }).pollOnce();
    expect(await missing(store, [...tie, ...later])).toEqual([]);
    expect(summary).toMatchObject({ ingested: 15, gap: false });
    expect(mock.requests.length).toBeLessThan(10);
  });

  it('ends a pass whose pages all share one timestamp, and reads each event once', async () => {
    const fake = await createFakeProvider({ now: () => NOW, kota: { shuffleTies: true }, seed: 9 });
    try {
      const tie = Array.from({ length: 250 }, (_, i) => ev(i, T));
      fake.addEvents('kota', [...tie, ev(300, T + 1000)]);
      const { engine, store } = testEngine();
      const poller = createPoller({
        engine,
        client: kotaClient({ baseUrl: fake.url, apiKey: fake.apiKey }),
        ...deterministic,
      });
      const summary = await poller.pollOnce();
      expect(summary).toMatchObject({ ingested: 251, gap: false });
      // At most page 1, page 1 again from just before its one timestamp, then pages 2 and 3 of that query.
      expect(summary.requests).toBeLessThanOrEqual(4);
      expect(await missing(store, tie)).toEqual([]);
      expect((await poller.pollOnce()).ingested).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('reports a gap, and still ends, when a tie group larger than any page hides an event', async () => {
    // 150 events of one millisecond; the server never lists `hidden` where the page asked for would show it.
    const tie = Array.from({ length: 150 }, (_, i) => ev(i, T));
    const hidden = tie[17]!;
    const mock = kotaMock([...tie, ev(200, T + 1000)], {
      now: NOW,
      tieOrder: (ties, q) => {
        if (ties.length !== 150) return [...ties];
        const rest = ties.filter((e) => e !== hidden);
        return q.page === 1 ? [...rest, hidden] : [hidden, ...rest];
      },
    });
    const { engine, store } = testEngine();
    const gaps: string[] = [];
    engine.on('gap', (g) => gaps.push(g.message));
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: 'http://kota.test', apiKey: 'pk_test_1', fetch: mock.fetch }),
      pageSize: 100,
      ...deterministic,
    }).pollOnce();
    expect(summary).toMatchObject({ ingested: 150, gap: true });
    expect(gaps).toEqual([
      expect.stringMatching(/^Kota listed 151 events .* only 150 different ids could be read/),
    ]);
    expect(await missing(store, tie)).toEqual([hidden.id]);
    expect(mock.requests.length).toBeLessThan(20);
  });
});
