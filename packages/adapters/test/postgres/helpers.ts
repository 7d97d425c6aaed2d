import { type ActionJob, defineCatalog } from '@policyflow/core';
import { seededRandom } from '@policyflow/testing';
import pg from 'pg';
import { setup } from 'xstate';
import { z } from 'zod';

/** The test database: DATABASE_URL, or the local trust-auth server. */
export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers; tests that need it skip with a message when it does not. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    const why = `PostgreSQL at ${PG_URL} is unreachable (${(error as Error).message})`;
    // CI sets POLICYFLOW_REQUIRE_POSTGRES: there a missing server is a broken machine, not a reason to skip.
    if (process.env.POLICYFLOW_REQUIRE_POSTGRES)
      throw new Error(`${why}; start it or unset POLICYFLOW_REQUIRE_POSTGRES`);
    console.warn(`${why}: skipping its tests`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops schemas (and their pg-boss twins) so a test file starts clean. */
export async function dropSchemas(...names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const n of names) {
      await client.query(`DROP SCHEMA IF EXISTS "${n}" CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS "${n}_boss" CASCADE`);
    }
  } finally {
    await client.end();
  }
}

/** A small claim lifecycle, independent of the provider catalogs. */
export const claimMachine = setup({
  types: {
    events: {} as
      | { type: 'claim.opened' }
      | { type: 'claim.approved' }
      | { type: 'claim.paid' }
      | { type: 'claim.updated' },
  },
}).createMachine({
  id: 'claim',
  initial: 'opened',
  states: {
    opened: { on: { 'claim.opened': {}, 'claim.approved': 'approved', 'claim.updated': {} } },
    approved: { on: { 'claim.paid': 'paid', 'claim.updated': {} } },
    paid: { type: 'final' },
  },
});

/** The test provider's catalog. */
export const acme = defineCatalog({
  provider: 'acme',
  lifecycles: { claim: claimMachine },
  events: {
    'claim.opened': { lifecycle: 'claim', id: 'id', data: z.looseObject({ id: z.string() }) },
    'claim.approved': { lifecycle: 'claim', id: 'id' },
    'claim.paid': { lifecycle: 'claim', id: 'id' },
    'claim.updated': { lifecycle: 'claim', id: 'id' },
  },
});

const TYPES = ['claim.opened', 'claim.updated', 'claim.approved', 'claim.updated', 'claim.paid'] as const;

/**
 * `count` deliveries over `resources` claims, each claim's events in a random order, with about
 * `duplicateRate` of them delivered twice: the chaos a webhook endpoint sees.
 */
export function workload(count: number, resources: number, seed = 7, duplicateRate = 0.1): object[] {
  const random = seededRandom(seed);
  const unique = Math.round(count / (1 + duplicateRate));
  const events: object[] = [];
  for (let i = 0; i < unique; i++) {
    const r = i % resources;
    const step = Math.floor(i / resources);
    const type = TYPES[step % TYPES.length]!;
    events.push({
      id: `evt_${seed}_${i}`,
      type,
      created: 1_700_000_000 + step * 60 + Math.floor(random() * 90),
      data: { id: `clm_${r}`, step, note: `n${i}` },
    });
  }
  const out = [...events];
  while (out.length < count) out.push(events[Math.floor(random() * events.length)]!);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A job as the engine writes one: `id` is `eventId:rule:index`; `extra` overrides any field. */
export function job(id: string, key: string, runAt: number, extra: Partial<ActionJob> = {}): ActionJob {
  return {
    id,
    eventId: id.split(':')[0]!,
    resourceKey: key,
    rule: 'r',
    actionIndex: 0,
    type: 'log',
    params: { message: 'hi' },
    whileIn: undefined,
    status: 'pending',
    attempts: 0,
    maxAttempts: 3,
    runAt,
    lastError: undefined,
    createdAt: runAt,
    updatedAt: runAt,
    ...extra,
  };
}
