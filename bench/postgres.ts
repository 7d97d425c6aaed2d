/**
 * Durable ingest: the memory store, PGlite, and PostgreSQL with 1, 2 and 4 worker processes, in one run.
 * Runnable alone: `node --conditions=source --import tsx bench/postgres.ts` (PostgreSQL from DATABASE_URL, or
 * the local trust-auth server; its parts are skipped with a note when it is unreachable).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createPgliteStore,
  createPostgresStore,
  createSqlStore,
  createWorker,
  ingestQueue,
  postgresClient,
  startBoss,
} from '@policyflow/adapters/postgres';
import { createEngine, createMemoryStore, type Engine, kota, ten99policy } from '@policyflow/core';
import { report, time } from './report.js';
import { type SyntheticEvent, syntheticEvents } from './synthetic.js';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SELF = fileURLToPath(import.meta.url);
const SCHEMA = 'pf_bench';
const DURABLE_EVENTS = 40_000;
const RESOURCES = 8_000;
const IN_FLIGHT = 2_000;
/** Ingest queue shards of the queue runs (every worker count uses the same layout). */
const SHARDS = Number(process.env.PF_SHARDS ?? 4);

const providers = () => [kota(), ten99policy()];

/** Ingests with up to `window` deliveries in flight, as a busy webhook endpoint would. */
async function ingestAll(
  engine: Engine,
  events: ReadonlyArray<SyntheticEvent>,
  window = IN_FLIGHT,
): Promise<void> {
  const inflight = new Set<Promise<unknown>>();
  for (const e of events) {
    const p: Promise<unknown> = engine
      .ingest(e.body, { provider: e.provider })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= window) await Promise.race(inflight);
  }
  await Promise.all(inflight);
}

async function reachable(): Promise<boolean> {
  const c = postgresClient({ url: PG_URL, max: 1 });
  try {
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.close();
  }
}

async function resetSchema(): Promise<void> {
  const c = postgresClient({ url: PG_URL, max: 1 });
  await c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await c.query(`DROP SCHEMA IF EXISTS ${SCHEMA}_boss CASCADE`);
  await c.close();
}

async function memoryFlat(): Promise<string[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const engine = createEngine({ providers: providers() });
  const lines: string[] = [];
  const chunk = 250_000;
  for (let round = 1; round <= 4; round++) {
    // Fresh event ids each round, so every event adds to the ledger (the generator reuses ids across seeds).
    const events = syntheticEvents(chunk, 20_000, round).map((e) => ({
      ...e,
      body: e.body.replaceAll('"evt_', `"evt_r${round}_`),
    }));
    const t = await time(`memory store: events ${(round - 1) * 250}k–${round * 250}k`, chunk, () =>
      ingestAll(engine, events, 1),
    );
    gc?.();
    const m = process.memoryUsage();
    // The memory store keeps its rows in typed arrays, which the heap figure alone would leave out.
    lines.push(
      `${t.line}  heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MiB + array buffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)} MiB`,
    );
  }
  await engine.close();
  if (!gc) lines.push('(run with --expose-gc for heap figures after a collection)');
  return lines;
}

/** One child process: ingests its shard straight into the PostgreSQL store, on the parent's signal. */
async function directChild(): Promise<void> {
  const part = Number(process.env.PF_PART);
  const parts = Number(process.env.PF_PARTS);
  const events = syntheticEvents(DURABLE_EVENTS, RESOURCES).filter((e) => hash(e.key) % parts === part);
  const store = await createPostgresStore({
    url: PG_URL,
    schema: SCHEMA,
    max: Number(process.env.PF_POOL ?? 4),
  });
  const engine = createEngine({ providers: providers(), store });
  process.send?.('ready');
  await new Promise((resolve) => process.once('message', resolve));
  await ingestAll(engine, events);
  await engine.close();
  process.send?.('done');
}

/** One child process: a scale-out worker on the pg-boss ingest queue. */
async function queueChild(): Promise<void> {
  const worker = await createWorker({
    url: PG_URL,
    schema: SCHEMA,
    engine: { providers: providers(), logSink: () => {} },
    concurrency: Number(process.env.PF_BATCH ?? 2000),
    shards: SHARDS,
    fetchers: Number(process.env.PF_FETCHERS ?? 1),
    max: 6,
    autoStart: false,
  });
  process.send?.('ready');
  await new Promise((resolve) => process.once('message', resolve));
  await worker.start();
  await new Promise((resolve) => process.once('message', resolve));
  await worker.stop();
  process.send?.('done');
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

function child(role: string, env: Record<string, string>): Promise<ChildProcess> {
  const c = fork(SELF, [], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, PF_BENCH_ROLE: role, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    c.once('message', () => resolve(c));
    c.once('exit', (code) => reject(new Error(`bench child exited with ${code}`)));
  });
}

function next(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => c.once('message', () => resolve()));
}

