import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPgliteStore } from '@policyflow/adapters/postgres';
import {
  createMemoryStore,
  type Engine,
  type LogLine,
  loadConfig,
  type PolicyflowConfig,
  type Store,
} from '@policyflow/core';
import { createFakeProvider, type FakeProvider } from '@policyflow/testing';
import { formatCounts, formatState, renderTable, shortId, statusOrder } from '../format.js';
import type { CliIo } from '../io.js';
import type { Metrics } from '../metrics.js';
import { reportRequestError } from '../notices.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { type PolicyflowServer, startServer } from '../server.js';
import { flakyNotify } from './notify.js';
import { demoStory } from './story.js';

// The sample rules ship as YAML in src/ (the package publishes src); from a build, look there too.
const rulesFile = [
  join(import.meta.dirname, 'rules.yaml'),
  join(import.meta.dirname, '../../src/demo/rules.yaml'),
].find((p) => existsSync(p))!;

/** Options of {@link runStory}. */
export interface StoryOptions {
  /** Use the memory store instead of PGlite in a temporary folder. */
  readonly memory?: boolean;
}

function counts(metrics: Metrics): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(statusOrder.map((s) => [s, 0]));
  for (const { labels, value } of metrics.series('policyflow_events_total')) {
    const status = labels.status ?? '';
    out[status] = (out[status] ?? 0) + value;
  }
  return out;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

// The runner retries on a backoff timer, so wait (a bounded while) until no job is pending or running.
async function settleActions(engine: Engine, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await engine.drain();
    const open = await engine.store.listJobs({ status: ['pending', 'running'] });
    if (open.length === 0 || Date.now() > deadline) return;
    await sleep(25);
  }
}

interface DemoStore {
  readonly where: string;
  /** Opening PGlite runs its migrations, which takes a few seconds: it starts at once and is awaited later. */
  readonly opening: Promise<Store>;
  cleanup(): Promise<void>;
}

async function openDemoStore(memory: boolean): Promise<DemoStore> {
  if (memory)
    return { where: 'memory', opening: Promise.resolve(createMemoryStore()), cleanup: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'policyflow-demo-'));
  const opening = createPgliteStore({ path: dir });
  // Awaited below; a failure here must not surface as an unhandled rejection first.
  opening.catch(() => {});
  return { where: `PGlite in ${dir}`, opening, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function demoConfig(fake: FakeProvider, notify: ReturnType<typeof flakyNotify>): PolicyflowConfig {
  const rules = loadConfig(rulesFile, { actions: { notify } });
  const provider = (secret: string) => ({
    webhook: { secrets: [secret] },
    api: { baseUrl: fake.url, key: fake.apiKey },
  });
  return {
    ...rules,
    providers: { kota: provider(fake.secrets.kota), ten99policy: provider(fake.secrets.ten99policy) },
  };
}

/**
 * `policyflow demo`: the main job end to end on the embedded durable default. A fake Kota + 1099Policy on a
 * free loopback port sends signed webhooks (one duplicated, one pair out of order, one lost) to a
 * `policyflow serve` server; pollers recover the lost one; sample rules fire actions, one of which fails once
 * and is retried. Ends with the resources, their states and the actions.
 *
 * @example
 * ```ts
 * process.exitCode = await runStory(nodeIo(), {});
 * ```
 */
export async function runStory(io: CliIo, options: StoryOptions): Promise<number> {
  const started = Date.now();
  const say = (text: string) => io.stdout(`${text}\n`);
  const step = (n: number, label: string, text: string) => say(`[${n}/5] ${label.padEnd(8)} ${text}`);
  say('Policyflow demo: Kota and 1099Policy events → lifecycle state → rules and actions\n');
  const demoStore = await openDemoStore(options.memory === true);
  step(
    1,
    'store',
    options.memory === true ? 'memory' : `${demoStore.where}: opening (the first open runs the migrations)…`,
  );
  let store: Store | undefined;
  const posted: string[] = [];
  const logs: LogLine[] = [];
  const notify = flakyNotify((line) => posted.push(line));
  let fake: FakeProvider | undefined;
  let runtime: Runtime | undefined;
  let server: PolicyflowServer | undefined;
  try {
    fake = await createFakeProvider({ seed: 7 });
    store = await demoStore.opening;
    if (options.memory !== true) say(`         ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    runtime = await createRuntime(demoConfig(fake, notify), {
      cwd: io.cwd,
      store,
      engine: { actions: { notify } },
      logSink: (line) => logs.push(line),
    });
    const { engine, metrics } = runtime;
    server = await startServer(
      {
        engine,
        handlers: runtime.handlers,
        metrics,
        onError: reportRequestError(io),
      },
      0,
      '127.0.0.1',
    );
    step(
      2,
      'serve',
      `policyflow serve on ${server.url}; fake Kota + 1099Policy on ${fake.url}; 4 sample rules`,
    );

    const story = demoStory(Date.now());
    fake.addEvents('kota', story.kota);
    fake.addEvents('ten99policy', story.ten99policy);
    const before = counts(metrics);
    for (const provider of ['kota', 'ten99policy'] as const) {
      await fake.deliver({
        url: `${server.url}/webhooks/${provider}`,
        provider,
        events: story.deliveries[provider],
      });
    }
    const hooks = delta(counts(metrics), before);
    step(3, 'webhooks', `8 signed deliveries: ${formatCounts(hooks)}`);
    say('         - quote.action_required was delivered twice: the second is a duplicate');
    say('         - quote.accepted arrived before quote.pending_insurer_acceptance: accepted is forced (a');
    say('           violation: the provider is the source of truth) and the older event is stale');
    say('         - employee.health_insurance.policy.activated was never delivered (the webhook was lost)');

    const beforePoll = counts(metrics);
    for (const { poller } of runtime.pollers) await poller.pollOnce();
    step(
      4,
      'polling',
      `both events APIs read from the start: ${formatCounts(delta(counts(metrics), beforePoll))}`,
    );
    say('         - the lost activation was recovered; everything else was already in the ledger');

    await settleActions(engine, 10_000);
    const jobs = (await engine.store.listJobs({})).sort((a, b) => a.id.localeCompare(b.id));
    const retried = jobs.filter((j) => j.attempts > 1).map((j) => j.rule);
    step(
      5,
      'actions',
      `${jobs.length} fired; ${retried.length > 0 ? `${retried.join(', ')} failed once and succeeded on retry` : 'none retried'}`,
    );
    for (const line of logs) say(`         log:    ${line.message}`);
    for (const line of posted) say(`         notify: ${line}`);

    const resources = (await engine.store.listResources()).sort((a, b) => a.key.localeCompare(b.key));
    say('');
    io.stdout(
      renderTable(
        ['resource', 'state', 'last event'],
        resources.map((r) => [
          `${r.provider}/${r.lifecycle}/${shortId(r.id, 20)}`,
          formatState(r.state),
          r.lastEventType,
        ]),
      ),
    );
    say('');
    io.stdout(
      renderTable(
        ['rule', 'action', 'status', 'attempts'],
        jobs.map((j) => [j.rule, j.type, j.status, String(j.attempts)]),
      ),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    say(`\n${formatCounts(counts(metrics))} — done in ${seconds} s`);
    say('Next: policyflow graph employer_quote · policyflow replay FILE --provider kota · docs/concepts.md');
    return 0;
  } finally {
    await server?.close();
    await runtime?.close();
    if (runtime === undefined) await (store ?? (await demoStore.opening.catch(() => undefined)))?.close();
    await fake?.close();
    await demoStore.cleanup();
  }
}
