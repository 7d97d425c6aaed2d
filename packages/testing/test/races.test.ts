import {
  createEngine,
  createMemoryStore,
  type IngestResult,
  kota,
  type Store,
  ten99policy,
} from '@policyflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulatedClock, type HistoryEvent, lifecycleHistory } from '../src/index.js';
import { acme } from './helpers.js';

/** A memory store whose every read and write resolves when the scheduler says, so ingests interleave at random. */
function scheduledStore(s: fc.Scheduler): Store {
  const inner = createMemoryStore({ historyLimit: 1000 });
  // A wrapper is used through its awaited calls (the inner face is not its own): the scheduler interleaves them.
  const wrapped: Store = {
    ...inner,
    getResource: s.scheduleFunction((key: string) => inner.getResource(key)),
    hasEvent: s.scheduleFunction((id: string) => inner.hasEvent(id)),
    commit: s.scheduleFunction((w: Parameters<Store['commit']>[0]) => inner.commit(w)),
  };
  return wrapped;
}

const histories = fc.oneof(
  lifecycleHistory(acme, 'claim', { minLength: 2 }),
  lifecycleHistory(kota(), 'employer_quote', { minLength: 2 }),
  lifecycleHistory(ten99policy(), 'policy', { minLength: 2 }),
);

function providers() {
  return [acme, kota(), ten99policy()];
}

describe('races (fc.scheduler drives the store)', () => {
  const arrivals = histories.chain((h) =>
    fc.shuffledSubarray([...h.events], { minLength: h.events.length }).map((order) => ({ h, order })),
  );

  it('concurrent ingests of one resource are applied in arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, fc.scheduler(), async ({ h, order }, s) => {
        const engine = createEngine({
          providers: providers(),
          store: scheduledStore(s),
          clock: createSimulatedClock(),
        });
        const pending = order.map((e) => engine.ingest(e.body, { provider: e.provider }));
        const results = await s.waitFor(Promise.all(pending));
        const history = await engine.store.getHistory(h.key, 1000);
        expect(history.map((x) => x.eventId)).toEqual(order.map((e) => e.eventId));
        let newest = Number.NEGATIVE_INFINITY;
        for (const [i, e] of order.entries()) {
          expect(results[i]!.status === 'stale', `${e.eventId}`).toBe(e.occurredAt < newest);
          newest = Math.max(newest, e.occurredAt);
        }
        expect((await s.waitFor(engine.getResource(h.key)))?.lastEventId).toBe(h.events.at(-1)!.eventId);
      }),
      { numRuns: 100 },
    );
  });

  it('a webhook and a poller racing on the same events apply each once', async () => {
    await fc.assert(
      fc.asyncProperty(histories, fc.scheduler(), async (h, s) => {
        const engine = createEngine({
          providers: providers(),
          store: scheduledStore(s),
          clock: createSimulatedClock(),
        });
        const race = (e: HistoryEvent): Array<Promise<IngestResult>> => [
          engine.ingest(e.body, { provider: e.provider, source: 'webhook' }),
          engine.ingest(e.body, { provider: e.provider, source: 'poll' }),
        ];
        const pending = h.events.flatMap(race);
        const results = await s.waitFor(Promise.all(pending));
        for (const [i, e] of h.events.entries()) {
          const pair = [results[2 * i]!.status, results[2 * i + 1]!.status];
          expect(
            pair.filter((st) => st === 'duplicate'),
            e.eventId,
          ).toHaveLength(1);
        }
        const history = await engine.store.getHistory(h.key, 1000);
        expect(history.map((x) => x.eventId).sort()).toEqual(h.events.map((e) => e.eventId).sort());
        const resource = await s.waitFor(engine.getResource(h.key));
        expect(resource?.state).toEqual(h.final);
      }),
      { numRuns: 100 },
    );
  });
});
