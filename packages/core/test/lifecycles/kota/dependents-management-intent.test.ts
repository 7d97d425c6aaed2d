import { kotaLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf } from './helpers.js';

const machine = kotaLifecycles.dependents_management_intent;
const d = (status: string) => `dependents_management_intent.${status}`;

describe('Kota dependents_management_intent machine', () => {
  it('lists the status enum, starts action_required and handles its three events', () => {
    expect(Object.keys(machine.root.states).sort()).toEqual([
      'action_required',
      'completed',
      'not_undertaken',
      'processing',
    ]);
    expect(initialTransition(machine)[0].value).toBe('action_required');
    expect(eventsOf(machine)).toEqual(['action_required', 'completed', 'not_undertaken'].map(d));
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(
      expand('dependents_management_intent.', {
        action_required: {
          action_required: 'action_required',
          completed: 'completed',
          not_undertaken: 'not_undertaken',
        },
        completed: {},
        not_undertaken: {},
      }),
    );
  });

  it('keeps processing, which no event reaches, with the exits Kota events have', () => {
    expect(tableOf(machine, ['processing'])).toEqual(
      expand('dependents_management_intent.', {
        processing: {
          action_required: 'action_required',
          completed: 'completed',
          not_undertaken: 'not_undertaken',
        },
      }),
    );
  });

  it('makes completed and not_undertaken terminal and absorbing', () => {
    for (const value of ['completed', 'not_undertaken']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
  });
});
