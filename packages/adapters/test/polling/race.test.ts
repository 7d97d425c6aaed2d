import { test } from '@fast-check/vitest';
import type { Engine } from '@policyflow/core';
import { createFakeProvider } from '@policyflow/testing';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { createPoller, ten99policyClient } from '../../src/polling/index.js';
import { createWebhookHandler, ten99policySignature } from '../../src/webhook/index.js';
import { policyEvent, testEngine } from '../support/engine.js';

const NOW = Date.UTC(2026, 5, 1);
const scheme = ten99policySignature();

/**
 * A history of `length` events over `resources` policies, alternating activation and cancellation per
 * policy, with distinct increasing timestamps: the newest event of each policy fixes its final state.
 */
function history(length: number, resources: number): Array<Record<string, unknown>> {
  const base = Math.floor(NOW / 1000) - 3600;
  return Array.from({ length }, (_, i) => {
    const step = Math.floor(i / resources);
    return policyEvent(i, {
      resource: `pl_race${i % resources}`,
      created: base + i,
      type: step % 2 === 0 ? 'policy.active' : 'policy.cancelled',
    });
  });
}

function signedRequest(event: Record<string, unknown>, secret: string): Request {
  const body = JSON.stringify(event);
  const headers = scheme.sign!(body, secret, { timestamp: Math.floor(NOW / 1000) });
  return new Request('http://127.0.0.1/webhooks/ten99policy', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
}

describe('webhook and poller racing on the same events (fc.scheduler)', () => {
  test.prop(
    [fc.scheduler(), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 }), fc.func(fc.boolean())],
    { numRuns: 40 },
  )(
    'every event is applied once whatever the interleaving, and each policy ends where its newest event says',
    async (s, length, resources, delivered) => {
      const fake = await createFakeProvider({ now: () => NOW, seed: 5 });
      try {
        const { engine, store } = testEngine();
        // The scheduler decides when each ingest starts, from either source: every interleaving of webhook and
        // poller ingests is reachable, and a failure replays from its seed and path.
        const raced: Engine = {
          ...engine,
          ingest: async (payload, options) => {
            await s.schedule(Promise.resolve(), `ingest via ${options.source ?? 'api'}`);
            return engine.ingest(payload, options);
          },
        };
        const applied = new Map<string, number>();
        engine.on('transition', (t) => applied.set(t.event.id, (applied.get(t.event.id) ?? 0) + 1));

        const events = history(length, resources);
        fake.addEvents('ten99policy', events);
        const handle = createWebhookHandler({
          engine: raced,
          provider: 'ten99policy',
          scheme,
          secrets: [fake.secrets.ten99policy],
          clock: { now: () => NOW },
        });
        const poller = createPoller({
          engine: raced,
          client: ten99policyClient({ baseUrl: fake.url, apiKey: fake.apiKey }),
          now: () => NOW,
          random: () => 0.5,
          sleep: async () => {},
        });
        // Some events also arrive by webhook (which ones is generated), all of them by polling.
        const hooked = events.filter((e) => delivered(e.id));
        const webhooks = Promise.all(hooked.map((e) => handle(signedRequest(e, fake.secrets.ten99policy))));
        const polled = poller.pollOnce();
        const answers = await s.waitFor(Promise.all([webhooks, polled]).then(([w]) => w));

        expect(answers.map((a) => a.status)).toEqual(hooked.map(() => 200));
        for (const e of events) expect(await store.getLedgerEntry(e.id as string)).toBeDefined();
        expect([...applied.values()].every((n) => n === 1)).toBe(true);
        for (let r = 0; r < Math.min(resources, length); r++) {
          const newest = events.filter((e) => (e.data as { id: string }).id === `pl_race${r}`).at(-1)!;
          const want = newest.type === 'policy.active' ? 'active' : 'cancelled';
          expect((await engine.getResource(`ten99policy/policy/pl_race${r}`))?.state).toBe(want);
        }
      } finally {
        await fake.close();
      }
    },
  );
});
