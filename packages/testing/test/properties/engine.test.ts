import { test } from '@fast-check/vitest';
import {
  type Catalog,
  createEngine,
  createMemoryStore,
  deriveTable,
  type Engine,
  kota,
  type Store,
  stateKey,
  ten99policy,
} from '@policyflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  createSimulatedClock,
  deliverySchedule,
  type LifecycleHistory,
  lifecycleHistory,
  providerEvent,
} from '../../src/index.js';
import { acme } from '../helpers.js';

const catalogs: ReadonlyArray<Catalog> = [kota(), ten99policy(), acme];
const lifecycles = catalogs.flatMap((c) => [...c.lifecycles.keys()].map((name) => ({ catalog: c, name })));

function engineFor(catalog: Catalog, store: Store = createMemoryStore({ historyLimit: 500 })): Engine {
  return createEngine({ providers: [catalog], store, clock: createSimulatedClock() });
}

function tableOf(catalog: Catalog, lifecycle: string) {
  const events = [...catalog.events.values()].filter((e) => e.lifecycle === lifecycle).map((e) => e.event);
  return deriveTable(catalog.lifecycles.get(lifecycle)!.machine, events);
}

const anyHistory = fc
  .constantFrom(...lifecycles)
  .chain(({ catalog, name }) =>
    lifecycleHistory(catalog, name, { minLength: 1 }).map((h) => ({ catalog, h })),
  );

async function contents(store: Store, h: LifecycleHistory) {
  return {
    resources: await store.listResources(),
    history: await store.getHistory(h.key, 1000),
    ledger: await Promise.all(h.events.map((e) => store.getLedgerEntry(e.eventId))),
    jobs: await store.listJobs(),
    invalid: await store.listInvalid(),
  };
}

