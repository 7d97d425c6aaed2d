import { kotaLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.policy_amendment_intent;
const a = (status: string) => `policy_amendment_intent.${status}`;
const statuses = [
  'action_required',
  'awaiting_quote',
  'pending_confirmation',
  'processing',
  'amended',
  'processing_error',
  'not_undertaken',
];
const to = (...targets: string[]) => Object.fromEntries(targets.map((s) => [s, s]));

const expected = expand('policy_amendment_intent.', {
  action_required: to(
    'action_required',
    'awaiting_quote',
    'pending_confirmation',
    'processing',
    'not_undertaken',
  ),
  awaiting_quote: to('awaiting_quote', 'action_required', 'pending_confirmation', 'not_undertaken'),
  pending_confirmation: to(
    'pending_confirmation',
    'processing',
    'action_required',
    'awaiting_quote',
    'not_undertaken',
  ),
  processing: to('processing', 'amended', 'processing_error', 'action_required'),
  processing_error: to('processing_error', 'processing', 'action_required', 'not_undertaken'),
  amended: {},
  not_undertaken: {},
});

describe('Kota policy_amendment_intent machine', () => {
  it('has one state and one event per status, and starts action_required', () => {
    expect(Object.keys(machine.root.states).sort()).toEqual([...statuses].sort());
    expect(eventsOf(machine)).toEqual(statuses.map(a).sort());
    expect(initialTransition(machine)[0].value).toBe('action_required');
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(expected);
  });

  it('walks quote → confirm → apply, retrying after a processing error', () => {
    expect(
      walk(machine, [
        a('awaiting_quote'),
        a('pending_confirmation'),
        a('processing'),
        a('processing_error'),
        a('processing'),
        a('amended'),
      ]).at(-1),
    ).toBe('amended');
  });

  it('makes amended and not_undertaken terminal, and keeps processing_error open', () => {
    for (const value of ['amended', 'not_undertaken']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
    expect(at(machine, 'processing_error').status).toBe('active');
  });

  it('only amends a policy from processing', () => {
    for (const value of ['action_required', 'awaiting_quote', 'pending_confirmation', 'processing_error']) {
      expect(handles(machine, at(machine, value), a('amended'))).toBe(false);
    }
  });
});
