import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '@policyflow/core';
import { createFakeProvider, type FakeProvider, type FakeProviderName } from '@policyflow/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPoller, kotaClient, type Poller, ten99policyClient } from '../../src/polling/index.js';
import {
  createWebhookHandler,
  kotaSignature,
  ten99policySignature,
  toNodeListener,
} from '../../src/webhook/index.js';
import { kotaEvent, policyEvent, testEngine } from '../support/engine.js';

const NOW = Date.UTC(2026, 5, 1);
const N = 10_000;
const RESOURCES = 500;
/** Seven events share each timestamp: ties across resources everywhere. */
const TIE = 7;
/** Resources below this also arrive by webhook, so webhook and poller overlap on them. */
const WEBHOOK_RESOURCES = 50;
const CHUNKS = 5;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

interface Generated {
  readonly events: ReadonlyArray<Record<string, unknown>>;
  readonly resourceOf: (i: number) => string;
}

function generate(provider: FakeProviderName): Generated {
  const base = NOW - 5 * 86_400_000;
  const events = Array.from({ length: N }, (_, i) => {
    const r = i % RESOURCES;
    const step = Math.floor(i / RESOURCES);
    if (provider === 'kota') {
      return kotaEvent(i, { createdMs: base + Math.floor(i / TIE) * 1000, group: `gr_${r}`, step });
    }
    return policyEvent(i, {
      resource: `pl_${r}`,
      created: Math.floor(base / 1000) + Math.floor(i / TIE),
      type: step % 2 === 0 ? 'policy.active' : 'policy.cancelled',
    });
  });
  return { events, resourceOf: (i) => (provider === 'kota' ? `gr_${i % RESOURCES}` : `pl_${i % RESOURCES}`) };
}

interface Observed {
  readonly appliedBy: Map<string, number>;
  readonly perResource: Map<string, string[]>;
  stale: number;
  duplicates: number;
}

function observe(engine: Engine): Observed {
  const seen: Observed = { appliedBy: new Map(), perResource: new Map(), stale: 0, duplicates: 0 };
  engine.on('transition', (t) => {
    seen.appliedBy.set(t.event.id, (seen.appliedBy.get(t.event.id) ?? 0) + 1);
    const list = seen.perResource.get(t.key) ?? [];
    list.push(t.event.id);
    seen.perResource.set(t.key, list);
  });
  engine.on('stale', () => {
    seen.stale += 1;
  });
  engine.on('duplicate', () => {
    seen.duplicates += 1;
  });
  return seen;
}

async function webhookServer(
  engine: Engine,
  provider: FakeProviderName,
  fake: FakeProvider,
): Promise<string> {
  const handle = createWebhookHandler({
    engine,
    provider,
    scheme: provider === 'kota' ? kotaSignature() : ten99policySignature(),
    secrets: [fake.secrets[provider]],
    clock: { now: () => NOW },
  });
  const server = createServer(toNodeListener(handle));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function run(provider: FakeProviderName): Promise<void> {
  const fake = await createFakeProvider({
    now: () => NOW,
    seed: 11,
    kota: { shuffleTies: true },
    apiFaults: { rateLimit: 0.05, rateLimitBurst: 6, retryAfterSeconds: 1 },
  });
  closers.push(() => fake.close());
  const { engine, store } = testEngine();
  const seen = observe(engine);
  const url = await webhookServer(engine, provider, fake);
  const client =
    provider === 'kota'
      ? kotaClient({ baseUrl: fake.url, apiKey: fake.apiKey })
      : ten99policyClient({ baseUrl: fake.url, apiKey: fake.apiKey });
  const sleeps: number[] = [];
  const poller: Poller = createPoller({
    engine,
    client,
    retry: { maxRetries: 100 },
    now: () => NOW,
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
  });
  const { events } = generate(provider);
  const size = N / CHUNKS;
  for (let c = 0; c < CHUNKS; c++) {
    const chunk = events.slice(c * size, (c + 1) * size);
    fake.addEvents(provider, chunk);
    if (provider === 'kota' && c > 0) {
      // The API itself repeats some events (the same id listed twice).
      fake.addEvents(
        provider,
        chunk.filter((_, i) => i % 50 === 0),
      );
    }
    const hooked = chunk.filter(
      (e) => Number(String((e.data as { id: string }).id).slice(3)) < WEBHOOK_RESOURCES,
    );
    const report = await fake.deliver({
      url,
      provider,
      events: hooked,
      faults: { duplicate: 0.1 },
      concurrency: 8,
    });
    expect(report.failed).toEqual([]);
    await poller.pollOnce();
  }

  for (const e of events) expect(await store.getLedgerEntry(e.id as string)).toBeDefined();
  expect(seen.appliedBy.size).toBe(N);
  expect([...seen.appliedBy.values()].every((n) => n === 1)).toBe(true);
  expect(seen.stale).toBe(0);
  expect(seen.duplicates).toBeGreaterThan(N / RESOURCES);
  for (let r = 0; r < RESOURCES; r++) {
    const expected = events.filter((_, i) => i % RESOURCES === r).map((e) => e.id);
    const key = provider === 'kota' ? `kota/group/gr_${r}` : `ten99policy/policy/pl_${r}`;
    expect(seen.perResource.get(key)).toEqual(expected);
  }
  expect(fake.stats().rateLimited).toBeGreaterThan(0);
  expect(sleeps.length).toBe(fake.stats().rateLimited);
  expect(sleeps.every((ms) => ms === 1000)).toBe(true);
}

describe('webhooks and pollers merged without loss', () => {
  it('Kota: 10k events, overlaps, repeated ids, equal timestamps, 429 storms → each applied once, in order', async () => {
    await run('kota');
  }, 120_000);

  it('1099Policy: 10k events, overlaps, equal timestamps, 429 storms → each applied once, in order', async () => {
    await run('ten99policy');
  }, 120_000);
});
