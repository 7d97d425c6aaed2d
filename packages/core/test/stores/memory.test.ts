import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  type ActionJob,
  createEngine,
  createMemoryStore,
  defineCatalog,
  type JobStatus,
} from '../../src/index.js';
import { acme, actionJob, claimEvent, claimMachine, withSyncFace } from '../helpers.js';

function job(n: number, status: JobStatus = 'pending'): ActionJob {
  return actionJob({
    id: `e${n}:r:0`,
    resourceKey: `acme/claim/c${n}`,
    status,
    runAt: n,
    createdAt: n,
    updatedAt: n,
  });
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

  test('a finished job put back to run is a job to run once more, listed once, and finishes as the newest', async () => {
    const store = createMemoryStore({ finishedJobLimit: 2 });
    for (let n = 1; n <= 3; n++) await store.commit({ ledger: ledger(n), jobs: [job(n)] });
    for (const n of [1, 2]) await store.updateJob({ ...job(n), status: 'succeeded' }, []);
    await store.updateJob({ ...job(1), status: 'pending', runAt: 0, updatedAt: 1 }, []);
    expect((await store.getJob('e1:r:0'))?.status).toBe('pending');
    expect((await store.listJobs()).map((j) => `${j.id} ${j.status}`).sort()).toEqual([
      'e1:r:0 pending',
      'e2:r:0 succeeded',
      'e3:r:0 pending',
    ]);
    expect((await store.claimJobs(10, 10)).map((j) => j.id).sort()).toEqual(['e1:r:0', 'e3:r:0']);
    // e1 finishes again, after e2 did: e3's finish then pushes e2 out, the oldest to finish, not e1.
    await store.updateJob({ ...job(1), status: 'succeeded' }, []);
    await store.updateJob({ ...job(3), status: 'cancelled' }, []);
    expect((await store.listJobs()).map((j) => j.id).sort()).toEqual(['e1:r:0', 'e3:r:0']);
  });

  test('one job finished again and again is kept once, and the finishes that count stay in order', async () => {
    const store = createMemoryStore({ finishedJobLimit: 2 });
    await store.commit({ ledger: ledger(1), jobs: [job(1), job(2)] });
    await store.updateJob({ ...job(2), status: 'succeeded' }, []);
    // Enough finishes of e1 for the store to compact its record of them, more than once.
    for (let i = 0; i <= 10_000; i++) {
      await store.updateJob({ ...job(1), status: i % 2 === 0 ? 'succeeded' : 'pending' }, []);
    }
    expect((await store.listJobs()).map((j) => j.id).sort()).toEqual(['e1:r:0', 'e2:r:0']);
    // e2 finished before e1's last finish: it is the oldest, and the one a third finished job pushes out.
    await store.commit({ ledger: ledger(3), jobs: [job(3)] });
    await store.updateJob({ ...job(3), status: 'succeeded' }, []);
    expect((await store.listJobs()).map((j) => j.id).sort()).toEqual(['e1:r:0', 'e3:r:0']);
  });

  test('a commit does not put back a job it already holds, finished or not', async () => {
    const store = createMemoryStore();
    await store.commit({ ledger: ledger(1), jobs: [job(1), job(2)] });
    await store.updateJob({ ...job(1), status: 'succeeded' }, []);
    await store.commit({ ledger: ledger(3), jobs: [job(1), { ...job(2), params: { again: true } }] });
    expect((await store.getJob('e1:r:0'))?.status).toBe('succeeded');
    expect((await store.getJob('e2:r:0'))?.params).toEqual(job(2).params);
    expect(await store.listJobs()).toHaveLength(2);
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

  test('hands out copies of its jobs, audit lines and invalid records: changing one changes nothing kept', async () => {
    const store = createMemoryStore();
    const delayed = { ...job(1), runAt: 100, params: { message: 'm' } };
    await store.commit({
      ledger: ledger(1),
      jobs: [delayed],
      audit: [{ at: 1, resourceKey: 'acme/claim/c1', eventId: 'e1', kind: 'rule.fired', rule: 'r' }],
    });
    await store.recordInvalid({
      id: 'inv_1',
      provider: 'acme',
      source: 'api',
      receivedAt: 1,
      body: '{',
      error: { code: 'invalid_json', message: 'bad', path: [] },
    });
    const got = (await store.getJob('e1:r:0')) as { runAt: number; params: { message: string } };
    got.runAt = 0;
    got.params.message = 'changed';
    const [listed] = (await store.listJobs()) as Array<{ status: string }>;
    listed!.status = 'dead';
    const [line] = (await store.listAudit('acme/claim/c1')) as Array<{ rule: string }>;
    line!.rule = 'changed';
    const [record] = (await store.listInvalid()) as Array<{ body: string; error: { message: string } }>;
    record!.body = 'changed';
    record!.error.message = 'changed';
    // Not due before 100 (its place among the delayed jobs is the runAt it was written with).
    expect(await store.claimJobs(1, 10)).toEqual([]);
    expect(await store.getJob('e1:r:0')).toMatchObject({
      status: 'pending',
      runAt: 100,
      params: { message: 'm' },
    });
    expect((await store.listAudit('acme/claim/c1'))[0]?.rule).toBe('r');
    expect(await store.listInvalid()).toMatchObject([{ body: '{', error: { message: 'bad' } }]);
    expect((await store.claimJobs(100, 10)).map((j) => j.id)).toEqual(['e1:r:0']);
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

/** The engine's three ways to be handed a delivery: its text, its bytes, or a value already parsed. */
type Form = 'text' | 'bytes' | 'object';
function deliver(text: string, form: Form): unknown {
  return form === 'text' ? text : form === 'bytes' ? new TextEncoder().encode(text) : JSON.parse(text);
}

describe('contexts the memory store keeps as the delivery text', () => {
  // Data of a few shapes: the keys an event carries vary, so some events cover the context and some merge.
  const data = fc.record(
    {
      amount: fc.integer(),
      note: fc.string({ maxLength: 4 }),
      items: fc.array(fc.record({ n: fc.integer() }), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
  const step = fc.record({
    form: fc.constantFrom<Form>('text', 'bytes', 'object'),
    wrapped: fc.boolean(),
    // JSON.parse keeps a `__proto__` key as an own one; a merge must drop it.
    poisoned: fc.boolean(),
    data,
  });

  fcTest.prop([fc.array(step, { minLength: 1, maxLength: 8 })])(
    "read back as every event's data merged in order, whatever form each delivery came in",
    async (steps) => {
      const engine = createEngine({ providers: [acme] });
      let expected: Record<string, unknown> = {};
      for (const [i, s] of steps.entries()) {
        const own = JSON.stringify({ id: 'c1', ...s.data });
        const inner = s.poisoned ? `{"__proto__":{"admin":true},${own.slice(1)}` : own;
        // 1099Policy-style `data.object` and Kota-style `data` both reach the same context.
        const text = `{"id":"e${i}","type":"claim.updated","created":${100 + i},"data":${s.wrapped ? `{"object":${inner}}` : inner}}`;
        const r = await engine.ingest(deliver(text, s.form), { provider: 'acme' });
        expect(r.status).toBe('applied');
        expected = { ...expected, ...(JSON.parse(own) as Record<string, unknown>) };
      }
      const read = await engine.getResource('acme/claim/c1');
      expect(read?.context).toEqual(expected);
      expect(Object.hasOwn(read!.context, '__proto__')).toBe(false);
      expect(Object.getPrototypeOf(read!.context)).toBe(Object.prototype);
      const [listed] = await engine.store.listResources();
      expect(listed?.context).toEqual(expected);
    },
  );

  test('hand each read its own copy of a context kept as text', async () => {
    const engine = createEngine({ providers: [acme] });
    const body = { id: 'e1', type: 'claim.opened', created: 1, data: { id: 'c2', items: [{ n: 1 }] } };
    await engine.ingest(JSON.stringify(body), { provider: 'acme' });
    const read = await engine.getResource('acme/claim/c2');
    (read!.context as { items: Array<{ n: number }> }).items[0]!.n = 99;
    expect((await engine.getResource('acme/claim/c2'))?.context).toEqual({ id: 'c2', items: [{ n: 1 }] });
  });

  test("keep the data a catalog's own envelope reader took from elsewhere in the body", async () => {
    const custom = defineCatalog({
      provider: 'custom',
      lifecycles: { claim: claimMachine },
      envelope: (b) => ({
        id: b.id as string,
        type: b.kind as string,
        occurredAt: b.at as number,
        apiVersion: undefined,
        data: b.payload as Record<string, unknown>,
      }),
      events: { 'claim.opened': { lifecycle: 'claim', id: 'id' } },
    });
    const engine = createEngine({ providers: [custom] });
    const body = {
      id: 'e1',
      kind: 'claim.opened',
      at: 1,
      payload: { id: 'c3', x: 1 },
      data: { id: 'other' },
    };
    expect((await engine.ingest(JSON.stringify(body), { provider: 'custom' })).status).toBe('applied');
    expect((await engine.getResource('custom/claim/c3'))?.context).toEqual({ id: 'c3', x: 1 });
  });
});

describe("the memory store's commitEvent", () => {
  const step = fc.record({
    type: fc.constantFrom('claim.opened', 'claim.approved', 'claim.paid', 'claim.updated'),
    id: fc.constantFrom('c1', 'c2'),
    created: fc.integer({ min: 1, max: 50 }),
    event: fc.integer({ min: 1, max: 30 }),
  });

  fcTest.prop([fc.array(step, { maxLength: 30 })])(
    'writes what commit writes for the same events',
    async (steps) => {
      const fast = createEngine({ providers: [acme] });
      const plain = createMemoryStore();
      // The same store without its commitEvent: the engine then builds the write for commit.
      const store = withSyncFace(plain, ({ commitEvent: _dropped, ...sync }) => sync);
      const slow = createEngine({ providers: [acme], store });
      for (const s of steps) {
        const body = JSON.stringify({
          id: `e${s.event}`,
          type: s.type,
          created: s.created,
          data: { id: s.id },
        });
        const [a, b] = [
          await fast.ingest(body, { provider: 'acme' }),
          await slow.ingest(body, { provider: 'acme' }),
        ];
        expect(a.status).toBe(b.status);
      }
      for (const key of ['acme/claim/c1', 'acme/claim/c2']) {
        const [a, b] = [await fast.getResource(key), await slow.getResource(key)];
        expect({
          ...a,
          createdAt: 0,
          updatedAt: 0,
          history: a?.history.map((h) => ({ ...h, recordedAt: 0 })),
        }).toEqual({
          ...b,
          createdAt: 0,
          updatedAt: 0,
          history: b?.history.map((h) => ({ ...h, recordedAt: 0 })),
        });
      }
      for (let n = 1; n <= 30; n++) {
        const [a, b] = [await fast.store.getLedgerEntry(`e${n}`), await slow.store.getLedgerEntry(`e${n}`)];
        expect(a === undefined ? a : { ...a, receivedAt: 0 }).toEqual(
          b === undefined ? b : { ...b, receivedAt: 0 },
        );
      }
    },
  );
});
