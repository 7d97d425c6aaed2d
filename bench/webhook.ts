/**
 * Webhook throughput: signed deliveries over loopback (autocannon) to the node:http adapter with the memory
 * store, beside a bare node:http server answering 200 to the same bodies, in the same run.
 * Target: the adapter serves >= 60% of the bare server's requests/s.
 *
 * The servers run in a child process so the load generator does not share their event loop.
 * Run alone: `node --conditions=source --import tsx bench/webhook.ts`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { report } from './report.js';

const SERVER_FLAG = '--policyflow-webhook-bench-server';
const SECRET = 'whsec_bench_secret';
const HEADER = 'ten99policy-signature';
const DURATION_S = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 4);
/** Alternating rounds; the best round of each server counts, so a burst of load elsewhere on the machine
 * does not decide the ratio. */
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 4);
const CONNECTIONS = 32;
// Distinct deliveries signed per round: well above what one round can send, so no adapter event repeats.
const BODIES = 300_000;

/** The child: a bare server and the adapter, each on its own port. */
async function serve(): Promise<void> {
  const { createEngine, createMemoryStore, kota, ten99policy } = await import('@policyflow/core');
  const { createWebhookHandler, ten99policySignature, toNodeListener } = await import(
    '@policyflow/adapters/webhook'
  );
  const engine = createEngine({ providers: [kota(), ten99policy()], store: createMemoryStore() });
  const handle = createWebhookHandler({
    engine,
    provider: 'ten99policy',
    scheme: ten99policySignature(),
    secrets: [SECRET],
  });
  const counts: Record<string, number> = {};
  engine.on('transition', () => {
    counts.transitions = (counts.transitions ?? 0) + 1;
  });
  engine.on('duplicate', () => {
    counts.duplicates = (counts.duplicates ?? 0) + 1;
  });
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = '{"ok":true}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  const adapter = createServer(toNodeListener(handle));
  for (const s of [bare, adapter]) s.keepAliveTimeout = 60_000;
  await Promise.all([bare, adapter].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  process.on('message', (m) => {
    if (m === 'stats') process.send?.({ stats: counts });
  });
  process.send?.({
    bare: (bare.address() as AddressInfo).port,
    adapter: (adapter.address() as AddressInfo).port,
  });
}

/** Distinct signed deliveries: policies spread over many resources, each event new. */
function signedBodies(
  count: number,
  prefix: string,
): Array<{ body: string; headers: Record<string, string> }> {
  const t = Math.floor(Date.now() / 1000);
  const out = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({
      id: `ev_${prefix}_${i.toString(36)}`,
      type: i % 4 === 3 ? 'policy.cancelled' : 'policy.active',
      created: t - 3600 + Math.floor(i / 10),
      data: {
        id: `pl_${prefix}_${(i % 20_000).toString(36)}`,
        object: 'policy',
        quote: 'qt_5DciVga8Kt',
        status: i % 4 === 3 ? 'cancelled' : 'active',
        is_active: i % 4 !== 3,
        effective_date: t - 86_400,
        expiration_date: t + 86_400 * 365,
      },
    });
    const sig = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
    out.push({ body, headers: { 'content-type': 'application/json', [HEADER]: `t=${t},v1=${sig}` } });
  }
  return out;
}

async function load(port: number, bodies: ReturnType<typeof signedBodies>, seconds: number) {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => {
          const d = bodies[next++ % bodies.length]!;
          return { ...req, method: 'POST', body: d.body, headers: d.headers };
        },
      },
    ],
  });
  return { result, sent: next };
}

function line(label: string, r: autocannon.Result): string {
  return `${label.padEnd(28)} ${Math.round(r.requests.average).toLocaleString('en-US').padStart(8)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;
}

/**
 * Runs the benchmark and prints its figures.
 *
 * @example
 * ```ts
 * await (await import('./webhook.js')).run();
 * ```
 */
export async function run(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [SERVER_FLAG], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ports = await new Promise<{ bare: number; adapter: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { bare: number; adapter: number }));
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    // Warm both (JIT, connection pools) on resources the measured run never touches.
    const warm = signedBodies(BODIES / 2, 'warm');
    await load(ports.bare, warm, 2);
    await load(ports.adapter, warm, 2);
    let bare: Awaited<ReturnType<typeof load>> | undefined;
    let adapter: Awaited<ReturnType<typeof load>> | undefined;
    let offset = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Fresh deliveries each round, so every event the adapter ingests is new.
      const measured = signedBodies(BODIES, `run${round}`);
      const b = await load(ports.bare, measured, DURATION_S);
      const a = await load(ports.adapter, measured, DURATION_S);
      if (a.sent > measured.length)
        throw new Error(`round ${round} sent ${a.sent} > ${measured.length} bodies`);
      offset += a.sent;
      if (!bare || b.result.requests.average > bare.result.requests.average) bare = b;
      if (!adapter || a.result.requests.average > adapter.result.requests.average) adapter = a;
    }
    if (!bare || !adapter) throw new Error('no rounds ran');
    const stats = await new Promise<Record<string, number>>((resolve) => {
      child.once('message', (m) => resolve((m as { stats: Record<string, number> }).stats));
      child.send('stats');
    });
    const ratio = adapter.result.requests.average / bare.result.requests.average;
    report(`webhook: signed deliveries over loopback (autocannon, ${CONNECTIONS} connections)`, [
      line('bare node:http (200 only)', bare.result),
      line('node:http adapter + memory', adapter.result),
      `adapter / bare: ${(ratio * 100).toFixed(1)}% (target >= 60%)  ${ratio >= 0.6 ? 'OK' : 'BELOW TARGET'}`,
      `best of ${ROUNDS} alternating ${DURATION_S}s rounds each; adapter deliveries ${offset.toLocaleString('en-US')} (all distinct events): engine transitions ${stats.transitions ?? 0}, duplicates ${stats.duplicates ?? 0}`,
    ]);
  } finally {
    child.kill();
  }
}

if (process.argv.includes(SERVER_FLAG)) {
  await serve();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await run();
}
