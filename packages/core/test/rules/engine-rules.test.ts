import { describe, expect, test } from 'vitest';
import type { LogLine } from '../../src/actions/types.js';
import { createEngine } from '../../src/engine.js';
import type { Facts, RuleSpec } from '../../src/rules/types.js';
import { createSimClock, insurer, quoteEvent } from './helpers.js';

function setup(rules: RuleSpec[], extra: Partial<Parameters<typeof createEngine>[0]> = {}) {
  const lines: LogLine[] = [];
  const clock = createSimClock();
  const engine = createEngine({
    providers: [insurer],
    rules,
    clock,
    logSink: (l) => lines.push(l),
    ...extra,
  });
  return { engine, lines, clock };
}

const log = (message: string) => ({ type: 'log', params: { message } });

describe('rules fire from events', () => {
  test('event-type, wildcard, list, transition and violation triggers', async () => {
    const { engine, lines } = setup([
      { name: 'by-type', on: 'quote.action_required', actions: [log('type {{event.type}}')] },
      { name: 'wildcard', on: 'quote.*', actions: [log('any {{event.type}}')] },
      { name: 'list', on: ['quote.accepted', 'quote.cancelled'], actions: [log('list')] },
      {
        name: 'to-accepted',
        on: { lifecycle: 'quote', to: 'accepted' },
        actions: [log('accepted {{resource.id}}')],
      },
      { name: 'from-pending', on: { lifecycle: 'quote', from: 'pending' }, actions: [log('left pending')] },
      {
        name: 'violations',
        on: 'violation',
        actions: [log('violation {{transition.from}}->{{transition.to}}')],
      },
    ]);
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.ingest(quoteEvent('quote.action_required', 'q1', 200), { provider: 'insurer' });
    await engine.ingest(quoteEvent('quote.accepted', 'q1', 300), { provider: 'insurer' });
    await engine.drain();
    expect(lines.map((l) => l.message)).toEqual([
      'any quote.created',
      // New resource: pending → pending is no state change, so no transition rule fires.
      'type quote.action_required',
      'any quote.action_required',
      'left pending',
      'any quote.accepted',
      'list',
      'accepted q1',
    ]);

    const forced = await engine.ingest(quoteEvent('quote.accepted', 'q2', 100), { provider: 'insurer' });
    expect(forced.status).toBe('forced');
    // A new resource has no `from`, so `from: pending` does not match it.
    expect(forced.actions.map((a) => a.rule)).toEqual(['wildcard', 'list', 'to-accepted', 'violations']);
    await engine.drain();
    expect(lines.at(-1)?.message).toBe('violation ->accepted');
  });

  test('conditions gate the rule; priority orders the jobs', async () => {
    const { engine } = setup([
      {
        name: 'big',
        on: 'quote.created',
        conditions: { all: [{ fact: 'event', path: '$.data.amount', operator: 'greaterThan', value: 1000 }] },
        actions: [log('big')],
      },
      { name: 'urgent', on: 'quote.created', priority: 5, actions: [log('urgent')] },
    ]);
    const small = await engine.ingest(quoteEvent('quote.created', 'q1', 100, { amount: 5 }), {
      provider: 'insurer',
    });
    expect(small.actions.map((a) => a.rule)).toEqual(['urgent']);
    const big = await engine.ingest(quoteEvent('quote.created', 'q2', 100, { amount: 5000 }), {
      provider: 'insurer',
    });
    expect(big.actions.map((a) => a.rule)).toEqual(['urgent', 'big']);
  });

  test('unhandled events are visible to event-type rules; stale and duplicate events fire nothing', async () => {
    const { engine } = setup([
      { name: 'unknown', on: 'claim.*', actions: [log('saw {{event.type}}')] },
      { name: 'on-update', on: 'quote.updated', actions: [log('updated')] },
      { name: 'moved', on: { lifecycle: 'quote' }, actions: [log('moved')] },
    ]);
    const u = await engine.ingest(
      { id: 'evt_u', type: 'claim.filed', created: 1, data: {} },
      { provider: 'insurer' },
    );
    expect(u.status).toBe('unhandled');
    expect(u.actions.map((a) => a.rule)).toEqual(['unknown']);

    await engine.ingest(quoteEvent('quote.action_required', 'q1', 300), { provider: 'insurer' });
    const stale = await engine.ingest(quoteEvent('quote.updated', 'q1', 100), { provider: 'insurer' });
    expect(stale.status).toBe('stale');
    expect(stale.actions).toEqual([]);
    const first = quoteEvent('quote.updated', 'q1', 400, {}, 'evt_dup');
    expect((await engine.ingest(first, { provider: 'insurer' })).actions.map((a) => a.rule)).toEqual([
      'on-update',
    ]);
    const again = await engine.ingest(first, { provider: 'insurer' });
    expect(again.status).toBe('duplicate');
    expect(again.actions).toEqual([]);
  });

  test('idempotency keys are event id, rule and action index, stable under redelivery', async () => {
    const rules: RuleSpec[] = [{ name: 'two', on: 'quote.created', actions: [log('a'), log('b')] }];
    const payload = quoteEvent('quote.created', 'q1', 100, {}, 'evt_fixed');
    const one = setup(rules);
    const r1 = await one.engine.ingest(payload, { provider: 'insurer' });
    const two = setup(rules);
    const r2 = await two.engine.ingest(JSON.stringify(payload), { provider: 'insurer' });
    expect(r1.actions.map((a) => a.idempotencyKey)).toEqual(['evt_fixed:two:0', 'evt_fixed:two:1']);
    expect(r2.actions.map((a) => a.idempotencyKey)).toEqual(r1.actions.map((a) => a.idempotencyKey));
    await one.engine.ingest(payload, { provider: 'insurer' });
    await one.engine.drain();
    expect(one.lines.map((l) => l.message)).toEqual(['a', 'b']);
    expect(await one.engine.store.listJobs()).toHaveLength(2);
  });

  test('every firing and every attempt is in the resource audit trail', async () => {
    const { engine } = setup([{ name: 'audit-me', on: 'quote.created', actions: [log('x')] }]);
    const r = await engine.ingest(quoteEvent('quote.created', 'q9', 100), { provider: 'insurer' });
    await engine.drain();
    const trail = await engine.audit('insurer/quote/q9');
    expect(trail.map((a) => [a.kind, a.rule])).toEqual([
      ['rule.fired', 'audit-me'],
      ['action.succeeded', 'audit-me'],
    ]);
    expect(trail[1]?.jobId).toBe(`${r.eventId}:audit-me:0`);
  });

  test('rules that fire on one event each leave their line and jobs, in priority order', async () => {
    const { engine } = setup([
      { name: 'first', on: 'quote.created', priority: 3, actions: [log('1a'), log('1b')] },
      { name: 'second', on: 'quote.created', priority: 2, conditions: { all: [] }, actions: [log('2')] },
      { name: 'other', on: 'quote.accepted', priority: 2, actions: [log('o')] },
      { name: 'third', on: 'quote.created', priority: 1, actions: [log('3')] },
    ]);
    // `second`'s empty `all` holds: three rules fire; `other`, on another type, does not.
    const r = await engine.ingest(quoteEvent('quote.created', 'q8', 100), { provider: 'insurer' });
    expect(r.actions.map((a) => `${a.rule}:${a.idempotencyKey.split(':').pop()}`)).toEqual([
      'first:0',
      'first:1',
      'second:0',
      'third:0',
    ]);
    const fired = (await engine.audit('insurer/quote/q8')).filter((a) => a.kind === 'rule.fired');
    expect(fired.map((a) => a.rule)).toEqual(['first', 'second', 'third']);
  });

  test('host facts (sync compiled, async on json-rules-engine) and host operators', async () => {
    const tiers = new Map([['q1', 'gold']]);
    const { engine } = setup(
      [
        {
          name: 'gold',
          on: 'quote.created',
          conditions: { all: [{ fact: 'tier', operator: 'equal', value: 'gold' }] },
          actions: [log('gold')],
        },
        {
          name: 'scored',
          on: 'quote.created',
          conditions: { all: [{ fact: 'score', params: { boost: 2 }, operator: 'greaterThan', value: 10 }] },
          actions: [log('scored')],
        },
        {
          name: 'prefixed',
          on: 'quote.created',
          conditions: { all: [{ fact: 'event', path: '$.data.id', operator: 'startsWith', value: 'q' }] },
          actions: [log('prefixed')],
        },
      ],
      {
        facts: {
          tier: (f) => tiers.get(String(f.resource?.id)),
          score: { async: async (_f: Facts, p: Readonly<Record<string, unknown>>) => 6 * Number(p.boost) },
        },
        operators: { startsWith: (a, b) => typeof a === 'string' && a.startsWith(String(b)) },
      },
    );
    const r = await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    expect(r.actions.map((a) => a.rule)).toEqual(['gold', 'scored', 'prefixed']);
    const x = await engine.explain(quoteEvent('quote.created', 'q2', 100), { provider: 'insurer' });
    expect(x.candidates.map((c) => [c.rule, c.compiled, c.passed])).toEqual([
      ['gold', true, false],
      ['scored', false, true],
      ['prefixed', false, true],
    ]);
  });

  test('a rule that throws while evaluating does not fire and warns', async () => {
    const { engine } = setup([
      {
        name: 'bad-in',
        on: 'quote.created',
        conditions: { all: [{ fact: 'event', path: '$.data.id', operator: 'in', value: { fact: 'now' } }] },
        actions: [log('never')],
      },
    ]);
    const warnings: string[] = [];
    engine.on('warning', (w) => warnings.push(w.code));
    const r = await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    expect(r.actions).toEqual([]);
    expect(warnings).toEqual(['rule_error']);
  });
});

