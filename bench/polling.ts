/**
 * Poller catch-up: 100k events from the fake provider (in a child process, over loopback) into an engine
 * with the memory store, for each provider. Target: >= 20k events/s.
 * Run alone: `node --conditions=source --import tsx bench/polling.ts`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { report } from './report.js';

const FAKE_FLAG = '--policyflow-polling-bench-fake';
const EVENTS = Number(process.env.BENCH_POLL_EVENTS ?? 100_000);
const RESOURCES = 10_000;
const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

function kotaEvents(): Record<string, unknown>[] {
  const base = NOW - 20 * DAY;
  return Array.from({ length: EVENTS }, (_, i) => {
    const step = Math.floor(i / RESOURCES);
    return {
      id: `evt_${i.toString(16).padStart(32, '0')}`,
      type: step === 0 ? 'group.created' : step === 1 ? 'group.ready' : 'group.updated',
      platform_id: 'pt_7f9a2c4d5e6b7a8c9d0e1f2a3b4c5d6e',
      data: { id: `gr_${i % RESOURCES}`, employer_id: 'er_1', resource_type: 'group', object: 'group' },
      created_at: new Date(base + Math.floor(i / 5) * 1000).toISOString(),
      object: 'event',
      version: 'V2',
    };
  });
}

function ten99Events(): Record<string, unknown>[] {
  const base = Math.floor((NOW - 20 * DAY) / 1000);
  return Array.from({ length: EVENTS }, (_, i) => {
    const cancelled = Math.floor(i / RESOURCES) % 2 === 1;
    return {
      id: `ev_${i.toString(36).padStart(8, '0')}`,
      type: cancelled ? 'policy.cancelled' : 'policy.active',
      created: base + Math.floor(i / 5),
      data: { id: `pl_${i % RESOURCES}`, object: 'policy', status: cancelled ? 'cancelled' : 'active' },
    };
  });
}

/** The child: the fake provider holding both event logs. */
async function serveFake(): Promise<void> {
  const { createFakeProvider } = await import('@policyflow/testing');
  const fake = await createFakeProvider({ now: () => NOW });
  fake.addEvents('kota', kotaEvents());
  fake.addEvents('ten99policy', ten99Events());
  process.send?.({ url: fake.url, apiKey: fake.apiKey });
}

async function catchUp(provider: 'kota' | 'ten99policy', url: string, apiKey: string): Promise<string> {
  const { createEngine, createMemoryStore, kota, ten99policy } = await import('@policyflow/core');
  const { createPoller, kotaClient, ten99policyClient } = await import('@policyflow/adapters/polling');
  const engine = createEngine({ providers: [kota(), ten99policy()], store: createMemoryStore() });
  const client =
    provider === 'kota' ? kotaClient({ baseUrl: url, apiKey }) : ten99policyClient({ baseUrl: url, apiKey });
  const poller = createPoller({ engine, client, now: () => NOW });
  const start = performance.now();
  const summary = await poller.pollOnce();
  const seconds = (performance.now() - start) / 1000;
  const perSecond = summary.ingested / seconds;
  const statuses = Object.entries(summary.statuses)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  await engine.close();
  return `${provider.padEnd(12)} ${summary.ingested.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s = ${Math.round(perSecond).toLocaleString('en-US').padStart(7)} events/s (${summary.requests} requests; ${statuses})  ${perSecond >= 20_000 ? 'OK' : 'BELOW TARGET'}`;
}

/**
 * Runs the benchmark and prints its figures.
 *
 * @example
 * ```ts
 * await (await import('./polling.js')).run();
 * ```
 */
export async function run(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [FAKE_FLAG], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { url, apiKey } = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string; apiKey: string }));
      child.once('exit', (code) => reject(new Error(`fake provider exited with ${code}`)));
    });
    const lines = [await catchUp('kota', url, apiKey), await catchUp('ten99policy', url, apiKey)];
    report(
      `polling: catch-up of ${EVENTS.toLocaleString('en-US')} events from the fake provider (target >= 20k events/s)`,
      lines,
    );
  } finally {
    child.kill();
  }
}

if (process.argv.includes(FAKE_FLAG)) {
  await serveFake();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await run();
}