describe('engine properties', () => {
  // Any events of a flat lifecycle, forced ones included (a re-announcement such as `employee.created` after
  // `employee.offboarded`), at distinct times: whatever order they arrive in, the resource ends as their
  // time order leaves it. A late event that repeats a state still takes its region's time, so an older one
  // arriving after it cannot overturn it.
  const byProvider = (p: string): Catalog => (p === 'kota' ? kota() : ten99policy());
  const flat = [kota(), ten99policy()].flatMap((c) =>
    [...c.lifecycles.keys()]
      .filter((name) => typeof tableOf(c, name).initial === 'string')
      // The catalog by name: a counterexample then prints as a few lines, not as a whole machine.
      .map((name) => ({
        provider: c.provider,
        types: [...c.events.values()].filter((e) => e.lifecycle === name).map((e) => e.type),
      })),
  );
  test.prop(
    [
      fc.constantFrom(...flat).chain(({ provider, types }) =>
        fc
          .array(fc.constantFrom(...types), { minLength: 2, maxLength: 6 })
          .chain((picked) =>
            fc.tuple(
              ...picked.map((type, i) =>
                providerEvent(byProvider(provider), type, {
                  resourceId: 'res_order',
                  id: `evt_${i}`,
                  occurredAt: Date.UTC(2025, 0, 1) + i * 60_000,
                  envelope: { ids: ['present'] },
                }),
              ),
            ),
          )
          .chain((events) =>
            fc
              .shuffledSubarray(events, { minLength: events.length })
              .map((shuffled) => ({ provider, events, shuffled })),
          ),
      ),
    ],
    { numRuns: 300 },
  )(
    "a flat lifecycle ends where its events' time order leaves it, in any delivery order",
    async ({ provider, events, shuffled }) => {
      const inOrder = engineFor(byProvider(provider));
      const anyOrder = engineFor(byProvider(provider));
      for (const e of events) await inOrder.ingest(e.body, { provider: e.provider });
      for (const e of shuffled) await anyOrder.ingest(e.body, { provider: e.provider });
      const [a, b] = [await inOrder.getResource(events[0]!.key), await anyOrder.getResource(events[0]!.key)];
      expect([b?.state, b?.stateAt]).toEqual([a?.state, a?.stateAt]);
    },
  );

  test.prop([anyHistory.chain(({ catalog, h }) => deliverySchedule(h).map((s) => ({ catalog, h, s })))], {
    numRuns: 200,
  })(
    'any valid history, delivered in any order with any duplicates, ends where its newest event says',
    async ({ catalog, h, s }) => {
      const engine = engineFor(catalog);
      for (const d of s) await engine.ingest(d.event.body, { provider: d.event.provider, source: d.source });
      const newest = h.events.at(-1)!;
      const resource = await engine.getResource(h.key);
      expect(resource?.lastEventId).toBe(newest.eventId);
      expect(resource?.occurredAt).toBe(newest.occurredAt);
      // Per-region staleness: a late status change still lands after a newer data-only event.
      expect(resource?.state).toEqual(h.final);
      for (const e of h.events)
        expect((await engine.store.getLedgerEntry(e.eventId))?.eventId).toBe(e.eventId);
    },
  );

  test.prop(
    [
      fc
        .constantFrom(acme, ten99policy())
        .chain((c) =>
          fc
            .constantFrom(...c.lifecycles.keys())
            .chain((l) =>
              lifecycleHistory(c, l, { minLength: 1 }).chain((h) =>
                deliverySchedule(h).map((s) => ({ c, h, s })),
              ),
            ),
        ),
    ],
    {
      numRuns: 200,
    },
  )('lifecycles whose events all pin their state converge exactly under chaos', async ({ c, h, s }) => {
    const engine = engineFor(c);
    for (const d of s) await engine.ingest(d.event.body, { provider: d.event.provider, source: d.source });
    expect((await engine.getResource(h.key))?.state).toEqual(h.final);
  });

  test.prop(
    [
      fc.oneof(
        fc.jsonValue(),
        fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true }),
        fc.string(),
        fc.uint8Array(),
        fc.string().map((t) => new TextEncoder().encode(t)),
      ),
      fc.constantFrom('kota', 'ten99policy', 'nope'),
    ],
    { numRuns: 500 },
  )('ingest never throws on arbitrary input', async (payload, provider) => {
    const engine = createEngine({ providers: [kota(), ten99policy()], clock: createSimulatedClock() });
    const r = await engine.ingest(payload, { provider });
    expect(['invalid', 'unhandled']).toContain(r.status);
  });

  test.prop(
    [
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.anything()),
          type: fc.oneof(fc.constantFrom(...kota().events.keys()), fc.string(), fc.anything()),
          created: fc.oneof(
            fc.integer(),
            fc.double(),
            fc.string(),
            fc.date({ noInvalidDate: false }).map(String),
            fc.anything(),
          ),
          data: fc.oneof(fc.object(), fc.record({ object: fc.object() }), fc.anything()),
          api_version: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    ],
    { numRuns: 500 },
  )('ingest never throws on envelope-shaped junk', async (payload) => {
    const engine = createEngine({ providers: [kota()], clock: createSimulatedClock() });
    const r = await engine.ingest(payload, { provider: 'kota' });
    expect(typeof r.status).toBe('string');
  });

  test.prop(
    [
      anyHistory.chain(({ catalog, h }) =>
        fc
          .nat({ max: h.events.length - 1 })
          .chain((i) => fc.nat({ max: i }).map((j) => ({ catalog, h, i, j }))),
      ),
    ],
    {
      numRuns: 200,
    },
  )('a duplicate changes nothing', async ({ catalog, h, i, j }) => {
    const engine = engineFor(catalog);
    for (const e of h.events.slice(0, i + 1)) await engine.ingest(e.body, { provider: e.provider });
    const before = await contents(engine.store, h);
    const again = h.events[j]!;
    const r = await engine.ingest(again.body, { provider: again.provider, source: 'poll' });
    expect(r.status).toBe('duplicate');
    expect(await contents(engine.store, h)).toEqual(before);
  });

  test.prop(
    [
      fc.constantFrom(...lifecycles).chain(({ catalog, name }) =>
        lifecycleHistory(catalog, name, { minLength: 1, maxLength: 1 })
          .map((h) => ({ catalog, h }))
          .chain(({ catalog, h }) =>
            fc
              .shuffledSubarray([...Array(100).keys()], { minLength: 100, maxLength: 100 })
              .map((order) => ({ catalog, h, order })),
          ),
      ),
    ],
    { numRuns: 20 },
  )('100 concurrent ingests on one resource keep arrival order', async ({ catalog, h, order }) => {
    const e = h.events[0]!;
    const bodies = order.map((n) => ({
      ...e.body,
      id: `evt_${n}`,
      created: 1_700_000_000 + n,
      created_at: undefined,
    }));
    const engine = engineFor(catalog);
    const results = await Promise.all(bodies.map((b) => engine.ingest(b, { provider: e.provider })));
    const history = await engine.store.getHistory(h.key, 1000);
    expect(history.map((x) => x.eventId)).toEqual(bodies.map((b) => b.id));
    let newest = Number.NEGATIVE_INFINITY;
    for (const [k, n] of order.entries()) {
      expect(results[k]!.status === 'stale').toBe(n < newest);
      newest = Math.max(newest, n);
    }
  });
});

describe('the derived table agrees with XState', () => {
  for (const { catalog, name } of lifecycles) {
    it(`${catalog.provider}/${name}: every reachable state, every event`, () => {
      const table = tableOf(catalog, name);
      const machine = table.machine;
      expect(table.initialKey).toBe(stateKey(initialTransition(machine)[0].value));
      let checked = 0;
      for (const [key, value] of table.states) {
        const snap = machine.resolveState({ value, context: undefined });
        for (const event of new Set(table.events)) {
          const step = table.step(key, event)!;
          const handled =
            snap.status === 'active' && machine.getTransitionData(snap, { type: event }).length > 0;
          expect(step.allowed, `${key} on ${event}`).toBe(handled);
          if (snap.can({ type: event })) expect(step.allowed, `${key} can ${event}`).toBe(true);
          if (handled)
            expect(step.toKey, `${key} on ${event}`).toBe(
              stateKey(transition(machine, snap, { type: event })[0].value),
            );
          checked += 1;
        }
      }
      expect(checked).toBe(table.states.size * new Set(table.events).size);
    });
  }
});

describe('generated events', () => {
  test.prop([fc.constantFrom(...catalogs).chain((c) => providerEvent(c).map((e) => ({ c, e })))], {
    numRuns: 300,
  })('every generated event is applied or forced on a fresh engine, never invalid', async ({ c, e }) => {
    const r = await engineFor(c).ingest(e.body, { provider: e.provider });
    expect(['applied', 'forced']).toContain(r.status);
    expect(r.key).toBe(e.key);
  });
});
