import { describe, expect, test } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { type CatalogInput, defineCatalog } from '../src/catalog.js';
import { kota, ten99policy } from '../src/index.js';
import { claimMachine } from './helpers.js';

/** The error `defineCatalog(input)` throws, so that its code, message and path can all be checked. */
function rejection(input: CatalogInput): unknown {
  try {
    defineCatalog(input);
  } catch (error) {
    return error;
  }
  throw new Error('defineCatalog accepted the input');
}

const opened = { 'claim.opened': { lifecycle: 'claim', id: 'id' } };

describe('defineCatalog names', () => {
  test.each(['acme/eu', ''])('refuses provider name %j: resource keys split on "/"', (provider) => {
    expect(rejection({ provider, lifecycles: { claim: claimMachine }, events: opened })).toMatchObject({
      code: 'invalid_argument',
      path: ['provider'],
      message: expect.stringContaining(`provider name '${provider}'`),
    });
  });

  test.each(['claims/v2', ''])('refuses lifecycle name %j', (name) => {
    const events = { 'claim.opened': { lifecycle: name, id: 'id' } };
    expect(rejection({ provider: 'acme', lifecycles: { [name]: claimMachine }, events })).toMatchObject({
      code: 'invalid_argument',
      path: ['lifecycles', name],
      message: expect.stringContaining(`lifecycle name '${name}'`),
    });
  });
});

describe('defineCatalog machine events', () => {
  test("refuses an event its lifecycle's machine has no transition for in any state", () => {
    const events = { 'claim.paid': { lifecycle: 'claim', id: 'id', event: 'claim.PAID' } };
    const error = rejection({ provider: 'acme', lifecycles: { claim: claimMachine }, events });
    expect(error).toMatchObject({ code: 'invalid_argument', path: ['events', 'claim.paid', 'event'] });
    expect((error as Error).message).toMatch(/'acme'.*'claim\.paid' sends 'claim\.PAID'.*lifecycle 'claim'/);
    // Without `event` the type itself is the machine event.
    const typo = { 'claim.closed': { lifecycle: 'claim', id: 'id' } };
    expect(rejection({ provider: 'acme', lifecycles: { claim: claimMachine }, events: typo })).toMatchObject({
      code: 'invalid_argument',
      path: ['events', 'claim.closed'],
    });
  });

  test('an event counts as known in any state, nested or unreachable, and through wildcards', () => {
    const m = setup({}).createMachine({
      id: 'w',
      initial: 'a',
      states: {
        a: { initial: 'inner', states: { inner: { on: { 'w.deep': 'done' } }, done: {} } },
        never: { on: { 'w.orphan': 'a', 'w.any.*': 'a' } },
      },
    });
    const events = Object.fromEntries(
      ['w.deep', 'w.orphan', 'w.any.thing', 'w.any'].map((e) => [e, { lifecycle: 'w', id: 'id' }]),
    );
    expect(defineCatalog({ provider: 'w', lifecycles: { w: m }, events }).events.size).toBe(4);
    expect(
      rejection({ provider: 'w', lifecycles: { w: m }, events: { 'w.anyx': events['w.any']! } }),
    ).toMatchObject({ code: 'invalid_argument' });
  });

  test('every built-in catalog passes', () => {
    expect(kota().events.size).toBeGreaterThan(0);
    expect(ten99policy().events.size).toBeGreaterThan(0);
  });
});

describe('defineCatalog machines the derived table cannot run', () => {
  // The engine steps its table with `{ type }` alone: this machine would always take 'partial'.
  const guarded = setup({
    guards: { isFull: ({ event }) => ((event as { amount?: number }).amount ?? 0) >= 100 },
  }).createMachine({
    id: 'pay',
    initial: 'open',
    states: {
      open: { on: { 'pay.received': [{ guard: 'isFull', target: 'paid' }, { target: 'partial' }] } },
      partial: { on: { 'pay.received': 'paid' } },
      paid: { type: 'final' },
    },
  });

  test('refuses guarded transitions, naming the lifecycle, state and event', () => {
    const events = { 'pay.received': { lifecycle: 'pay', id: 'id' } };
    const error = rejection({ provider: 'acme', lifecycles: { pay: guarded }, events });
    expect(error).toMatchObject({ code: 'invalid_argument', path: ['lifecycles', 'pay', 'states', 'open'] });
    expect((error as Error).message).toMatch(
      /'acme', lifecycle 'pay': state 'open' has a guarded transition on 'pay\.received'.*event types alone/,
    );
  });

  test.each([
    ['always', { always: { target: 'b' } }, /eventless \('always'\)/],
    ['after', { after: { 1000: 'b' } }, /delayed \('after'\)/],
    ['invoke', { invoke: { src: fromPromise(async () => 1), onDone: 'b' } }, /invokes an actor/],
  ])('refuses %s transitions, also in nested states', (_, a, message) => {
    const m = setup({}).createMachine({
      id: 'm',
      initial: 'outer',
      // Each case's config is typed for its own kind; the machine takes any of them.
      states: { outer: { initial: 'a', states: { a: a as object, b: { on: { 'm.x': 'a' } } } } },
    });
    const error = rejection({ provider: 'acme', lifecycles: { m }, events: {} });
    expect(error).toMatchObject({
      code: 'invalid_argument',
      path: ['lifecycles', 'm', 'states', 'outer', 'states', 'a'],
    });
    expect((error as Error).message).toMatch(message);
  });

  test('lifecycles given as { machine } are checked too', () => {
    expect(rejection({ provider: 'acme', lifecycles: { pay: { machine: guarded } } })).toMatchObject({
      code: 'invalid_argument',
      path: ['lifecycles', 'pay', 'states', 'open'],
    });
  });
});
