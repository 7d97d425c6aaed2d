import { kotaLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.group_policy_intent;
const g = (status: string) => `group_policy_intent.${status}`;
const to = (...targets: string[]) => Object.fromEntries(targets.map((s) => [s, s]));
const manual = 'manual_renewal_gathering_required';

describe('Kota group_policy_intent machine', () => {
  it('has one state and one event per status, and starts processing', () => {
    expect(eventsOf(machine)).toHaveLength(7);
    expect(Object.keys(machine.root.states).map(g).sort()).toEqual(eventsOf(machine));
    expect(initialTransition(machine)[0].value).toBe('processing');
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(
      expand('group_policy_intent.', {
        processing: to(
          'processing',
          'action_required',
          manual,
          'pending_provider_approval',
          'policy_created',
          'expired',
        ),
        action_required: to('action_required', 'processing', manual, 'pending_provider_approval', 'expired'),
        [manual]: to(manual, 'processing', 'action_required', 'expired'),
        pending_provider_approval: to(
          'pending_provider_approval',
          'action_required',
          'policy_created',
          'provider_rejected',
          'expired',
        ),
        policy_created: {},
        provider_rejected: {},
        expired: {},
      }),
    );
  });

  it('walks a manual renewal through to a created policy', () => {
    expect(
      walk(machine, [
        g(manual),
        g('action_required'),
        g('processing'),
        g('pending_provider_approval'),
        g('policy_created'),
      ]).at(-1),
    ).toBe('policy_created');
  });

  it('makes policy_created, provider_rejected and expired terminal and absorbing', () => {
    for (const value of ['policy_created', 'provider_rejected', 'expired']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
  });

  it('only lets the insurer reject after submission', () => {
    expect(handles(machine, at(machine, 'processing'), g('provider_rejected'))).toBe(false);
  });
});
