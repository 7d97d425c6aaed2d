import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  type ActionContext,
  type ActionDefinition,
  DEFAULT_ACTION_TIMEOUT_MS,
  type LogLine,
} from '../../src/actions/types.js';
import { createEngine } from '../../src/engine.js';
import type { RuleSpec } from '../../src/rules/types.js';
import type { Store } from '../../src/store.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSimClock, insurer, quoteEvent } from '../rules/helpers.js';

const DAY = 86_400_000;

/** Lets the event loop turn: the runner is woken with setImmediate, and the memory store never waits on I/O. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

function setup(
  rules: RuleSpec[],
  actions: Record<string, ActionDefinition> = {},
  store = createMemoryStore(),
) {
  const lines: LogLine[] = [];
  const clock = createSimClock();
  const engine = createEngine({
    providers: [insurer],
    rules,
    actions,
    store,
    clock,
    random: () => 0,
    logSink: (l) => lines.push(l),
  });
  return { engine, lines, clock, store };
}

const reminder: RuleSpec = {
  name: 'remind',
  on: { lifecycle: 'quote', to: 'action_required' },
  actions: [
    {
      type: 'log',
      delay: '2d',
      whileIn: 'action_required',
      params: { message: 'quote {{resource.id}} still needs action' },
    },
  ],
};

describe('delayed actions', () => {
  test('run when due under a simulated clock', async () => {
    const { engine, lines, clock } = setup([reminder]);
    const r = await engine.ingest(quoteEvent('quote.action_required', 'q1', 100), { provider: 'insurer' });
    expect(r.actions[0]?.runAt).toBe(clock.now() + 2 * DAY);
    await engine.drain();
    expect(lines).toEqual([]);
    clock.advance(DAY);
    await engine.drain();
    expect(lines).toEqual([]);
    clock.advance(DAY);
    await engine.drain();
    expect(lines.map((l) => l.message)).toEqual(['quote q1 still needs action']);
  });

  test('whileIn cancels the job when the resource has left the state', async () => {
    const { engine, lines, clock } = setup([reminder]);
    const cancelled: string[] = [];
    engine.on('action.cancelled', (n) => cancelled.push(n.job.id));
    await engine.ingest(quoteEvent('quote.action_required', 'q2', 100), { provider: 'insurer' });
    await engine.ingest(quoteEvent('quote.accepted', 'q2', 200), { provider: 'insurer' });
    clock.advance(3 * DAY);
    await engine.drain();
    expect(lines).toEqual([]);
    expect(cancelled).toHaveLength(1);
    const trail = await engine.audit('insurer/quote/q2');
    expect(trail.map((a) => a.kind)).toEqual(['rule.fired', 'action.cancelled']);
    expect((await engine.store.listJobs({ status: ['cancelled'] })).length).toBe(1);
  });

  test('at: a template of a date', async () => {
    const { engine, lines, clock } = setup([
      {
        name: 'renewal',
        on: 'quote.created',
        actions: [
          { type: 'log', at: '{{event.data.renews_at}}', params: { message: 'renew {{resource.id}}' } },
        ],
      },
    ]);
    const at = new Date(clock.now() + 5 * DAY).toISOString();
    const r = await engine.ingest(quoteEvent('quote.created', 'q3', 100, { renews_at: at }), {
      provider: 'insurer',
    });
    expect(r.actions[0]?.runAt).toBe(Date.parse(at));
    clock.advance(5 * DAY - 1);
    await engine.drain();
    expect(lines).toEqual([]);
    clock.advance(1);
    await engine.drain();
    expect(lines.map((l) => l.message)).toEqual(['renew q3']);

    const heard: string[] = [];
    engine.on('action.fired', (n) => heard.push(`fired ${n.job.status}`));
    engine.on('action.dead', (n) => heard.push(`dead ${n.error?.code}`));
    const bad = await engine.ingest(quoteEvent('quote.created', 'q4', 100, { renews_at: 'someday' }), {
      provider: 'insurer',
    });
    const job = await engine.store.getJob(bad.actions[0]!.idempotencyKey);
    expect(job).toMatchObject({ status: 'dead', lastError: { code: 'template_invalid' } });
    expect((await engine.audit('insurer/quote/q4')).map((a) => a.kind)).toEqual([
      'rule.fired',
      'action.dead',
    ]);
    // A dead letter from the start is reported as the runner reports the others: once, after its firing.
    await engine.drain();
    expect(heard).toEqual(['fired dead', 'dead template_invalid']);
  });

  test('params too deep to render make a dead letter; the event is applied, not lost', async () => {
    const { engine } = setup([
      {
        name: 'copy',
        on: 'quote.created',
        actions: [{ type: 'log', params: { message: 'm', data: '{{event.data.nested}}' } }],
      },
    ]);
    // JSON nests as deep as it likes; copying this for the handler overflows the stack.
    let nested: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) nested = { n: nested };
    const dead: string[] = [];
    engine.on('action.dead', (n) => dead.push(n.error?.code ?? ''));
    const r = await engine.ingest(quoteEvent('quote.created', 'q9', 100, { nested }), {
      provider: 'insurer',
    });
    expect(r.status).toBe('applied');
    expect((await engine.getResource('insurer/quote/q9'))?.state).toBeDefined();
    const [letter] = await engine.deadLetters();
    expect(letter).toMatchObject({ status: 'dead', attempts: 0, lastError: { code: 'template_invalid' } });
    expect(letter!.lastError!.message).toMatch(/^the templates of copy\[0\] could not be rendered: /);
    expect(dead).toEqual(['template_invalid']);
    expect((await engine.audit('insurer/quote/q9')).map((a) => a.kind)).toEqual([
      'rule.fired',
      'action.dead',
    ]);
  });

  test('due jobs live in the store: a new engine on the same store runs them', async () => {
    const store = createMemoryStore();
    const first = setup([reminder], {}, store);
    await first.engine.ingest(quoteEvent('quote.action_required', 'q5', 100), { provider: 'insurer' });
    const second = setup([reminder], {}, store);
    // No event and no drain: the new engine's runner finds the job in the store and sets a timer for it.
    await turns(2);
    expect(second.clock.pending).toBe(1);
    second.clock.set(first.clock.now() + 2 * DAY);
    await turns(2);
    expect(second.lines.map((l) => l.message)).toEqual(['quote q5 still needs action']);
  });
});

describe('a tight ingest loop', () => {
  const onCreated: RuleSpec = {
    name: 'created',
    on: 'quote.created',
    actions: [{ type: 'log', params: { message: 'new {{resource.id}}' } }],
  };

  test('runs its actions as it goes, not all at the end, and each once', async () => {
    const { engine, lines, store } = setup([onCreated]);
    // The loop awaits each ingest but never yields to the event loop, as a replay of a backlog does.
    for (let i = 0; i < 1000; i++) {
      await engine.ingest(quoteEvent('quote.created', `q${i}`, 100), { provider: 'insurer' });
    }
    expect(lines.length).toBeGreaterThanOrEqual(768);
    expect((await store.listJobs({ status: ['pending'] })).length).toBeLessThanOrEqual(256);
    await engine.drain();
    expect(lines).toHaveLength(1000);
    expect(new Set(lines.map((l) => l.message)).size).toBe(1000);
  });

  test('runs them in rounds of a few hundred, not one or two jobs at a time', async () => {
    const lines: number[] = [];
    let ingested = 0;
    const engine = createEngine({
      providers: [insurer],
      rules: [onCreated],
      clock: createSimClock(),
      logSink: () => lines.push(ingested),
    });
    for (let i = 0; i < 1000; i++) {
      await engine.ingest(quoteEvent('quote.created', `q${i}`, 100), { provider: 'insurer' });
      ingested += 1;
    }
    await engine.drain();
    expect(lines).toHaveLength(1000);
    // Each round runs every job committed before it, between two ingests: a round per 256 jobs or so. A
    // round that yields between two claims lets the loop commit one more job, and the next claim takes that.
    const rounds = new Set(lines).size;
    expect(rounds).toBeGreaterThanOrEqual(3);
    expect(rounds).toBeLessThanOrEqual(6);
  });

  test('leaves a few jobs to the next turn, as one ingest does', async () => {
    const { engine, lines } = setup([onCreated]);
    for (let i = 0; i < 10; i++) {
      await engine.ingest(quoteEvent('quote.created', `q${i}`, 100), { provider: 'insurer' });
    }
    expect(lines).toEqual([]);
    await turns(2);
    expect(lines).toHaveLength(10);
  });
});

describe('the runner never stalls', () => {
  test('an attempt that hangs holds its own place only: a job fired after it runs at once', async () => {
    let started = 0;
    const hang: ActionDefinition = {
      params: z.object({}),
      timeoutMs: 60_000,
      handler: () => {
        started += 1;
        return new Promise<undefined>(() => {});
      },
    };
    const { engine, lines } = setup(
      [
        { name: 'slow', on: 'quote.created', actions: [{ type: 'hang', params: {} }] },
        {
          name: 'fast',
          on: 'quote.accepted',
          actions: [{ type: 'log', params: { message: 'fast {{resource.id}}' } }],
        },
      ],
      { hang },
    );
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await turns(5);
    expect(started).toBe(1);
    await engine.ingest(quoteEvent('quote.accepted', 'q2', 100), { provider: 'insurer' });
    await turns(10);
    // The simulated clock has not moved: the hung attempt is still running, and the log ran beside it.
    expect(lines.map((l) => l.message)).toEqual(['fast q2']);
    expect(await engine.store.listJobs({ status: ['pending'] })).toEqual([]);
  });

  test('jobs fired while a round ends are run without a drain, however the turns fall', async () => {
    const actions = Array.from({ length: 300 }, (_, i) => ({
      type: 'log' as const,
      params: { message: `m${i}` },
    }));
    // Each ingest fires 300 jobs, past the pile that starts a round at once; the second comes a few microtasks
    // after the first, so across k it lands in each step of the first one's round.
    for (let k = 0; k < 12; k++) {
      const { engine, lines } = setup([{ name: 'r', on: 'quote.*', actions }]);
      await turns(2);
      await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
      for (let i = 0; i < k; i++) await null;
      await engine.ingest(quoteEvent('quote.created', 'q2', 100), { provider: 'insurer' });
      await turns(20);
      expect(lines, `k = ${k}`).toHaveLength(600);
    }
  });

  test('a drain returns with the timer of a retry set', async () => {
    let calls = 0;
    const flaky: ActionDefinition = {
      params: z.object({}),
      retry: { attempts: 2, baseMs: 1_000, maxMs: 1_000 },
      // Answers later, as a request does: its end is a settled promise, not a return.
      handler: async () => {
        calls += 1;
        return calls === 1 ? { ok: false, retryable: true, message: 'try again' } : undefined;
      },
    };
    const clock = createSimClock();
    const engine = createEngine({
      providers: [insurer],
      clock,
      random: () => 0.5,
      actions: { flaky },
      rules: [{ name: 'f', on: 'quote.created', actions: [{ type: 'flaky', params: {} }] }],
    });
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.drain();
    expect(calls).toBe(1);
    // Full jitter with random() = 0.5: the retry is due 500 ms on, and its timer is set already.
    expect(clock.pending).toBe(1);
    clock.advance(500);
    await engine.drain();
    expect(calls).toBe(2);
    expect(await engine.deadLetters()).toEqual([]);
  });

  test('with an asynchronous store, a job fired while the runner asks when the next is due is run', async () => {
    const mem = createMemoryStore();
    // No synchronous face (a spread's copy is not the store's own), and `nextJobDueAt` answers when released,
    // as a SQL store's round trip does: with the store's state as it was when asked.
    let release: (() => void) | undefined;
    let asked = 0;
    const store: Store = {
      ...mem,
      async nextJobDueAt() {
        const due = await mem.nextJobDueAt();
        asked += 1;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return due;
      },
    };
    const { engine, lines } = setup(
      [{ name: 'r', on: 'quote.*', actions: [{ type: 'log', params: { message: '{{resource.id}}' } }] }],
      {},
      store,
    );
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 50 && !cond(); i++) await turns(1);
    };
    await until(() => release !== undefined);
    release?.();
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    const before = asked;
    await until(() => asked > before);
    // The runner ran q1's job and is waiting on `nextJobDueAt`: q2's job is written now.
    await engine.ingest(quoteEvent('quote.created', 'q2', 100), { provider: 'insurer' });
    // Its kick comes while the runner still waits for the answer, which says nothing is due.
    await turns(3);
    for (let i = 0; i < 5; i++) {
      release?.();
      await turns(5);
    }
    expect(lines.map((l) => l.message)).toEqual(['q1', 'q2']);
  });
});

describe('custom and emit actions', () => {
  test('registered actions get parsed params; throwing counts as a retryable failure', async () => {
    const seen: Array<{ title: string; n: number }> = [];
    let calls = 0;
    const ticket: ActionDefinition<{ title: string; n: number }> = {
      params: z.object({ title: z.string(), n: z.coerce.number() }),
      handler(p) {
        calls += 1;
        if (calls === 1) throw new Error('ticket API down');
        seen.push(p);
        return undefined;
      },
    };
    const { engine } = setup(
      [
        {
          name: 't',
          on: 'quote.created',
          actions: [{ type: 'ticket', params: { title: 'Quote {{resource.id}}', n: '{{event.data.n}}' } }],
        },
      ],
      { ticket: ticket as ActionDefinition },
    );
    const failures: string[] = [];
    engine.on('action.failed', (n) => failures.push(n.error?.message ?? ''));
    await engine.ingest(quoteEvent('quote.created', 'q1', 100, { n: '7' }), { provider: 'insurer' });
    await engine.drain();
    expect(failures).toEqual(['ticket API down']);
    expect(seen).toEqual([{ title: 'Quote q1', n: 7 }]);
  });

  test('a handler fails only by returning ok: false; whatever else it returns is a success', async () => {
    const returns: unknown[] = [{ status: 500 }, 42, 'done', { ok: true }, { ok: false }];
    const rules: RuleSpec[] = returns.map((_, i) => ({
      name: `r${i}`,
      on: 'quote.created',
      actions: [{ type: `a${i}`, params: {} }],
    }));
    const actions: Record<string, ActionDefinition> = {};
    // An async handler typed void, as a TypeScript user writes one: it must type-check as it is.
    const quiet: ActionDefinition<Record<string, never>>['handler'] = async () => {};
    void quiet;
    returns.forEach((value, i) => {
      actions[`a${i}`] = { params: z.object({}), handler: async () => value as never };
    });
    const { engine } = setup(rules, actions);
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.drain();
    const dead = await engine.deadLetters();
    // { ok: false } without retryable or message: not retried, and it says so in words.
    expect(dead.map((j) => [j.type, j.attempts, j.lastError?.message])).toEqual([
      ['a4', 1, 'the action reported a failure'],
    ]);
    const done = await engine.store.listJobs({ status: ['succeeded'] });
    expect(done.map((j) => j.type).sort()).toEqual(['a0', 'a1', 'a2', 'a3']);
  });

  test('params that do not match when rendered dead-letter at once', async () => {
    const { engine } = setup([
      {
        name: 'n',
        on: 'quote.created',
        actions: [{ type: 'log', params: { message: '{{event.data.note}}' } }],
      },
    ]);
    await engine.ingest(quoteEvent('quote.created', 'q1', 100, { note: 42 }), { provider: 'insurer' });
    await engine.drain();
    const [dead] = await engine.deadLetters();
    expect(dead).toMatchObject({ attempts: 1, lastError: { code: 'action_params_invalid' } });
  });

  test('a message that is one template of a missing value is logged empty, not dead-lettered', async () => {
    const { engine, lines } = setup([
      {
        name: 'n',
        on: 'quote.created',
        actions: [{ type: 'log', params: { message: '{{event.data.note}}' } }],
      },
    ]);
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.drain();
    expect(await engine.deadLetters()).toEqual([]);
    expect(lines.map((l) => l.message)).toEqual(['']);
  });

  test('engine.registerAction adds a type; emit reaches the host on the bus', async () => {
    const { engine } = setup([
      {
        name: 'e',
        on: 'quote.created',
        actions: [{ type: 'emit', params: { name: 'quote.new', payload: { id: '{{resource.id}}' } } }],
      },
    ]);
    const emitted: unknown[] = [];
    engine.on('action.emit', (e) => emitted.push([e.name, e.payload]));
    engine.registerAction('noop', () => undefined, z.object({}));
    expect(() => engine.registerAction('noop', () => undefined, z.object({}))).toThrow(/already registered/);
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.drain();
    expect(emitted).toEqual([['quote.new', { id: 'q1' }]]);
  });

  test("an action's own retry policy is checked when it is registered", () => {
    const { engine } = setup([]);
    const noop = () => undefined;
    expect(() => engine.registerAction('a', noop, z.object({}), { retry: { attempts: Number.NaN } })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', path: ['a', 'retry', 'attempts'] }),
    );
    expect(() => engine.registerAction('b', noop, z.object({}), { retry: { baseMs: -5 } })).toThrow(
      /^b\.retry\.baseMs of action 'b': /,
    );
    engine.registerAction('c', noop, z.object({}), { retry: { attempts: 2, maxMs: 1000 } });
  });

  test("a listener that changes an emitted payload does not change the resource's stored context", async () => {
    const { engine } = setup([
      {
        name: 'e',
        on: 'quote.created',
        actions: [{ type: 'emit', params: { name: 'quote.new', payload: '{{resource.context}}' } }],
      },
    ]);
    engine.on('action.emit', (e) => {
      (e.payload as Record<string, unknown>).status = 'HACKED';
    });
    const r = await engine.ingest(quoteEvent('quote.created', 'q1', 100, { status: 'open' }), {
      provider: 'insurer',
    });
    await engine.drain();
    expect((await engine.getResource(r.key!))?.context).toEqual({ id: 'q1', status: 'open' });
  });

  test('an action type the rules name can be registered after createEngine, before the first event', async () => {
    const rules: RuleSpec[] = [
      {
        name: 't',
        on: 'quote.created',
        actions: [{ type: 'ticket', params: { title: 'Quote {{resource.id}}', queue: 'ops' } }],
      },
    ];
    const early = setup(rules);
    await expect(
      early.engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' }),
    ).rejects.toMatchObject({
      code: 'unknown_action',
    });
    const { engine } = setup(rules);
    expect(() =>
      engine.registerAction('ticket', () => undefined, z.object({ title: z.string(), queue: z.number() })),
    ).toThrow(expect.objectContaining({ code: 'action_params_invalid' }));
    const titles: string[] = [];
    engine.registerAction('ticket', (p) => void titles.push(p.title), z.object({ title: z.string() }));
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.drain();
    expect(titles).toEqual(['Quote q1']);
  });
});

describe('attempt timeouts', () => {
  const slowRule: RuleSpec = {
    name: 's',
    on: 'quote.created',
    actions: [
      { type: 'slow', params: {} },
      { type: 'log', params: { message: 'beside {{resource.id}}' } },
    ],
  };

  /** An action whose attempts settle only when the test says so; it records each attempt's signal. */
  function slowAction(timeoutMs: number | undefined) {
    const signals: AbortSignal[] = [];
    const settle: Array<() => void> = [];
    const def: ActionDefinition = {
      params: z.object({}),
      retry: { attempts: 2 },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      handler: (_p, ctx) =>
        new Promise<undefined>((resolve) => {
          signals.push(ctx.signal);
          settle.push(() => resolve(undefined));
        }),
    };
    return { def, signals, settle };
  }

  test('an attempt that never settles fails as action_timeout, is retried, then dead-letters', async () => {
    const slow = slowAction(1_000);
    const { engine, clock, lines } = setup([slowRule], { slow: slow.def });
    const failed: string[] = [];
    engine.on('action.failed', (n) => failed.push(n.error?.code ?? ''));
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await turns(5);
    expect(slow.signals).toHaveLength(1);
    expect(slow.signals[0]?.aborted).toBe(false);
    // The log action beside it ran: the hung attempt holds only its own job.
    expect(lines.map((l) => l.message)).toEqual(['beside q1']);
    clock.advance(999);
    await turns(5);
    expect(failed).toEqual([]);
    clock.advance(1);
    await turns(5);
    expect(failed).toEqual(['action_timeout']);
    expect(slow.signals[0]?.aborted).toBe(true);
    expect(slow.signals[0]?.reason).toMatchObject({
      message: expect.stringMatching(/did not finish within 1000 ms/),
    });
    // random() is 0, so the retry is due at once; its attempt times out in turn.
    await turns(5);
    expect(slow.signals).toHaveLength(2);
    clock.advance(1_000);
    await engine.drain();
    const [dead] = await engine.deadLetters();
    expect(dead).toMatchObject({
      type: 'slow',
      status: 'dead',
      attempts: 2,
      lastError: { code: 'action_timeout' },
    });
    // Settling after the timeout changes nothing: the attempt was already counted.
    for (const s of slow.settle) s();
    await turns(5);
    expect((await engine.deadLetters())[0]).toMatchObject({ status: 'dead', attempts: 2 });
    expect(failed).toEqual(['action_timeout']);
  });

  test('a handler that looks at its signal only after the timeout finds it aborted', async () => {
    const contexts: ActionContext[] = [];
    const late: ActionDefinition = {
      params: z.object({}),
      retry: { attempts: 1 },
      timeoutMs: 1_000,
      handler: (_p, ctx) => {
        contexts.push(ctx);
        return new Promise<undefined>(() => {});
      },
    };
    const { engine, clock } = setup([{ ...slowRule, actions: [{ type: 'late', params: {} }] }], { late });
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await turns(5);
    expect(contexts).toHaveLength(1);
    const [ctx] = contexts;
    expect(ctx).toMatchObject({ attempt: 1, job: { type: 'late', rule: 's' } });
    expect(ctx!.now()).toBe(clock.now());
    clock.advance(1_000);
    await turns(5);
    expect(ctx!.signal.aborted).toBe(true);
    expect(ctx!.signal.reason).toMatchObject({ message: expect.stringMatching(/within 1000 ms/) });
    expect(ctx!.signal).toBe(ctx!.signal);
  });

  test('an attempt that settles in time succeeds, and its timer is cancelled', async () => {
    const slow = slowAction(undefined);
    const { engine, clock } = setup([slowRule], { slow: slow.def });
    const failed: string[] = [];
    engine.on('action.failed', (n) => failed.push(n.error?.code ?? ''));
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await turns(5);
    clock.advance(DEFAULT_ACTION_TIMEOUT_MS - 1);
    slow.settle[0]?.();
    await engine.drain();
    clock.advance(DEFAULT_ACTION_TIMEOUT_MS);
    await engine.drain();
    expect(failed).toEqual([]);
    expect(slow.signals[0]?.aborted).toBe(false);
    expect(await engine.deadLetters()).toEqual([]);
    const jobs = await engine.store.listJobs({ status: ['succeeded'] });
    expect(jobs.map((j) => j.type).sort()).toEqual(['log', 'slow']);
  });

  test('an action registered after createEngine runs under its own retry policy', async () => {
    const { engine } = setup([{ name: 'f', on: 'quote.created', actions: [{ type: 'flaky', params: {} }] }]);
    let calls = 0;
    engine.registerAction(
      'flaky',
      () => {
        calls += 1;
        throw new Error('down');
      },
      z.object({}),
      { retry: { attempts: 2 } },
    );
    await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.drain();
    const [dead] = await engine.deadLetters();
    expect(dead).toMatchObject({ type: 'flaky', attempts: 2, maxAttempts: 2 });
    expect(calls).toBe(2);
  });

  test('registerAction takes a timeout; one that is not above 0 is an invalid_argument', () => {
    const { engine } = setup([]);
    expect(() => engine.registerAction('quick', () => undefined, z.object({}), { timeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', path: ['quick', 'timeoutMs'] }),
    );
    expect(() =>
      engine.registerAction('quick', () => undefined, z.object({}), {
        timeoutMs: 5_000,
        retry: { attempts: 1 },
      }),
    ).not.toThrow();
  });
});

