import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryStore } from '@policyflow/core';
import { createFakeProvider, type FakeProvider } from '@policyflow/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPollingWorker } from '../src/worker.js';

const fixtures = join(import.meta.dirname, '../../../packages/testing/fixtures');
const events = (file: string) =>
  readFileSync(join(fixtures, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// Recent timestamps, inside the fake's (and Kota's) 30-day event retention.
function recent(list: Array<Record<string, unknown>>, from: number): Array<Record<string, unknown>> {
  return list.map((e, i) =>
    'created_at' in e
      ? { ...e, created_at: new Date(from + i * 60_000).toISOString() }
      : { ...e, created: Math.floor((from + i * 60_000) / 1000) },
  );
}

let fake: FakeProvider;
beforeEach(async () => {
  fake = await createFakeProvider({ seed: 3 });
});
afterEach(async () => {
  await fake.close();
});

describe('polling-worker example', () => {
  it('polls both providers into the store and resumes from its checkpoints', async () => {
    const start = Date.now() - 6 * 60 * 60 * 1000;
    const kotaEvents = recent(events('kota-v1.ndjson'), start);
    const ten99Events = recent(events('ten99policy.ndjson'), start);
    fake.addEvents('kota', kotaEvents.slice(0, 10));
    fake.addEvents('ten99policy', ten99Events.slice(0, 10));
    const api = { baseUrl: fake.url, apiKey: fake.apiKey };
    const worker = createPollingWorker({ store: createMemoryStore(), kota: api, ten99policy: api });

    const first = await worker.pollOnce();
    expect(first.map((s) => s.ingested)).toEqual([10, 10]);
    const application = 'ten99policy/application/ias_01FVCHXE7PNQHA1T3S2AXL2QZE';
    expect((await worker.engine.getResource(application))?.state).toBe('manual_review');

    fake.addEvents('kota', kotaEvents.slice(10));
    fake.addEvents('ten99policy', ten99Events.slice(10));
    const second = await worker.pollOnce();
    // Only what is new since the checkpoints is applied; any overlap the pollers re-read is a duplicate.
    expect(second.map((s) => s.statuses.applied ?? 0)).toEqual([
      kotaEvents.length - 10 - (second[0]!.statuses.forced ?? 0),
      ten99Events.length - 10 - (second[1]!.statuses.forced ?? 0),
    ]);
    expect((await worker.engine.getResource(application))?.state).toBe('manual_review_approved');
    await worker.engine.close();
  });

  it('stops when the signal aborts and closes the engine', async () => {
    const worker = createPollingWorker({
      store: createMemoryStore(),
      kota: { baseUrl: fake.url, apiKey: fake.apiKey },
    });
    const controller = new AbortController();
    const running = worker.run('50ms', controller.signal);
    controller.abort();
    await running;
    await expect(worker.engine.ingest('{}', { provider: 'kota' })).rejects.toThrow(/closed/);
  });
});