async function postgresDirect(workers: number): Promise<string> {
  await resetSchema();
  const setup = await createPostgresStore({ url: PG_URL, schema: SCHEMA });
  await setup.close();
  const kids = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      child('direct', { PF_PART: String(i), PF_PARTS: String(workers) }),
    ),
  );
  const t = await time(
    `PostgreSQL, ${workers} worker(s), direct ingest (sharded by resource)`,
    DURABLE_EVENTS,
    async () => {
      const done = kids.map(next);
      for (const k of kids) k.send('go');
      await Promise.all(done);
    },
  );
  return t.line;
}

async function postgresQueue(workers: number, events: ReadonlyArray<SyntheticEvent>): Promise<string> {
  await resetSchema();
  const client = postgresClient({ url: PG_URL, max: 4 });
  await createSqlStore(client, { schema: SCHEMA, ownsClient: false });
  const boss = await startBoss(client, { schema: `${SCHEMA}_boss`, ingestShards: SHARDS });
  const queue = ingestQueue(boss, providers(), { shards: SHARDS });
  for (let i = 0; i < events.length; i += 2000) {
    await queue.enqueue(events.slice(i, i + 2000).map((e) => ({ payload: e.body, provider: e.provider })));
  }
  // What autovacuum would have done by now on a live system; without it the fetch plans on empty-table stats.
  const tables = await client.query<{ t: string }>(
    `SELECT DISTINCT table_name AS t FROM ${SCHEMA}_boss.queue`,
  );
  for (const { t } of tables.rows) await client.query(`ANALYZE ${SCHEMA}_boss."${t}"`);
  const unique = new Set(events.map((e) => JSON.parse(e.body).id)).size;
  const kids = await Promise.all(Array.from({ length: workers }, () => child('queue', {})));
  let bulk = 0;
  const started = performance.now();
  const t = await time(
    `PostgreSQL, ${workers} worker(s), pg-boss key_strict_fifo queue`,
    events.length,
    async () => {
      for (const k of kids) k.send('go');
      for (;;) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.ledger`);
        const n = Number(rows[0]?.n);
        if (bulk === 0 && n >= unique * 0.9) bulk = (performance.now() - started) / 1000;
        if (n >= unique) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  );
  await Promise.all(
    kids.map((k) => {
      const d = next(k);
      k.send('stop');
      return d;
    }),
  );
  await boss.stop({ close: false });
  await client.close();
  // The drain ends on the resources with the longest event chains, one fetch cycle per event; the rate over
  // the first 90% shows the throughput while every worker has work.
  const rate = Math.round((unique * 0.9) / bulk).toLocaleString('en-US');
  return `${t.line}  (20k queued first, ${SHARDS} shards; first 90%: ${rate} events/s)`;
}

async function pgliteLine(events: ReadonlyArray<SyntheticEvent>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pf-bench-pglite-'));
  try {
    const store = await createPgliteStore({ path: dir });
    const engine = createEngine({ providers: providers(), store });
    const t = await time('PGlite (folder on disk), 1 process', events.length, () =>
      ingestAll(engine, events),
    );
    await engine.close();
    return t.line;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The benchmark: figures for docs/benchmarks.md. `PF_BENCH_PARTS` (comma-separated: memory, pglite, direct,
 * queue, flat) runs a subset; `PF_WORKERS` (e.g. `4`) a subset of the worker counts.
 */
export async function run(): Promise<void> {
  const parts = new Set((process.env.PF_BENCH_PARTS ?? 'memory,pglite,direct,queue,flat').split(','));
  const counts = (process.env.PF_WORKERS ?? '1,2,4').split(',').map(Number);
  const events = syntheticEvents(DURABLE_EVENTS, RESOURCES);
  const lines: string[] = [];
  if (parts.has('memory')) {
    const mem = createEngine({ providers: providers(), store: createMemoryStore() });
    lines.push((await time('memory store, 1 process', events.length, () => ingestAll(mem, events))).line);
    await mem.close();
  }
  if (parts.has('pglite')) lines.push(await pgliteLine(events));
  if (parts.has('direct') || parts.has('queue')) {
    if (await reachable()) {
      if (parts.has('direct')) for (const n of counts) lines.push(await postgresDirect(n));
      if (parts.has('queue'))
        for (const n of counts) lines.push(await postgresQueue(n, events.slice(0, 20_000)));
      await resetSchema();
    } else {
      lines.push(`PostgreSQL at ${PG_URL} is unreachable: its figures are skipped`);
    }
  }
  report(`durable ingest (${DURABLE_EVENTS / 1000}k events over ${RESOURCES / 1000}k resources)`, lines);
  if (parts.has('flat')) report('memory store across 1M events', await memoryFlat());
}

const role = process.env.PF_BENCH_ROLE;
if (role === 'direct') await directChild();
else if (role === 'queue') await queueChild();
else if (process.argv[1] === SELF) await run();
