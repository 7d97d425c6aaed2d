import { type ActionDefinition, createEngine, type Engine, type RuleSpec } from '@policyflow/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  createPgliteStore,
  createPostgresStore,
  type DurableStore,
  postgresClient,
  queues,
  tryLead,
  whileLeader,
  workActions,
} from '../../src/postgres/index.js';
import { acme, dropSchemas, PG_URL, postgresReachable } from './helpers.js';

const pgUp = await postgresReachable();
const SCHEMA = 'pf_test_actions';

function claim(id: string, type: string, created: number, n: number) {
  return { id: `evt_${id}_${n}`, type, created, data: { id } };
}

interface Rig {
  readonly engine: Engine;
  readonly store: DurableStore;
  readonly runs: string[];
  close(): Promise<void>;
}

/** An engine on PGlite whose actions go through pg-boss, with an action worker in the same process. */
async function rig(rules: RuleSpec[], behaviour: (attempt: number) => boolean, attempts = 3): Promise<Rig> {
  const runs: string[] = [];
  const store = await createPgliteStore({
    actionQueue: { superviseIntervalSeconds: 1, retry: { attempts, baseMs: 1000, maxMs: 1000 } },
  });
  const flaky: ActionDefinition<{ tag: string }> = {
    params: z.object({ tag: z.string() }),
    handler: (p, ctx) => {
      runs.push(`${p.tag}#${ctx.attempt}`);
      return behaviour(ctx.attempt)
        ? undefined
        : { ok: false, retryable: true, message: `attempt ${ctx.attempt} failed` };
    },
  };
  const actions = { flaky: flaky as ActionDefinition };
  const engine = createEngine({
    providers: [acme],
    store,
    rules,
    actions,
    retry: { attempts, baseMs: 1000, maxMs: 1000 },
    logSink: () => {},
  });
  await workActions(store.boss!, { store, actions, emit: engine.emit, pollingIntervalSeconds: 0.5 });
  return { engine, store, runs, close: () => engine.close() };
}

const onApproved = (extra: object = {}): RuleSpec[] => [
  {
    name: 'approved',
    on: { lifecycle: 'claim', to: 'approved' },
    actions: [{ type: 'flaky', params: { tag: 'a' }, ...extra }],
  },
];

