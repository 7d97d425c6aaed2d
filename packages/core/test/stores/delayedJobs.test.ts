import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { ActionJob } from '../../src/store.js';
import { DelayedJobs } from '../../src/stores/memory/delayedJobs.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { actionJob } from '../helpers.js';

// Few ids and small times, so jobs collide, tie and come due together.
const op = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    delay: fc.nat(3),
  }),
  fc.record({
    kind: fc.constant('retry' as const),
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    delay: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('finish' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }),
  fc.record({ kind: fc.constant('advance' as const), by: fc.nat(2) }),
  fc.record({ kind: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 3 }) }),
);

function job(id: string, now: number, delay: number, seq: number): ActionJob {
  return actionJob({
    id,
    eventId: `evt_${id}`,
    maxAttempts: 5,
    runAt: now + delay,
    // Distinct per job, so the claim order (runAt, then createdAt) is total.
    createdAt: now + seq / 1000,
    updatedAt: now,
  });
}

/** What the memory store must answer: every pending job is a candidate, soonest first. */
function modelClaim(model: Map<string, ActionJob>, now: number, limit: number): ActionJob[] {
  return [...model.values()]
    .filter((j) => j.status === 'pending' && j.runAt <= now)
    .sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt)
    .slice(0, limit);
}

describe("the memory store's pending jobs", () => {
  test.prop([fc.array(op, { maxLength: 60 })], { numRuns: 500 })(
    'claims and wakes as a scan of every pending job would, delayed or retried ones included',
    async (ops) => {
      const store = createMemoryStore();
      const model = new Map<string, ActionJob>();
      let now = 0;
      let seq = 0;
      for (const o of ops) {
        if (o.kind === 'add' && !model.has(o.id)) {
          const j = job(o.id, now, o.delay, seq++);
          model.set(o.id, j);
          expect(await store.updateJob(j)).toBe(true);
        } else if ((o.kind === 'retry' || o.kind === 'finish') && model.get(o.id)?.status === 'running') {
          const claimed = model.get(o.id)!;
          const next: ActionJob =
            o.kind === 'retry'
              ? {
                  ...claimed,
                  status: 'pending',
                  attempts: claimed.attempts + 1,
                  runAt: now + o.delay,
                  updatedAt: now,
                }
              : { ...claimed, status: 'succeeded', updatedAt: now };
          model.set(o.id, next);
          expect(await store.updateJob(next, undefined, claimed)).toBe(true);
        } else if (o.kind === 'advance') {
          now += o.by;
        } else if (o.kind === 'claim') {
          const expected = modelClaim(model, now, o.limit);
          const got = await store.claimJobs(now, o.limit);
          expect(got.map((j) => j.id)).toEqual(expected.map((j) => j.id));
          for (const j of got) model.set(j.id, j);
        }
        const pending = [...model.values()].filter((j) => j.status === 'pending').map((j) => j.runAt);
        expect(await store.nextJobDueAt()).toBe(pending.length > 0 ? Math.min(...pending) : undefined);
      }
    },
  );

  test('keeps 5,000 reminders and claims each once, when it comes due', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 5_000; i++) await store.updateJob(job(`j${i}`, 0, 5_000 - i, i));
    expect(await store.nextJobDueAt()).toBe(1);
    expect(await store.claimJobs(0, 10)).toEqual([]);
    const claimed = await store.claimJobs(2_500, 10_000);
    expect(claimed.map((j) => j.runAt)).toEqual(Array.from({ length: 2_500 }, (_, k) => k + 1));
    expect(await store.nextJobDueAt()).toBe(2_501);
    expect((await store.claimJobs(10_000, 10_000)).length).toBe(2_500);
    expect(await store.nextJobDueAt()).toBeUndefined();
  });
});

describe('DelayedJobs', () => {
  test('drops jobs that are no longer current, at the top and when they make up most of the heap', () => {
    const current = new Set<string>();
    const delayed = new DelayedJobs((j) => current.has(j.id));
    for (let i = 0; i < 3_000; i++) {
      const j = job(`j${i}`, 0, 3_000 - i, i);
      if (i % 10 === 0) current.add(j.id);
      delayed.push(j);
    }
    // Past 1,024 entries the heap was rebuilt from the current ones only, and again as it grew.
    expect(delayed.size).toBeLessThan(1_500);
    expect(delayed.nextDueAt()).toBe(10);
    const due = delayed.takeDue(1_000);
    expect(due.map((j) => j.runAt)).toEqual(Array.from({ length: 100 }, (_, k) => 10 + 10 * k));
    current.clear();
    expect(delayed.nextDueAt()).toBeUndefined();
    expect(delayed.takeDue(Number.POSITIVE_INFINITY)).toEqual([]);
    expect(delayed.size).toBe(0);
  });
});