describe('explain', () => {
  test('lists candidates, each condition with its fact value and result, and the actions, without side effects', async () => {
    const { engine } = setup([
      {
        name: 'needs-docs',
        on: 'quote.action_required',
        conditions: {
          all: [
            {
              fact: 'event',
              path: '$.data.required_action.code',
              operator: 'equal',
              value: 'missing_documents',
            },
            { fact: 'resource', path: '$.state', operator: 'equal', value: 'action_required' },
          ],
        },
        actions: [
          { type: 'log', delay: '2d', whileIn: 'action_required', params: { message: '{{resource.id}}' } },
        ],
      },
      { name: 'other', on: 'quote.accepted', actions: [log('no')] },
    ]);
    const payload = quoteEvent('quote.action_required', 'q1', 100, {
      required_action: { code: 'missing_documents' },
    });
    const x = await engine.explain(payload, { provider: 'insurer' });
    expect(x.status).toBe('applied');
    expect(x.to).toBe('action_required');
    expect(x.candidates).toHaveLength(1);
    const c = x.candidates[0]!;
    expect(c).toMatchObject({ rule: 'needs-docs', compiled: true, passed: true });
    expect(c.conditions?.children?.map((t) => [t.factValue, t.result])).toEqual([
      ['missing_documents', true],
      ['action_required', true],
    ]);
    expect(c.actions).toEqual([
      {
        type: 'log',
        index: 0,
        idempotencyKey: `${String(payload.id)}:needs-docs:0`,
        params: { message: 'q1' },
        runAt: engine.clock.now() + 2 * 86_400_000,
        whileIn: 'action_required',
      },
    ]);
    expect(await engine.getResource('insurer/quote/q1')).toBeUndefined();
    expect(await engine.store.listJobs()).toEqual([]);

    const invalid = await engine.explain('{nope', { provider: 'insurer' });
    expect(invalid).toMatchObject({ status: 'invalid', error: { code: 'invalid_json' }, candidates: [] });
  });

  test('says what ingest would: a known id of an unknown type is a duplicate, U+0000 is invalid', async () => {
    const { engine } = setup([{ name: 'all', on: '*', actions: [log('m')] }]);
    const unknown = { id: 'evt_u1', type: 'something.new', created: 1_735_689_600, data: { id: 'x' } };
    expect((await engine.ingest(unknown, { provider: 'insurer' })).status).toBe('unhandled');
    const again = await engine.explain(unknown, { provider: 'insurer' });
    expect([again.status, again.candidates.length]).toEqual(['duplicate', 0]);
    expect((await engine.ingest(unknown, { provider: 'insurer' })).status).toBe('duplicate');

    const nul = JSON.stringify({ ...unknown, id: 'evt_n1', data: { id: 'a\u0000b' } });
    const x = await engine.explain(nul, { provider: 'insurer' });
    const r = await engine.ingest(nul, { provider: 'insurer' });
    expect([x.status, x.error?.code, x.error?.path]).toEqual(['invalid', 'invalid_data', ['data', 'id']]);
    expect([r.status, r.error]).toEqual([x.status, x.error]);
  });
});