describe('actions as pg-boss jobs (PGlite)', { timeout: 60_000 }, () => {
  it('are sent in the commit and retried by pg-boss until they succeed', async () => {
    const r = await rig(onApproved(), (attempt) => attempt >= 3);
    try {
      await r.engine.ingest(claim('c1', 'claim.opened', 1000, 1), { provider: 'acme' });
      const res = await r.engine.ingest(claim('c1', 'claim.approved', 1001, 2), { provider: 'acme' });
      const id = res.actions[0]!.idempotencyKey;
      const queued = await r.store.boss!.findJobs(queues.actions, {});
      expect(queued).toHaveLength(1);
      await vi.waitFor(async () => expect((await r.store.getJob(id))?.status).toBe('succeeded'), {
        timeout: 30_000,
        interval: 100,
      });
      expect(r.runs).toEqual(['a#1', 'a#2', 'a#3']);
      expect((await r.store.getJob(id))?.attempts).toBe(3);
      const kinds = (await r.engine.audit('acme/claim/c1')).map((a) => a.kind);
      expect(kinds.filter((k) => k.startsWith('action.'))).toEqual([
        'action.failed',
        'action.failed',
        'action.succeeded',
      ]);
    } finally {
      await r.close();
    }
  });

  it('dead-letter a job that used up its attempts; deadLetters() lists it and retryDead() runs it again', async () => {
    let healthy = false;
    const r = await rig(onApproved(), () => healthy, 2);
    try {
      await r.engine.ingest(claim('c2', 'claim.approved', 1000, 1), { provider: 'acme' });
      await vi.waitFor(async () => expect(await r.engine.deadLetters()).toHaveLength(1), {
        timeout: 30_000,
        interval: 100,
      });
      const [dead] = await r.engine.deadLetters();
      expect(dead?.attempts).toBe(2);
      expect(dead?.lastError?.message).toBe('attempt 2 failed');
      expect(r.runs).toEqual(['a#1', 'a#2']);
      expect(await r.store.boss!.findJobs(queues.actionsDead, {})).toHaveLength(1);
      healthy = true;
      expect(await r.engine.retryDead(dead!.id)).toBe(true);
      await vi.waitFor(async () => expect((await r.store.getJob(dead!.id))?.status).toBe('succeeded'), {
        timeout: 30_000,
        interval: 100,
      });
      expect(await r.engine.deadLetters()).toHaveLength(0);
    } finally {
      await r.close();
    }
  });

  it('delay through pg-boss startAfter, and whileIn still cancels', async () => {
    const r = await rig(onApproved({ delay: '1500ms', whileIn: 'approved' }), () => true);
    try {
      await r.engine.ingest(claim('stay', 'claim.approved', 1000, 1), { provider: 'acme' });
      const moved = await r.engine.ingest(claim('move', 'claim.approved', 1000, 1), { provider: 'acme' });
      await r.engine.ingest(claim('move', 'claim.paid', 1001, 2), { provider: 'acme' });
      const [stay] = await r.store.listJobs({ resourceKey: 'acme/claim/stay' });
      expect(stay!.runAt).toBeGreaterThan(Date.now() + 500);
      expect(r.runs).toEqual([]);
      await vi.waitFor(
        async () => {
          expect((await r.store.getJob(stay!.id))?.status).toBe('succeeded');
          expect((await r.store.getJob(moved.actions[0]!.idempotencyKey))?.status).toBe('cancelled');
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(r.runs).toEqual(['a#1']);
      expect(Date.now()).toBeGreaterThanOrEqual(stay!.runAt);
    } finally {
      await r.close();
    }
  });
});

describe.runIf(pgUp)('PostgreSQL coordination', { timeout: 60_000 }, () => {
  beforeAll(() => dropSchemas(SCHEMA));
  afterAll(() => dropSchemas(SCHEMA));

  it('lets one process lead per provider, and the next take over on release', async () => {
    const a = postgresClient({ url: PG_URL, max: 2 });
    const b = postgresClient({ url: PG_URL, max: 2 });
    try {
      const lead = await tryLead(a, 'poller:kota');
      expect(lead).toBeDefined();
      expect(await tryLead(b, 'poller:kota')).toBeUndefined();
      const other = await tryLead(b, 'poller:ten99policy');
      expect(other).toBeDefined();
      await lead!.release();
      const next = await tryLead(b, 'poller:kota');
      expect(next).toBeDefined();
      await next!.release();
      await other!.release();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('hands the lock on when the leader dies (its connection closes)', async () => {
    const a = postgresClient({ url: PG_URL, max: 1 });
    const b = postgresClient({ url: PG_URL, max: 1 });
    try {
      const lead = await tryLead(a, 'poller:crash');
      expect(lead).toBeDefined();
      expect(await tryLead(b, 'poller:crash')).toBeUndefined();
      // Terminating the leader's backend is what a crash looks like to the server.
      const held = `FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
         AND objid::text::bigint = (hashtext('policyflow:leader:poller:crash')::bigint & 4294967295)`;
      await b.query(`SELECT pg_terminate_backend(pid) ${held}`);
      await lead!.lost;
      // The server sends the leader its FATAL before the dying backend lets go of its locks, so the client
      // can see the loss first: wait (bounded) for the lock to be gone, as a standby's next try would.
      for (let i = 0; i < 500 && (await b.query(`SELECT 1 ${held}`)).rows.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const next = await tryLead(b, 'poller:crash');
      expect(next).toBeDefined();
      await next!.release();
    } finally {
      await a.close().catch(() => {});
      await b.close();
    }
  });

  it('keeps one poller running per provider, and a standby takes over when the leader stops', async () => {
    const clients = [postgresClient({ url: PG_URL, max: 2 }), postgresClient({ url: PG_URL, max: 2 })];
    const stops = [new AbortController(), new AbortController()];
    const running = new Set<number>();
    const events: string[] = [];
    const task = (i: number) => async (signal: AbortSignal) => {
      running.add(i);
      events.push(`start ${i}`);
      expect(running.size).toBe(1);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      running.delete(i);
      events.push(`stop ${i}`);
    };
    try {
      const first = whileLeader(clients[0]!, 'poller:acme', task(0), {
        signal: stops[0]!.signal,
        retryMs: 50,
      });
      await vi.waitFor(() => expect(running).toEqual(new Set([0])), { timeout: 10_000, interval: 20 });
      const second = whileLeader(clients[1]!, 'poller:acme', task(1), {
        signal: stops[1]!.signal,
        retryMs: 50,
      });
      stops[0]!.abort();
      await first;
      await vi.waitFor(() => expect(running).toEqual(new Set([1])), { timeout: 10_000, interval: 20 });
      stops[1]!.abort();
      await second;
      expect(events).toEqual(['start 0', 'stop 0', 'start 1', 'stop 1']);
    } finally {
      for (const s of stops) s.abort();
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('runs the same action path on PostgreSQL, with jobs visible in the store', async () => {
    const store = await createPostgresStore({
      url: PG_URL,
      schema: SCHEMA,
      actionQueue: { superviseIntervalSeconds: 1 },
    });
    const seen: string[] = [];
    const actions = {
      note: {
        params: z.object({}),
        handler: (_p: unknown, ctx: { job: { id: string } }) => {
          seen.push(ctx.job.id);
          return undefined;
        },
      } as ActionDefinition,
    };
    const engine = createEngine({
      providers: [acme],
      store,
      actions,
      rules: [{ name: 'paid', on: { lifecycle: 'claim', to: 'paid' }, actions: [{ type: 'note' }] }],
      logSink: () => {},
    });
    try {
      await workActions(store.boss!, { store, actions, emit: engine.emit });
      await engine.ingest(claim('p1', 'claim.approved', 1000, 1), { provider: 'acme' });
      const r = await engine.ingest(claim('p1', 'claim.paid', 1001, 2), { provider: 'acme' });
      await vi.waitFor(async () => expect(seen).toEqual([r.actions[0]!.idempotencyKey]), {
        timeout: 20_000,
        interval: 100,
      });
      await vi.waitFor(async () => expect((await store.getJob(seen[0]!))?.status).toBe('succeeded'), {
        timeout: 20_000,
        interval: 100,
      });
    } finally {
      await engine.close();
    }
  });
});
