import { describe, expect, test } from 'vitest';
import { createEngine } from '../src/engine.js';
import { kota } from '../src/providers/kota.js';
import { createMemoryStore } from '../src/stores/memory.js';
import { acme, claimEvent, withSyncFace } from './helpers.js';

describe('createEngine ingest', () => {
  test('applies allowed transitions and keeps state per resource', async () => {
    const engine = createEngine({ providers: [acme] });
    const a = await engine.ingest(claimEvent('claim.opened', 'c1', 100), { provider: 'acme' });
    expect(a).toMatchObject({ status: 'applied', key: 'acme/claim/c1', from: undefined, to: 'opened' });
    const b = await engine.ingest(JSON.stringify(claimEvent('claim.approved', 'c1', 200)), {
      provider: 'acme',
    });
    expect(b).toMatchObject({ status: 'applied', from: 'opened', to: 'approved' });
    const r = await engine.getResource('acme/claim/c1');
    expect(r).toMatchObject({
      state: 'approved',
      lastEventType: 'claim.approved',
      version: 2,
      occurredAt: 200_000,
    });
    expect(r?.history.map((h) => h.status)).toEqual(['applied', 'applied']);
  });

  test('forces a disallowed event into the state it implies and emits a violation', async () => {
    const engine = createEngine({ providers: [acme] });
    const violations: string[] = [];
    engine.on('violation', (v) => violations.push(`${String(v.from)}->${String(v.to)}`));
    const r = await engine.ingest(claimEvent('claim.paid', 'c2', 100), { provider: 'acme' });
    expect(r).toMatchObject({ status: 'forced', to: 'paid' });
    expect(violations).toEqual(['opened->paid']);
  });

  test('strict policy rejects and leaves state unchanged', async () => {
    const engine = createEngine({ providers: [acme], reconcile: 'strict' });
    await engine.ingest(claimEvent('claim.opened', 'c3', 100), { provider: 'acme' });
    const r = await engine.ingest(claimEvent('claim.paid', 'c3', 200), { provider: 'acme' });
    expect(r).toMatchObject({ status: 'rejected', from: 'opened', to: 'opened' });
    expect((await engine.getResource('acme/claim/c3'))?.state).toBe('opened');
  });

  test('older events are stale: recorded, state unchanged, no transition', async () => {
    const engine = createEngine({ providers: [acme] });
    const transitions: unknown[] = [];
    engine.on('transition', (t) => transitions.push(t.to));
    await engine.ingest(claimEvent('claim.approved', 'c4', 200), { provider: 'acme' });
    const r = await engine.ingest(claimEvent('claim.opened', 'c4', 100), { provider: 'acme' });
    expect(r.status).toBe('stale');
    expect(transitions).toEqual(['approved']);
    expect((await engine.getResource('acme/claim/c4'))?.state).toBe('approved');
    expect(await engine.store.getLedgerEntry(r.eventId!)).toMatchObject({ status: 'stale' });
  });

  test("a time past Date's range is invalid, so it cannot make the resource's later events stale", async () => {
    const engine = createEngine({ providers: [acme] });
    const far = await engine.ingest(claimEvent('claim.opened', 'c4f', 1e16), { provider: 'acme' });
    expect(far).toMatchObject({ status: 'invalid', error: { code: 'invalid_envelope', path: ['created'] } });
    const next = await engine.ingest(claimEvent('claim.opened', 'c4f', 100), { provider: 'acme' });
    expect(next.status).toBe('applied');
  });

  test('a duplicate changes nothing', async () => {
    const store = createMemoryStore();
    const engine = createEngine({ providers: [acme], store });
    const e = claimEvent('claim.opened', 'c5', 100, { amount: 1 });
    await engine.ingest(e, { provider: 'acme' });
    const before = await engine.getResource('acme/claim/c5');
    const r = await engine.ingest(
      { ...e, data: { id: 'c5', amount: 999 } },
      { provider: 'acme', source: 'poll' },
    );
    expect(r.status).toBe('duplicate');
    expect(await engine.getResource('acme/claim/c5')).toEqual(before);
  });

  test('events without an id are de-duplicated by a stable hash of their body', async () => {
    const engine = createEngine({ providers: [acme] });
    const body = { type: 'claim.opened', created: 5, data: { id: 'c6' } };
    const a = await engine.ingest(body, { provider: 'acme' });
    const b = await engine.ingest('{ "data": {"id":"c6"}, "created": 5, "type": "claim.opened" }', {
      provider: 'acme',
    });
    expect(a.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b).toMatchObject({ status: 'duplicate', eventId: a.eventId });
  });

  test('an id-less body nested deeper than the call stack goes is hashed and applied', async () => {
    const engine = createEngine({ providers: [acme] });
    const depth = 5000;
    const body = `{"type":"claim.opened","created":5,"data":{"id":"c6d","meta":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const r = await engine.ingest(body, { provider: 'acme', source: 'webhook' });
    expect(r).toMatchObject({ status: 'applied', key: 'acme/claim/c6d' });
    expect(r.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('an id-less object with a cycle is invalid, not a throw', async () => {
    const engine = createEngine({ providers: [acme] });
    const body: Record<string, unknown> = { type: 'claim.opened', created: 5, data: { id: 'c6c' } };
    (body.data as Record<string, unknown>).self = body;
    const r = await engine.ingest(body, { provider: 'acme' });
    expect(r).toMatchObject({
      status: 'invalid',
      error: { code: 'invalid_envelope', path: ['data', 'self'] },
    });
    expect(await engine.getResource('acme/claim/c6c')).toBeUndefined();
  });

  test('unknown types are unhandled: recorded in the ledger, no resource', async () => {
    const engine = createEngine({ providers: [acme] });
    const r = await engine.ingest(
      { id: 'x1', type: 'claim.teleported', created: 1, data: {} },
      { provider: 'acme' },
    );
    expect(r).toMatchObject({ status: 'unhandled', key: undefined });
    expect(await engine.store.getLedgerEntry('x1')).toMatchObject({ status: 'unhandled' });
  });

  test.each([
    ['not json', '{oops', 'invalid_json', []],
    ['no type', { id: 'e', created: 1, data: {} }, 'invalid_envelope', ['type']],
    [
      'bad created',
      { id: 'e', type: 'claim.opened', created: 'yesterday', data: { id: 'c' } },
      'invalid_envelope',
      ['created'],
    ],
    [
      'bad data',
      { id: 'e', type: 'claim.opened', created: 1, data: { id: 'c', amount: 'lots' } },
      'invalid_data',
      ['data', 'amount'],
    ],
    ['no resource id', { id: 'e', type: 'claim.paid', created: 1, data: {} }, 'invalid_data', ['data', 'id']],
    // PostgreSQL's text and jsonb refuse U+0000: every store refuses it alike, as text or as an object.
    [
      'U+0000 in data',
      '{"id":"e","type":"claim.opened","created":1,"data":{"id":"c","notes":["ok","a\\u0000b"]}}',
      'invalid_data',
      ['data', 'notes', 1],
    ],
    [
      'U+0000 in a key',
      { id: 'e', type: 'claim.opened', created: 1, data: { id: 'c', 'x\u0000': 1 } },
      'invalid_data',
      ['data', 'x\u0000'],
    ],
    [
      'U+0000 in the envelope',
      { id: 'e', type: 'claim.opened\u0000', created: 1, data: { id: 'c' } },
      'invalid_envelope',
      ['type'],
    ],
  ])(
    'invalid input (%s) is a typed result, recorded, and changes nothing else',
    async (_name, payload, code, path) => {
      const engine = createEngine({ providers: [acme] });
      const r = await engine.ingest(payload, { provider: 'acme', source: 'webhook' });
      expect(r.status).toBe('invalid');
      expect(r.error).toMatchObject({ code, path });
      const invalid = await engine.store.listInvalid();
      expect(invalid).toHaveLength(1);
      expect(invalid[0]?.body).toBe(typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(await engine.store.listResources()).toEqual([]);
      expect(await engine.store.hasEvent('e')).toBe(false);
    },
  );

  test('engines sharing a store name their invalid records apart, even within one millisecond', async () => {
    // As workers in several processes do over one SQL store, where a second record of the same id is dropped.
    const store = createMemoryStore();
    const engines = [createEngine({ providers: [acme], store }), createEngine({ providers: [acme], store })];
    for (const [i, engine] of engines.entries())
      await engine.ingest(`{bad ${i}`, { provider: 'acme', receivedAt: 1_000 });
    const ids = (await store.listInvalid()).map((r) => r.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^inv_rs_[0-9a-f]{12}_1$/);
  });

  test('a stale listener that changes its payload does not change the stored resource', async () => {
    const engine = createEngine({ providers: [acme] });
    // The second delivery lacks `b`: the context is the merge of both, an object the store keeps.
    await engine.ingest(claimEvent('claim.opened', 'm1', 10, { a: 1, b: 2 }), { provider: 'acme' });
    await engine.ingest(claimEvent('claim.updated', 'm1', 20, { a: 3 }), { provider: 'acme' });
    engine.on('stale', (s) => {
      (s.resource.context as Record<string, unknown>).b = 'changed';
    });
    const late = await engine.ingest(claimEvent('claim.updated', 'm1', 15, { a: 9 }), { provider: 'acme' });
    expect(late.status).toBe('stale');
    expect((await engine.getResource('acme/claim/m1'))?.context).toEqual({ id: 'm1', a: 3, b: 2 });
  });

  test('an unknown provider is invalid, not a throw', async () => {
    const engine = createEngine({ providers: [acme] });
    const r = await engine.ingest(claimEvent('claim.opened', 'c', 1), { provider: 'nope' });
    expect(r.error?.code).toBe('unknown_provider');
  });

  test('__proto__ in event data cannot pollute prototypes', async () => {
    const engine = createEngine({ providers: [acme] });
    const body = `{"id":"p1","type":"claim.opened","created":1,"data":{"id":"c7","__proto__":{"polluted":true}}}`;
    await engine.ingest(body, { provider: 'acme' });
    const r = await engine.getResource('acme/claim/c7');
    expect(Object.getPrototypeOf(r?.context)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('concurrent ingests of one resource apply in arrival order; others do not wait', async () => {
    const engine = createEngine({ providers: [acme] });
    const order: string[] = [];
    engine.on('transition', (t) => order.push(t.event.id));
    const events = [
      claimEvent('claim.opened', 'c8', 1),
      claimEvent('claim.updated', 'c8', 2),
      claimEvent('claim.approved', 'c8', 3),
      claimEvent('claim.paid', 'c8', 4),
    ];
    const results = await Promise.all(events.map((e) => engine.ingest(e, { provider: 'acme' })));
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(order).toEqual(events.map((e) => e.id));
  });

  test('a throwing listener is reported, never breaks ingest', async () => {
    const engine = createEngine({ providers: [acme] });
    const errors: unknown[] = [];
    engine.on('transition', () => {
      throw new Error('listener bug');
    });
    engine.on('listener.error', (e) => errors.push(e.event));
    const r = await engine.ingest(claimEvent('claim.opened', 'c9', 1), { provider: 'acme' });
    expect(r.status).toBe('applied');
    expect(errors).toEqual(['transition']);
  });

  test('a throwing listener does not keep the others of its event from running', async () => {
    const engine = createEngine({ providers: [acme] });
    const heard: string[] = [];
    engine.on('transition', () => {
      throw new Error('first listener bug');
    });
    engine.on('transition', (t) => heard.push(`on:${t.key}`));
    engine.once('transition', () => {
      heard.push('once, throwing');
      throw new Error('once listener bug');
    });
    engine.once('transition', (t) => heard.push(`once:${t.key}`));
    engine.on('listener.error', (e) => heard.push(`error:${e.event}`));
    await engine.ingest(claimEvent('claim.opened', 'c9b', 1), { provider: 'acme' });
    await engine.ingest(claimEvent('claim.approved', 'c9b', 2), { provider: 'acme' });
    expect(heard).toEqual([
      'error:transition',
      'on:acme/claim/c9b',
      'once, throwing',
      'error:transition',
      'once:acme/claim/c9b',
      'error:transition',
      'on:acme/claim/c9b',
    ]);
  });

  test('a once listener can be removed before it runs', async () => {
    const engine = createEngine({ providers: [acme] });
    const heard: string[] = [];
    const off = engine.once('transition', () => heard.push('once'));
    off();
    await engine.ingest(claimEvent('claim.opened', 'c9c', 1), { provider: 'acme' });
    expect(heard).toEqual([]);
  });

  test("a receivedAt that is not a time is the caller's mistake: rejected, nothing recorded", async () => {
    const engine = createEngine({ providers: [acme] });
    for (const receivedAt of [Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(
        engine.ingest(claimEvent('claim.opened', 'r1', 10), { provider: 'acme', receivedAt }),
      ).rejects.toMatchObject({ code: 'invalid_argument', path: ['receivedAt'] });
    }
    expect(await engine.store.listResources()).toEqual([]);
    await engine.ingest(claimEvent('claim.opened', 'r1', 10), { provider: 'acme', receivedAt: 5 });
    expect(
      (await engine.store.getLedgerEntry((await engine.getResource('acme/claim/r1'))!.lastEventId))
        ?.receivedAt,
    ).toBe(5);
  });

  test('close refuses further ingests with engine_closed', async () => {
    const engine = createEngine({ providers: [acme] });
    await engine.close();
    await expect(
      engine.ingest(claimEvent('claim.opened', 'c', 1), { provider: 'acme' }),
    ).rejects.toMatchObject({
      code: 'engine_closed',
    });
  });
});

describe('late events (delivered after a newer event)', () => {
  test('a status change delivered after a newer targetless event still sets the status', async () => {
    const engine = createEngine({ providers: [acme] });
    const updated = await engine.ingest(claimEvent('claim.updated', 'l1', 20, { amount: 2 }), {
      provider: 'acme',
    });
    expect(updated).toMatchObject({ status: 'applied', to: 'opened' });
    const approved = await engine.ingest(claimEvent('claim.approved', 'l1', 10, { amount: 1 }), {
      provider: 'acme',
    });
    expect(approved).toMatchObject({ status: 'applied', from: 'opened', to: 'approved' });
    const r = await engine.getResource('acme/claim/l1');
    // State from the late status change; data and last event from the newer event.
    expect(r).toMatchObject({ state: 'approved', occurredAt: 20_000, lastEventId: updated.eventId });
    expect(r?.context).toMatchObject({ amount: 2 });
  });

  test('an event older than the last status change is stale', async () => {
    const engine = createEngine({ providers: [acme] });
    await engine.ingest(claimEvent('claim.approved', 'l2', 20), { provider: 'acme' });
    await engine.ingest(claimEvent('claim.updated', 'l2', 30), { provider: 'acme' });
    const old = await engine.ingest(claimEvent('claim.opened', 'l2', 10), { provider: 'acme' });
    expect(old.status).toBe('stale');
    expect((await engine.getResource('acme/claim/l2'))?.state).toBe('approved');
  });

  test('a late event that repeats the state still takes its time, so an older one cannot overturn it', async () => {
    // In time order: approved@5, paid@20, approved@30 (forced back), updated@40, which ends approved.
    const engine = createEngine({ providers: [acme] });
    const ingest = (type: string, at: number) =>
      engine.ingest(claimEvent(type, 'l4', at), { provider: 'acme' });
    await ingest('claim.approved', 5);
    await ingest('claim.updated', 40);
    const repeat = await ingest('claim.approved', 30);
    expect([repeat.status, repeat.from, repeat.to]).toEqual(['stale', 'approved', 'approved']);
    expect((await engine.getResource('acme/claim/l4'))?.stateAt).toEqual({ '': 30_000 });
    expect((await ingest('claim.paid', 20)).status).toBe('stale');
    const r = await engine.getResource('acme/claim/l4');
    expect([r?.state, r?.lastEventType, r?.history.map((h) => h.status)]).toEqual([
      'approved',
      'claim.updated',
      ['applied', 'applied', 'stale', 'stale'],
    ]);
  });

  test('without per-region times (a store that keeps none) every older event is stale', async () => {
    const strip = <T extends { stateAt?: unknown } | undefined>(s: T): T => {
      if (s === undefined) return s;
      const { stateAt: _drop, ...rest } = s;
      return rest as T;
    };
    const store = withSyncFace(createMemoryStore(), (sync) => ({
      ...sync,
      getResource: (k: string) => strip(sync.getResource(k)),
    }));
    const engine = createEngine({ providers: [acme], store });
    await engine.ingest(claimEvent('claim.updated', 'l3', 20), { provider: 'acme' });
    const late = await engine.ingest(claimEvent('claim.approved', 'l3', 10), { provider: 'acme' });
    expect(late.status).toBe('stale');
  });
});

describe('ingest with a pre-parsed body', () => {
  test('uses the parsed body and keeps the raw text in an invalid record', async () => {
    const engine = createEngine({ providers: [acme] });
    const ok = claimEvent('claim.opened', 'pp1', 1);
    expect(
      await engine.ingest('ignored when parsed is given', { provider: 'acme', parsed: ok }),
    ).toMatchObject({
      status: 'applied',
      key: 'acme/claim/pp1',
    });
    const raw = '{"id":"bad","type":"claim.opened","created":1,"data":{"id":"pp2","amount":"x"}}';
    const bad = await engine.ingest(raw, { provider: 'acme', parsed: JSON.parse(raw) });
    expect(bad.status).toBe('invalid');
    expect((await engine.store.listInvalid())[0]?.body).toBe(raw);
  });

  test('refuses U+0000 in the parsed body its raw text escapes', async () => {
    const engine = createEngine({ providers: [acme] });
    const raw = '{"id":"n1","type":"claim.opened","created":1,"data":{"id":"pp3","note":"\\u0000"}}';
    const r = await engine.ingest(raw, { provider: 'acme', parsed: JSON.parse(raw) });
    expect(r.error).toMatchObject({ code: 'invalid_data', path: ['data', 'note'] });
    expect(await engine.store.hasEvent('n1')).toBe(false);
  });
});

describe('reactors', () => {
  test('an idle reactor is not asked; a busy one is, and its jobs fire with the ingest', async () => {
    const engine = createEngine({ providers: [acme] });
    const seen: string[] = [];
    const job = (eventId: string) => ({
      id: `${eventId}:r:0`,
      eventId,
      resourceKey: 'acme/claim/c9',
      rule: 'r',
      actionIndex: 0,
      type: 'log',
      params: {},
      whileIn: undefined,
      status: 'succeeded' as const,
      attempts: 1,
      maxAttempts: 1,
      runAt: 0,
      lastError: undefined,
      createdAt: 0,
      updatedAt: 0,
    });
    const react = (jobs: (id: string) => ReturnType<typeof job>[]) => (i: { event: { id: string } }) => {
      seen.push(i.event.id);
      return { jobs: jobs(i.event.id), audit: [] };
    };
    engine.useReactor({ idle: true, react: react(() => []) });
    const quiet = await engine.ingest(claimEvent('claim.opened', 'c9', 100), { provider: 'acme' });
    expect(quiet.actions).toEqual([]);
    engine.useReactor({ react: react((id) => [job(id)]) });
    const busy = await engine.ingest(claimEvent('claim.approved', 'c9', 200), { provider: 'acme' });
    expect(seen).toEqual([busy.eventId]);
    expect(busy.actions.map((a) => a.rule)).toEqual(['r']);
  });
});

describe('snapshots that leave the engine', () => {
  test('carry every field as their own, so spreading or serializing one keeps it', async () => {
    const engine = createEngine({ providers: [acme] });
    const seen: Array<Record<string, unknown>> = [];
    engine.on('stale', (s) => seen.push({ ...s.resource }));
    engine.useReactor({
      react: (i) => {
        const previous = i.previous();
        if (previous) seen.push(JSON.parse(JSON.stringify(previous)) as Record<string, unknown>);
        return { jobs: [], audit: [] };
      },
    });
    const first = await engine.ingest(claimEvent('claim.opened', 'c7', 100), { provider: 'acme' });
    await engine.ingest(claimEvent('claim.approved', 'c7', 200), { provider: 'acme' });
    await engine.ingest(claimEvent('claim.opened', 'c7', 50), { provider: 'acme' }); // late: stale
    const view = await engine.getResource('acme/claim/c7');
    const spread = { ...view };
    expect(seen).toHaveLength(2); // the reactor's `previous` on the second ingest, the stale listener's resource
    expect(seen[0]).toMatchObject({ lastEventId: first.eventId, lastEventType: 'claim.opened' });
    for (const s of [...seen.slice(1), spread]) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['lastEventId', 'lastEventType']));
      expect(s).toMatchObject({ lastEventType: 'claim.approved', state: 'approved' });
    }
  });

  test('share no mutable state: editing one read-back state moves no other resource, nor the table', async () => {
    const engine = createEngine({ providers: [kota()] });
    const policy = (id: string, type: string, created: number, policyId: string) => ({
      id,
      type,
      created,
      data: { policy_id: policyId, employee_id: 'ee', group_policy_id: 'gp', group_id: 'gr' },
    });
    await engine.ingest(policy('e1', 'policy.active', 1, 'p_1'), { provider: 'kota' });
    await engine.ingest(policy('e2', 'policy.active', 1, 'p_2'), { provider: 'kota' });
    const p1 = (await engine.getResource('kota/policy/p_1'))!.state;
    expect(typeof p1).toBe('object'); // the policy machine has a renewal region: its state is an object
    expect(() => {
      (p1 as Record<string, string>).status = 'cancelled';
    }).toThrow(TypeError);
    expect((await engine.getResource('kota/policy/p_2'))!.state).toEqual({
      status: 'active',
      renewal: 'none',
    });
    const fresh = await engine.ingest(policy('e3', 'policy.active', 2, 'p_3'), { provider: 'kota' });
    expect(fresh.to).toEqual({ status: 'active', renewal: 'none' });
  });
});
