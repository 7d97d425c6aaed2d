import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createJobRunner } from '../../src/actions/runner.js';
import { DEFAULT_RETRY } from '../../src/actions/schedule.js';
import type { ActionDefinition } from '../../src/actions/types.js';
import type { ActionJob } from '../../src/store.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { actionJob } from '../helpers.js';
import { createSimClock } from '../rules/helpers.js';

function job(i: number, type: string): ActionJob {
  return actionJob({ id: `evt_${i}:r:0`, type, params: { i }, maxAttempts: 1 });
}

/** A runner over a memory store holding `types.length` due jobs, the i-th of type `types[i]`. */
async function runJobs(types: ReadonlyArray<string>, actions: Record<string, ActionDefinition>) {
  const store = createMemoryStore();
  for (const [i, type] of types.entries()) await store.updateJob(job(i, type));
  const notices: string[] = [];
  const runner = createJobRunner({
    store,
    clock: createSimClock(0),
    actions: new Map(Object.entries(actions)),
    retryFor: () => ({ ...DEFAULT_RETRY, attempts: 1 }),
    random: () => 0,
    emit: (event: string, ..._args: unknown[]) => {
      notices.push(event);
    },
    log: () => {},
    concurrency: 4,
  });
  await runner.drain();
  runner.close();
  return { store, notices };
}

const params = z.object({ i: z.number() });

describe("the runner's pool", () => {
  test('runs every job, instant and asynchronous ones mixed, with no more than `concurrency` unfinished', async () => {
    let running = 0;
    let most = 0;
    const ran: number[] = [];
    const instant: ActionDefinition = {
      params,
      handler: (p) => {
        ran.push((p as { i: number }).i);
      },
    };
    const slow: ActionDefinition = {
      params,
      handler: async (p) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        ran.push((p as { i: number }).i);
        running -= 1;
      },
    };
    // Instant jobs first (the pool's synchronous part), then asynchronous ones with instant ones between.
    const types = Array.from({ length: 40 }, (_, i) => (i < 5 || i % 3 === 0 ? 'instant' : 'slow'));
    const { store, notices } = await runJobs(types, { instant, slow });
    expect([...ran].sort((a, b) => a - b)).toEqual(types.map((_, i) => i));
    expect(most).toBe(4);
    expect(notices.filter((n) => n === 'action.succeeded')).toHaveLength(40);
    expect(await store.listJobs({ status: ['pending', 'running'] })).toEqual([]);
  });

  test('a handler that throws at once or rejects later fails its own job only', async () => {
    const ok: ActionDefinition = { params, handler: () => {} };
    const throws: ActionDefinition = {
      params,
      handler: () => {
        throw new Error('at once');
      },
    };
    const rejects: ActionDefinition = {
      params,
      handler: async () => {
        throw new Error('later');
      },
    };
    const types = ['ok', 'throws', 'ok', 'rejects', 'ok', 'throws', 'ok'];
    const { store } = await runJobs(types, { ok, throws, rejects });
    const dead = await store.listJobs({ status: ['dead'] });
    expect(dead.map((j) => j.params).sort((a, b) => (a as { i: number }).i - (b as { i: number }).i)).toEqual(
      [{ i: 1 }, { i: 3 }, { i: 5 }],
    );
    expect(dead.map((j) => j.lastError?.message).sort()).toEqual(['at once', 'at once', 'later']);
    expect(await store.listJobs({ status: ['succeeded'] })).toHaveLength(4);
  });
});
