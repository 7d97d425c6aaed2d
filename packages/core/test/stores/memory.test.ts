import { describe, expect, test } from 'vitest';
import { type ActionJob, createEngine, createMemoryStore, type JobStatus } from '../../src/index.js';
import { acme, claimEvent } from '../helpers.js';

function job(n: number, status: JobStatus = 'pending'): ActionJob {
  return {
    id: `e${n}:r:0`,
    eventId: `e${n}`,
    resourceKey: `acme/claim/c${n}`,
    rule: 'r',
    actionIndex: 0,
    type: 'log',
    params: {},
    whileIn: undefined,
    status,
    attempts: 0,
    maxAttempts: 3,
    runAt: n,
    lastError: undefined,
    createdAt: n,
    updatedAt: n,
  };
}

function ledger(n: number) {
  return {
    eventId: `e${n}`,
    provider: 'acme',
    type: 'claim.opened',
    key: undefined,
    status: 'unhandled' as const,
    occurredAt: n,
    receivedAt: n,
    source: 'api' as const,
  };
}

describe('the memory store', () => {
  test('keeps the newest finished jobs only; dead letters and jobs to run stay', async () => {
    const store = createMemoryStore({ finishedJobLimit: 2 });
    for (let n = 1; n <= 6; n++) await store.commit({ ledger: ledger(n), jobs: [job(n)] });
    const end: Record<number, JobStatus> = {
      1: 'succeeded',
      2: 'dead',
      3: 'cancelled',
      4: 'succeeded',
      5: 'succeeded',
    };
    for (const [n, status] of Object.entries(end)) await store.updateJob({ ...job(Number(n)), status }, []);

    const ids = (await store.listJobs()).map((j) => `${j.id} ${j.status}`).sort();
    expect(ids).toEqual(['e2:r:0 dead', 'e4:r:0 succeeded', 'e5:r:0 succeeded', 'e6:r:0 pending']);
    expect(await store.getJob('e1:r:0')).toBeUndefined();
    expect(await store.getJob('e3:r:0')).toBeUndefined();
    expect(await store.nextJobDueAt()).toBe(6);
  });

  test('forgets finished jobs in the order they finished, not the order they were fired', async () => {
    const store = createMemoryStore({ finishedJobLimit: 1 });
    await store.commit({ ledger: ledger(1), jobs: [job(1)] });
    await store.commit({ ledger: ledger(2), jobs: [job(2)] });
    await store.updateJob({ ...job(2), status: 'succeeded' }, []);
    await store.updateJob({ ...job(1), status: 'succeeded' }, []);
    expect((await store.listJobs()).map((j) => j.id)).toEqual(['e1:r:0']);
  });
});

describe('reads of the memory store', () => {
  test('give snapshots the caller may change without changing the store', async () => {
    const engine = createEngine({ providers: [acme] });
    await engine.ingest(claimEvent('claim.opened', 'm1', 10, { amount: 1, items: [{ n: 1 }] }), {
      provider: 'acme',
    });
    const before = await engine.getResource('acme/claim/m1');
    const read = await engine.getResource('acme/claim/m1');
    (read!.context as { amount: number }).amount = 99;
    (read!.context as { items: Array<{ n: number }> }).items[0]!.n = 99;
    (read!.stateAt as Record<string, number>)[''] = 0;
    const [listed] = await engine.store.listResources();
    (listed!.context as { amount: number }).amount = 98;
    expect(await engine.getResource('acme/claim/m1')).toEqual(before);
    expect(before?.context).toEqual({ id: 'm1', amount: 1, items: [{ n: 1 }] });
  });

  test('a limit of 0 lists nothing', async () => {
    const store = createMemoryStore();
    const engine = createEngine({ providers: [acme], store });
    await engine.ingest(claimEvent('claim.opened', 'm2', 10), { provider: 'acme' });
    await engine.ingest('{nope', { provider: 'acme' });
    await store.commit({ ledger: ledger(1), jobs: [job(1)] });
    expect((await store.listResources({ limit: 1 })).length).toBe(1);
    expect(await store.listResources({ limit: 0 })).toEqual([]);
    expect(await store.listJobs({ limit: 0 })).toEqual([]);
    expect((await store.listInvalid({ limit: 1 })).length).toBe(1);
    expect(await store.listInvalid({ limit: 0 })).toEqual([]);
    expect(await store.listAudit('acme/claim/m2', 0)).toEqual([]);
  });
});
