import { test as fcTest } from '@fast-check/vitest';
import { createEngine, kota, stateKey, tableFor, ten99policy } from '@policyflow/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createSimulatedClock, lifecycleHistory } from '../../src/index.js';
import { acme } from '../helpers.js';

describe('lifecycleHistory', () => {
  fcTest.prop([lifecycleHistory(acme, 'claim', { minLength: 1 })])(
    'events are allowed steps with increasing distinct timestamps and distinct ids',
    (h) => {
      const table = tableFor(
        acme.lifecycles.get('claim')!.machine,
        [...acme.events.values()].map((e) => e.event),
      );
      let key = table.initialKey;
      for (const e of h.events) {
        const step = table.step(key, e.machineEvent);
        expect(step?.allowed).toBe(true);
        expect(stateKey(e.from)).toBe(key);
        key = step!.toKey;
      }
      expect(key).toBe(stateKey(h.final));
      const times = h.events.map((e) => e.occurredAt);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(times.length);
      expect(new Set(h.events.map((e) => e.eventId)).size).toBe(h.events.length);
      expect(h.events.length).toBeGreaterThan(0);
    },
  );

  fcTest.prop([lifecycleHistory(acme, 'claim', { maxLength: 3 })])('respects maxLength', (h) => {
    expect(h.events.length).toBeLessThanOrEqual(3);
  });

  for (const [catalog, lifecycle] of [
    [kota(), 'employer_quote'],
    [kota(), 'policy'],
    [ten99policy(), 'application'],
  ] as const) {
    fcTest.prop([lifecycleHistory(catalog, lifecycle)], { numRuns: 50 })(
      `${catalog.provider}/${lifecycle}: delivered in order, every event applies and the resource ends in the final state`,
      async (h) => {
        const engine = createEngine({ providers: [catalog], clock: createSimulatedClock() });
        for (const e of h.events) {
          const r = await engine.ingest(e.body, { provider: e.provider });
          expect(r.status).toBe('applied');
        }
        const resource = await engine.getResource(h.key);
        expect(resource?.state ?? h.initial).toEqual(h.final);
      },
    );
  }

  test('reaches every state the catalog can reach (shortest-path prefixes)', () => {
    const finals = new Set(
      fc.sample(lifecycleHistory(acme, 'claim'), { numRuns: 100, seed: 7 }).map((h) => stateKey(h.final)),
    );
    expect([...finals].sort()).toEqual(['denied', 'info_needed', 'open', 'paid', 'review']);
  });
});
