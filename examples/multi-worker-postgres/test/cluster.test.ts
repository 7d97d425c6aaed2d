import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEngine, kota, type RuleSpec, ten99policy } from '@policyflow/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Cluster, startWorkers } from '../src/cluster.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'pf_example_multi';
const fixtures = join(import.meta.dirname, '../../../packages/testing/fixtures');

async function sql(statements: string[]): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    for (const s of statements) await client.query(s);
    return true;
  } catch (error) {
    const why = `PostgreSQL at ${url} is unreachable (${(error as Error).message})`;
    // CI sets POLICYFLOW_REQUIRE_POSTGRES: there a missing server is a broken machine, not a reason to skip.
    if (process.env.POLICYFLOW_REQUIRE_POSTGRES)
      throw new Error(`${why}; start it or unset POLICYFLOW_REQUIRE_POSTGRES`);
    console.warn(`${why}: this example's test needs it`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const reset = [`DROP SCHEMA IF EXISTS ${schema} CASCADE`, `DROP SCHEMA IF EXISTS ${schema}_boss CASCADE`];
const pgUp = await sql(reset);

const deliveries = [
  ...['kota-v1.ndjson', 'kota-v2.ndjson'].map((f) => ({ file: f, provider: 'kota' })),
  { file: 'ten99policy.ndjson', provider: 'ten99policy' },
].flatMap(({ file, provider }) =>
  readFileSync(join(fixtures, file), 'utf8')
    .trim()
    .split('\n')
    .map((payload) => ({ provider, payload, source: 'webhook' as const })),
);

const rules: RuleSpec[] = [
  {
    name: 'count-cancellations',
    on: { event: 'policy.cancelled', provider: 'ten99policy' },
    actions: [{ type: 'count', params: { key: '{{event.id}}' } }],
  },
];

describe.runIf(pgUp)('multi-worker-postgres example', { timeout: 120_000 }, () => {
  const ran: string[] = [];
  let cluster: Cluster;

  beforeAll(async () => {
    const count = {
      params: z.object({ key: z.string() }),
      handler: (p: unknown) => {
        ran.push((p as { key: string }).key);
        return undefined;
      },
    };
    cluster = await startWorkers({ url, schema, workers: 3, rules, actions: { count } });
  });

  afterAll(async () => {
    await cluster?.stop();
    await sql(reset);
  });

  it('three workers apply every event once, in order per resource, and run each action once', async () => {
    await cluster.enqueue(deliveries);
    const store = cluster.workers[0]!.store;
    const ids = deliveries.map((d) => (JSON.parse(d.payload) as { id: string }).id);
    for (let i = 0; i < 400; i++) {
      const seen = await Promise.all(ids.map((id) => store.hasEvent(id)));
      if (seen.every(Boolean) && ran.length > 0) break;
      await sleep(100);
    }

    // The same events through one in-memory engine, in file order: the workers must agree with it.
    const reference = createEngine({ providers: [kota(), ten99policy()] });
    for (const d of deliveries) await reference.ingest(d.payload, { provider: d.provider });
    const expected = (await reference.store.listResources()).map((r) => [r.key, r.state] as const);
    const actual = (await store.listResources({ limit: 1000 })).map((r) => [r.key, r.state] as const);
    expect(new Map(actual)).toEqual(new Map(expected));
    expect(ran).toEqual(['ev_Q2kA9Nsub9jKcFJqcBSv03']);
  });
});
