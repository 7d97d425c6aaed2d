import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ActionContext, type ActionDefinition, createEngine, createMemoryStore } from '@policyflow/core';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  createSqlStore,
  createWorker,
  ingestQueue,
  postgresClient,
  startBoss,
} from '../../src/postgres/index.js';
import { acme, dropSchemas, PG_URL, postgresReachable, workload } from './helpers.js';
import { createSinkTables, scaleRules } from './scale.js';

const pgUp = await postgresReachable();
const WORKER = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

function spawnWorker(schema: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, PF_SCHEMA: schema, DATABASE_URL: PG_URL, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send('stop');
  });
}

/** What one process with the memory store makes of the same deliveries, in the same order. */
async function reference(events: ReadonlyArray<object>) {
  const ran: string[] = [];
  const engine = createEngine({
    providers: [acme],
    store: createMemoryStore(),
    rules: scaleRules,
    actions: {
      sink: {
        params: z.object({ tag: z.string() }),
        handler: (_p: unknown, ctx: ActionContext) => {
          ran.push(ctx.job.id);
          return undefined;
        },
      } as ActionDefinition,
    },
    logSink: () => {},
  });
  for (const e of events) await engine.ingest(e, { provider: 'acme', source: 'webhook' });
  await engine.drain();
  const states = new Map<string, unknown>();
  for (const r of await engine.store.listResources()) states.set(r.key, [r.state, r.lastEventId, r.version]);
  const jobs = (await engine.store.listJobs()).map((j) => j.id).sort();
  await engine.close();
  return { states, jobs, ran };
}

interface Harness {
  readonly pool: pg.Pool;
  readonly boss: PgBoss;
  close(): Promise<void>;
}

/** Migrates the schema, starts a producer-only pg-boss and creates the sink tables. */
async function prepare(schema: string, expireSeconds = 60, shards = 1): Promise<Harness> {
  await dropSchemas(schema);
  const client = postgresClient({ url: PG_URL, max: 4 });
  await createSqlStore(client, { schema, ownsClient: false });
  const boss = await startBoss(client, {
    schema: `${schema}_boss`,
    ingestExpireSeconds: expireSeconds,
    actionExpireSeconds: expireSeconds,
    ingestShards: shards,
  });
  await createSinkTables(client.pool, schema);
  return {
    pool: client.pool,
    boss,
    async close() {
      await boss.stop({ close: false });
      await client.close();
    },
  };
}

async function count(pool: pg.Pool, sql: string): Promise<number> {
  return Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
}

/** Waits until every unique event is in the ledger and every action job has settled. */
async function settled(pool: pg.Pool, schema: string, events: number, jobs: number, timeout: number) {
  await vi.waitFor(
    async () => {
      expect(await count(pool, `SELECT count(*) AS n FROM "${schema}".ledger`)).toBe(events);
      expect(await count(pool, `SELECT count(*) AS n FROM "${schema}".jobs WHERE status = 'succeeded'`)).toBe(
        jobs,
      );
    },
    { timeout, interval: 250 },
  );
}

async function checkAgainst(pool: pg.Pool, schema: string, ref: Awaited<ReturnType<typeof reference>>) {
  const { rows } = await pool.query<{ key: string; state: unknown; last_event_id: string; version: number }>(
    `SELECT key, state, last_event_id, version FROM "${schema}".resources`,
  );
  const states = new Map(rows.map((r) => [r.key, [r.state, r.last_event_id, r.version]]));
  expect(states).toEqual(ref.states);
  const jobs = (await pool.query<{ id: string }>(`SELECT id FROM "${schema}".jobs ORDER BY id`)).rows.map(
    (r) => r.id,
  );
  expect(jobs).toEqual(ref.jobs);
  // Every action ran at least once, and its idempotency key is in the side-effect log exactly once.
  const sink = (await pool.query<{ key: string }>(`SELECT key FROM "${schema}".sink ORDER BY key`)).rows;
  expect(sink.map((r) => r.key)).toEqual(ref.jobs);
  const unrun = await count(
    pool,
    `SELECT count(*) AS n FROM "${schema}".jobs j WHERE NOT EXISTS (SELECT 1 FROM "${schema}".sink_runs r WHERE r.key = j.id)`,
  );
  expect(unrun).toBe(0);
  // Nothing applied twice: one history line per event that reached a resource.
  const twice = await count(
    pool,
    `SELECT count(*) AS n FROM (SELECT event_id FROM "${schema}".history GROUP BY event_id HAVING count(*) > 1) d`,
  );
  expect(twice).toBe(0);
}