describe('rules are checked when the engine is created', () => {
  test("a retry policy given in code is checked as a config's is", () => {
    for (const [retry, path] of [
      [{ attempts: Number.NaN }, 'retry.attempts'],
      [{ attempts: 0 }, 'retry.attempts'],
      [{ baseMs: -1 }, 'retry.baseMs'],
      [{ maxMs: Number.POSITIVE_INFINITY }, 'retry.maxMs'],
    ] as const) {
      expect(() => setup([], { retry })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
      expect(() => setup([], { retry })).toThrow(new RegExp(`${path.replace('.', '\\.')}: `));
    }
    expect(() => setup([], { retry: { attempts: 2, baseMs: 10, maxMs: 100 } })).not.toThrow();
  });

  test('unknown action, unknown operator, bad template and wrong type, all at once', () => {
    const bad = [
      {
        name: 'r',
        on: 'quote.created',
        conditions: { all: [{ fact: 'event', operator: 'equals', value: 1 }] },
        actions: [
          { type: 'htp', params: {} },
          { type: 'log', params: { message: '{{event.data.__proto__}}' } },
          { type: 'http', params: { url: 'https://x.test', timeoutMs: 'soon' } },
        ],
      },
    ] as unknown as RuleSpec[];
    let error: unknown;
    try {
      setup(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'PolicyflowError', code: 'config_invalid' });
    const issues = (error as { issues: Array<{ path: unknown[]; message: string }> }).issues;
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'rules.0.conditions.all.0.operator',
      'rules.0.actions.0.type',
      'rules.0.actions.1.params.message',
      'rules.0.actions.2.params.timeoutMs',
    ]);
    expect(issues[0]?.message).toMatch(/unknown operator 'equals'/);
    expect(issues[1]?.message).toMatch(/unknown action 'htp' \(registered: http, log, emit\)/);
    expect(issues[2]?.message).toMatch(/__proto__/);
    expect(issues[3]?.message).toMatch(/expected number/);
  });
});

describe('action.fired', () => {
  test('tells listeners of each job an ingest commits, and only while they listen', async () => {
    const { engine } = setup([
      { name: 'two', on: 'quote.created', actions: [log('a'), log('b')] },
      { name: 'one', on: 'quote.accepted', actions: [log('c')] },
    ]);
    const heard: string[] = [];
    const off = engine.on('action.fired', ({ job }) => heard.push(job.id));
    const r = await engine.ingest(quoteEvent('quote.created', 'q1', 100, {}, 'e1'), { provider: 'insurer' });
    expect(heard).toEqual(r.actions.map((a) => a.idempotencyKey));
    expect(heard).toEqual(['e1:two:0', 'e1:two:1']);
    off();
    await engine.ingest(quoteEvent('quote.accepted', 'q1', 200, {}, 'e2'), { provider: 'insurer' });
    engine.once('action.fired', ({ job }) => heard.push(job.id));
    await engine.ingest(quoteEvent('quote.created', 'q2', 300, {}, 'e3'), { provider: 'insurer' });
    await engine.ingest(quoteEvent('quote.created', 'q3', 400, {}, 'e4'), { provider: 'insurer' });
    expect(heard).toEqual(['e1:two:0', 'e1:two:1', 'e3:two:0']);
  });
});
