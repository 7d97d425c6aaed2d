import { describe, expect, it } from 'vitest';
import { createPoller, kotaClient, type PollerOptions } from '../../src/polling/index.js';
import { kotaEvent, testEngine } from '../support/engine.js';
import { kotaMock } from './kotaMock.js';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
const HORIZON = NOW - 30 * DAY;

const deterministic: Pick<PollerOptions, 'sleep' | 'random' | 'now'> = {
  sleep: async () => {},
  random: () => 0.5,
  now: () => NOW,
};

const ev = (n: number, ms: number) => kotaEvent(n, { createdMs: ms, group: `gr_${n}`, step: 0 });
const checkpointAt = (ms: number) => JSON.stringify({ created: new Date(ms).toISOString() });

function watch(engine: ReturnType<typeof testEngine>['engine']) {
  const gaps: string[] = [];
  const warnings: string[] = [];
  engine.on('gap', (g) => gaps.push(g.message));
  engine.on('warning', (w) => warnings.push(w.code));
  return { gaps, warnings };
}

describe('Kota poller: a checkpoint in the last minute of the retention', () => {
  it('asks for the events just after a checkpoint that is still inside the retention', async () => {
    // The last pass ingested `done`; `next` came 30 s later, still inside Kota's 30 days.
    const done = ev(1, HORIZON + 10_000);
    const next = ev(2, HORIZON + 40_000);
    const later = ev(3, HORIZON + 3_600_000);
    const mock = kotaMock([done, next, later], { now: NOW });
    const { engine, store } = testEngine();
    const seen = watch(engine);
    await store.setCheckpoint('poll:kota', checkpointAt(HORIZON + 10_000));
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: 'http://kota.test', apiKey: 'pk_test_1', fetch: mock.fetch }),
      ...deterministic,
    }).pollOnce();
    expect(await store.getLedgerEntry(next.id as string)).toBeDefined();
    expect(await store.getLedgerEntry(later.id as string)).toBeDefined();
    expect(summary.gap).toBe(false);
    expect(seen.gaps).toEqual([]);
    expect(seen.warnings).toContain('poll_checkpoint_near_retention');
    // Never before the horizon (Kota would refuse it), never after the checkpoint.
    const start = Date.parse(mock.requests[0]!.createdAfter!);
    expect(start).toBeGreaterThanOrEqual(HORIZON);
    expect(start).toBeLessThanOrEqual(HORIZON + 10_000);
  });

  it('starts at a since in the last minute of the retention, not a minute inside it', async () => {
    const next = ev(2, HORIZON + 40_000);
    const mock = kotaMock([next], { now: NOW });
    const { engine, store } = testEngine();
    const seen = watch(engine);
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: 'http://kota.test', apiKey: 'pk_test_1', fetch: mock.fetch }),
      since: HORIZON + 5_000,
      ...deterministic,
    }).pollOnce();
    expect(await store.getLedgerEntry(next.id as string)).toBeDefined();
    expect(summary).toMatchObject({ ingested: 1, gap: false });
    expect(seen.gaps).toEqual([]);
  });

  it('reports the gap when Kota, its clock ahead, refuses such a start, and goes on a minute inside', async () => {
    // Kota's clock is 5 s ahead: for it the checkpoint (2 s inside our horizon) is already past.
    const lost = ev(1, HORIZON + 3_000);
    const kept = ev(2, HORIZON + 3_600_000);
    const mock = kotaMock([lost, kept], { now: NOW + 5_000 });
    const { engine, store } = testEngine();
    const seen = watch(engine);
    await store.setCheckpoint('poll:kota', checkpointAt(HORIZON + 2_000));
    const summary = await createPoller({
      engine,
      client: kotaClient({ baseUrl: 'http://kota.test', apiKey: 'pk_test_1', fetch: mock.fetch }),
      ...deterministic,
    }).pollOnce();
    expect(summary).toMatchObject({ gap: true, ingested: 1 });
    expect(seen.gaps).toEqual([
      expect.stringMatching(/^Kota refused created_after=.* as past its 30-day retention/),
    ]);
    expect(await store.getLedgerEntry(kept.id as string)).toBeDefined();
    expect(mock.requests.map((r) => Date.parse(r.createdAfter!))).toEqual([
      HORIZON + 2_000 - 1,
      HORIZON + 60_000,
    ]);
  });
});