describe.runIf(pgUp)('a worker’s retry policy', { timeout: 60_000 }, () => {
  const schema = 'pf_test_worker_retry';
  beforeAll(() => dropSchemas(schema));
  afterAll(() => dropSchemas(schema));

  it('gives each job it fires its attempts, as well as the queue its backoff', async () => {
    const worker = await createWorker({
      url: PG_URL,
      schema,
      autoStart: false,
      retry: { attempts: 2, baseMs: 1_000, maxMs: 1_000 },
      engine: {
        providers: [acme],
        rules: [{ name: 'r', on: 'claim.opened', actions: [{ type: 'log', params: { message: 'm' } }] }],
        logSink: () => {},
      },
    });
    try {
      const r = await worker.engine.ingest(
        { id: 'evt_w1', type: 'claim.opened', created: 1, data: { id: 'c1' } },
        { provider: 'acme' },
      );
      const job = await worker.store.getJob(r.actions[0]!.idempotencyKey);
      // The engine's default is 6: the worker's policy was the queue's backoff only.
      expect(job?.maxAttempts).toBe(2);
    } finally {
      await worker.stop();
    }
  });
});

describe.runIf(pgUp)('scale-out workers on PostgreSQL', { timeout: 240_000 }, () => {
  const schemas = ['pf_test_workers_a', 'pf_test_workers_b'];
  beforeAll(() => dropSchemas(...schemas));
  afterAll(() => dropSchemas(...schemas));

  it('4 workers on 4 shards, 20k deliveries over 500 resources in random order with duplicates, match one memory process', async () => {
    const schema = schemas[0]!;
    const events = workload(20_000, 500, 21, 0.1);
    const unique = new Set(events.map((e) => (e as { id: string }).id)).size;
    const ref = await reference(events);
    const h = await prepare(schema, 60, 4);
    const workers: ChildProcess[] = [];
    try {
      // Two stateless receivers (each its own connection and pg-boss) take turns delivering.
      const other = postgresClient({ url: PG_URL, max: 2 });
      const otherBoss = await startBoss(other, { schema: `${schema}_boss`, ingestShards: 4 });
      const receivers = [
        ingestQueue(h.boss, [acme], { shards: 4 }),
        ingestQueue(otherBoss, [acme], { shards: 4 }),
      ];
      for (let i = 0; i < events.length; i += 2000) {
        const receiver = receivers[(i / 2000) % 2]!;
        await receiver.enqueue(events.slice(i, i + 2000).map((payload) => ({ payload, provider: 'acme' })));
      }
      await otherBoss.stop({ close: false });
      await other.close();
      const started = performance.now();
      workers.push(...(await Promise.all([0, 1, 2, 3].map(() => spawnWorker(schema, { PF_SHARDS: '4' })))));
      await settled(h.pool, schema, unique, ref.jobs.length, 200_000);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `4 workers: ${events.length} deliveries in ${seconds.toFixed(1)} s (${Math.round(events.length / seconds)}/s)`,
      );
      await checkAgainst(h.pool, schema, ref);
    } finally {
      await Promise.all(workers.map(stopWorker));
      await h.close();
    }
  });

  it('kill -9 of a worker mid-run, then a restart: nothing lost, nothing applied twice', async () => {
    const schema = schemas[1]!;
    const events = workload(4000, 200, 33, 0.1);
    const unique = new Set(events.map((e) => (e as { id: string }).id)).size;
    const ref = await reference(events);
    // A dead worker's jobs go back to the queue after 3 s (the queues are created with that expiry).
    const h = await prepare(schema, 3);
    const env = { PF_EXPIRE: '3', PF_SUPERVISE: '1', PF_CONCURRENCY: '50' };
    const workers: ChildProcess[] = [];
    try {
      const queue = ingestQueue(h.boss, [acme]);
      await queue.enqueue(events.map((payload) => ({ payload, provider: 'acme' })));
      workers.push(await spawnWorker(schema, env), await spawnWorker(schema, env));
      await vi.waitFor(
        async () =>
          expect(await count(h.pool, `SELECT count(*) AS n FROM "${schema}".ledger`)).toBeGreaterThan(
            unique / 4,
          ),
        { timeout: 60_000, interval: 50 },
      );
      const victim = workers[0]!;
      const died = new Promise((resolve) => victim.once('exit', resolve));
      victim.kill('SIGKILL');
      await died;
      workers.push(await spawnWorker(schema, env));
      await settled(h.pool, schema, unique, ref.jobs.length, 120_000);
      await checkAgainst(h.pool, schema, ref);
    } finally {
      await Promise.all(workers.map(stopWorker));
      await h.close();
    }
  });
});
