import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, send, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.employer_quote;
const q = (suffix: string) => `employer.health_insurance.quote.${suffix}`;

const expected = expand('employer.health_insurance.quote.', {
  pending_quote: {
    created: 'pending_quote',
    pending_quote: 'pending_quote',
    action_required: 'action_required',
    pending_insurer_acceptance: 'pending_insurer_acceptance',
    accepted: 'accepted',
    not_undertaken: 'not_undertaken',
  },
  action_required: {
    action_required: 'action_required',
    pending_quote: 'pending_quote',
    pending_insurer_acceptance: 'pending_insurer_acceptance',
    not_undertaken: 'not_undertaken',
  },
  pending_insurer_acceptance: {
    pending_insurer_acceptance: 'pending_insurer_acceptance',
    action_required: 'action_required',
    accepted: 'accepted',
    not_undertaken: 'not_undertaken',
  },
  accepted: {},
  not_undertaken: {},
});

describe('Kota employer_quote machine', () => {
  it('starts pending_quote, the status of a new quote', () => {
    expect(initialTransition(machine)[0].value).toBe('pending_quote');
  });

  it('handles exactly the six quote event types', () => {
    expect(eventsOf(machine)).toEqual(
      [
        'accepted',
        'action_required',
        'created',
        'not_undertaken',
        'pending_insurer_acceptance',
        'pending_quote',
      ].map(q),
    );
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(expected);
  });

  it('walks the usual path, with a recurring action_required', () => {
    expect(
      walk(machine, [
        q('created'),
        q('action_required'),
        q('action_required'),
        q('pending_quote'),
        q('pending_insurer_acceptance'),
        q('accepted'),
      ]),
    ).toEqual([
      'pending_quote',
      'action_required',
      'action_required',
      'pending_quote',
      'pending_insurer_acceptance',
      'accepted',
    ]);
  });

  it('makes accepted and not_undertaken terminal and absorbing', () => {
    for (const value of ['accepted', 'not_undertaken']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
  });

  it('does not accept a quote straight from action_required', () => {
    expect(handles(machine, at(machine, 'action_required'), q('accepted'))).toBe(false);
    expect(send(machine, 'action_required', q('pending_insurer_acceptance'))).toBe(
      'pending_insurer_acceptance',
    );
  });

  it('gives the engine one implied state per status event', () => {
    const table = tableFor(machine, eventsOf(machine));
    expect(table.step('action_required', q('accepted'))).toMatchObject({ allowed: false, to: 'accepted' });
    expect(table.step('accepted', q('action_required'))).toMatchObject({
      allowed: false,
      to: 'action_required',
    });
  });
});