describe('job leases', () => {
  /**
   * A memory store that has a lease, as a SQL store does. With `held`, its renewal answers only when the
   * test says, which is the window where an attempt may end. `renewals` counts its calls.
   */
  function leasedStore(options: { held?: boolean } = {}) {
    const base = createMemoryStore();
    const answers: Array<() => void> = [];
    let renewals = 0;
    let failReads = false;
    const store: Store = {
      ...base,
      jobLeaseMs: 300,
      async getResource(key) {
        if (failReads) throw new Error('the store is down');
        return base.getResource(key);
      },
      async renewJobs(held) {
        renewals += 1;
        if (options.held) await new Promise<void>((resolve) => answers.push(resolve));
        // A claim stands while the stored job is still that claim (what the SQL store's fence asks).
        const stands: boolean[] = [];
        for (const claim of held) {
          const stored = await base.getJob(claim.id);
          stands.push(
            stored?.status === 'running' &&
              stored.attempts === claim.attempts &&
              stored.updatedAt === claim.updatedAt,
          );
        }
        return stands;
      },
    };
    return {
      store,
      answers,
      renewals: () => renewals,
      failReads: () => {
        failReads = true;
      },
    };
  }

  function slowAction() {
    let finish!: () => void;
    const slow: ActionDefinition = {
      params: z.unknown(),
      handler: () =>
        new Promise<undefined>((resolve) => {
          finish = () => resolve(undefined);
        }),
    };
    return { slow, finish: () => finish() };
  }

  const slowRule: RuleSpec = { name: 'slow', on: 'quote.action_required', actions: [{ type: 'slow' }] };

  /** An engine on `store` whose rule fired a slow action, now running; its warnings' codes collected. */
  async function slowJobRunning(store: Store) {
    const { slow, finish } = slowAction();
    const { engine, clock } = setup([slowRule], { slow }, store);
    const warnings: string[] = [];
    engine.on('warning', (w) => warnings.push(w.code));
    await engine.ingest(quoteEvent('quote.action_required', 'q1', 100), { provider: 'insurer' });
    await turns(5);
    const [job] = await store.listJobs({ status: ['running'] });
    expect(job?.type).toBe('slow');
    return { engine, clock, finish, warnings, job: job! };
  }

  test('an attempt that ends while its lease is being renewed writes its outcome at once, and no loss is reported', async () => {
    const { store, answers, renewals } = leasedStore({ held: true });
    const { engine, clock, finish, warnings, job } = await slowJobRunning(store);
    clock.advance(99);
    await turns(5);
    expect(renewals()).toBe(0);
    clock.advance(1);
    await turns(5);
    // The renewal's answer is still on the way when the attempt ends; the outcome does not wait for it.
    expect(answers).toHaveLength(1);
    finish();
    await turns(5);
    const done = await store.getJob(job.id);
    expect([done?.status, done?.attempts]).toEqual(['succeeded', 1]);
    // The late answer finds the job finished, not running: that is no lost lease.
    answers[0]!();
    await engine.drain();
    expect(warnings).toEqual([]);
    // No job held: no renewal is armed any more.
    clock.advance(1_000);
    await turns(5);
    expect(renewals()).toBe(1);
  });

  test('a job taken back from a running attempt is reported, and the outcome of that attempt dropped', async () => {
    const { store } = leasedStore();
    const { engine, clock, finish, warnings, job } = await slowJobRunning(store);
    // Another runner takes the job back (its clock ran ahead, say), and it is dead now.
    await store.updateJob({ ...job, status: 'dead', attempts: 1, updatedAt: clock.now() + 1 });
    clock.advance(100);
    await turns(5);
    expect(warnings).toEqual(['lease_lost']);
    finish();
    await engine.drain();
    const after = await store.getJob(job.id);
    expect([after?.status, after?.attempts]).toEqual(['dead', 1]);
  });

  test('close releases the runner and the store even when the last drain fails', async () => {
    const base = createMemoryStore();
    let down = false;
    let closed = 0;
    const store: Store = {
      ...base,
      async claimJobs(now, limit) {
        if (down) throw new Error('the store is down');
        return base.claimJobs(now, limit);
      },
      async close() {
        closed += 1;
      },
    };
    const { engine, clock } = setup([reminder], {}, store);
    engine.on('warning', () => undefined);
    await engine.ingest(quoteEvent('quote.action_required', 'q1', 100), { provider: 'insurer' });
    down = true;
    clock.advance(3 * 86_400_000);
    const first = engine.close();
    await first.catch(() => undefined);
    expect(closed).toBe(1);
    // A second close is the first one, not a no-op that leaves things open.
    expect(engine.close()).toBe(first);
    expect(closed).toBe(1);
  });

  test('an attempt the store fails is no longer renewed, so its lease can run out', async () => {
    const { store, renewals, failReads } = leasedStore();
    const { engine, clock } = setup(
      [{ ...slowRule, actions: [{ type: 'log', whileIn: 'action_required', params: { message: 'x' } }] }],
      {},
      store,
    );
    const warnings: string[] = [];
    engine.on('warning', (w) => warnings.push(w.code));
    await engine.ingest(quoteEvent('quote.action_required', 'q1', 100), { provider: 'insurer' });
    // After the ingest, which reads through the same store: only the attempt's read (for whileIn) fails.
    failReads();
    await turns(10);
    expect(warnings).toEqual(['runner_error']);
    expect((await store.listJobs({ status: ['running'] })).length).toBe(1);
    clock.advance(1_000);
    await turns(5);
    expect(renewals()).toBe(0);
    await engine.close();
  });
});

describe('templates that read the rule', () => {
  test('render its name beside the facts, in params and in `at`', async () => {
    const rule: RuleSpec = {
      name: 'named',
      on: 'quote.created',
      actions: [
        { type: 'log', params: { message: '{{rule.name}} saw {{resource.id}}', level: 'warn' } },
        { type: 'log', at: '{{event.data.renews_at}}', params: { message: 'at {{rule.name}}' } },
      ],
    };
    const { engine, lines } = setup([rule]);
    const r = await engine.ingest(quoteEvent('quote.created', 'q1', 100, { renews_at: '2020-01-01' }), {
      provider: 'insurer',
    });
    expect(r.actions.map((a) => a.idempotencyKey)).toHaveLength(2);
    await engine.drain();
    // The job due in 2020 runs first: jobs run by when they are due.
    expect(lines.map((l) => [l.message, l.level])).toEqual([
      ['at named', 'info'],
      ['named saw q1', 'warn'],
    ]);
  });
});
