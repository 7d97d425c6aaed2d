import type { ActionDefinition, RuleSpec } from '@policyflow/core';
import type pg from 'pg';
import { z } from 'zod';

/** Rules of the scale tests: an action on every approval and every payment. */
export const scaleRules: RuleSpec[] = [
  {
    name: 'approved',
    on: { lifecycle: 'claim', to: 'approved' },
    actions: [{ type: 'sink', params: { tag: 'a' } }],
  },
  { name: 'paid', on: { lifecycle: 'claim', to: 'paid' }, actions: [{ type: 'sink', params: { tag: 'p' } }] },
];

/**
 * The test sink: a side effect whose log has a unique key. `sink_runs` counts every attempt (at least once);
 * `sink` keeps one row per idempotency key (never twice).
 */
export function sqlSink(pool: pg.Pool, schema: string): ActionDefinition<{ tag: string }> {
  return {
    params: z.object({ tag: z.string() }),
    async handler(params, ctx): Promise<undefined> {
      await pool.query(`INSERT INTO "${schema}".sink_runs (key) VALUES ($1)`, [ctx.job.id]);
      await pool.query(
        `INSERT INTO "${schema}".sink (key, tag) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
        [ctx.job.id, params.tag],
      );
    },
  };
}

/** Creates the sink tables. */
export async function createSinkTables(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS "${schema}".sink (key text PRIMARY KEY, tag text NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS "${schema}".sink_runs (key text NOT NULL)`);
}
