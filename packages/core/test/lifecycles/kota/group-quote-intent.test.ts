import { kotaLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.group_quote_intent;
const g = (status: string) => `group_quote_intent.${status}`;
const to = (...targets: string[]) => Object.fromEntries(targets.map((s) => [s, s]));
const terminal = ['rejected', 'rejected_by_insurer', 'quote_expired'];

describe('Kota group_quote_intent machine', () => {
  it('has one state and one event per status, and starts processing', () => {
    expect(eventsOf(machine)).toHaveLength(7);
    expect(Object.keys(machine.root.states).map(g).sort()).toEqual(eventsOf(machine));
    expect(initialTransition(machine)[0].value).toBe('processing');
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(
      expand('group_quote_intent.', {
        processing: to('processing', 'action_required', 'awaiting_quote', 'quote_available', 'rejected'),
        action_required: to('action_required', 'processing', 'awaiting_quote', 'rejected'),
        awaiting_quote: to(
          'awaiting_quote',
          'action_required',
          'quote_available',
          'rejected',
          'rejected_by_insurer',
        ),
        quote_available: to(
          'quote_available',
          'awaiting_quote',
          'action_required',
          'rejected',
          'rejected_by_insurer',
          'quote_expired',
        ),
        rejected: {},
        rejected_by_insurer: {},
        quote_expired: {},
      }),
    );
  });

  it('can re-quote an available quote, then let it expire', () => {
    expect(
      walk(machine, [
        g('awaiting_quote'),
        g('quote_available'),
        g('awaiting_quote'),
        g('quote_available'),
        g('quote_expired'),
      ]),
    ).toEqual(['awaiting_quote', 'quote_available', 'awaiting_quote', 'quote_available', 'quote_expired']);
  });

  it('makes rejected, rejected_by_insurer and quote_expired terminal and absorbing', () => {
    for (const value of terminal) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
    expect(at(machine, 'quote_available').status).toBe('active');
  });

  it('only expires a quote that exists', () => {
    for (const value of ['processing', 'action_required', 'awaiting_quote']) {
      expect(handles(machine, at(machine, value), g('quote_expired'))).toBe(false);
    }
  });
});
