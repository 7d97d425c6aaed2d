import { setup } from 'xstate';
import { z } from 'zod';
import { defineCatalog } from '../src/catalog.js';
import { isPolicyflowError, type PolicyflowError } from '../src/errors.js';
import type { ActionJob, Store, SyncStoreOps } from '../src/store.js';

/** A small catalog for engine tests, independent of the built-in providers. */
export const claimMachine = setup({
  types: {
    events: {} as
      | { type: 'claim.opened' }
      | { type: 'claim.approved' }
      | { type: 'claim.paid' }
      | { type: 'claim.updated' },
  },
}).createMachine({
  id: 'claim',
  initial: 'opened',
  states: {
    opened: { on: { 'claim.opened': {}, 'claim.approved': 'approved', 'claim.updated': {} } },
    approved: { on: { 'claim.paid': 'paid', 'claim.updated': {} } },
    paid: { type: 'final' },
  },
});

export const acme = defineCatalog({
  provider: 'acme',
  lifecycles: { claim: claimMachine },
  events: {
    'claim.opened': {
      lifecycle: 'claim',
      id: 'id',
      data: z.looseObject({ id: z.string(), amount: z.number().optional() }),
    },
    'claim.approved': { lifecycle: 'claim', id: 'id' },
    'claim.paid': { lifecycle: 'claim', id: 'id' },
    'claim.updated': { lifecycle: 'claim', id: 'id' },
  },
});

let seq = 0;
export function claimEvent(type: string, id: string, created: number, extra: Record<string, unknown> = {}) {
  seq += 1;
  return { id: `evt_${seq}`, type, created, data: { id, ...extra } };
}

/** The PolicyflowError `fn` throws; a test fails when it throws something else or nothing. */
export function failure(fn: () => unknown): PolicyflowError {
  try {
    fn();
  } catch (e) {
    if (isPolicyflowError(e)) return e;
    throw e;
  }
  throw new Error('expected a PolicyflowError');
}

/**
 * `base` spread into a wrapper whose synchronous face is `face(base's face)`, owned by the wrapper, so the
 * engine uses it: a face copied along by the spread alone would be ignored.
 */
export function withSyncFace(base: Store, face: (inner: SyncStoreOps) => Omit<SyncStoreOps, 'owner'>): Store {
  const store: { -readonly [K in keyof Store]: Store[K] } = { ...base };
  store.sync = { ...face(base.sync!), owner: store };
  return store;
}

/**
 * A pending `log` job due at 0, with `fields` over those defaults: `id` and the fields a test is about.
 * Its `eventId` is the id's part before the first `:` unless given.
 */
export function actionJob(fields: Partial<ActionJob> & Pick<ActionJob, 'id'>): ActionJob {
  return {
    eventId: fields.id.split(':')[0]!,
    resourceKey: undefined,
    rule: 'r',
    actionIndex: 0,
    type: 'log',
    params: {},
    whileIn: undefined,
    status: 'pending',
    attempts: 0,
    maxAttempts: 3,
    runAt: 0,
    lastError: undefined,
    createdAt: 0,
    updatedAt: 0,
    ...fields,
  };
}
