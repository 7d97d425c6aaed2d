import { tableFor, ten99policyLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { actualTable, at, type ExpectedTable, eventsOf, next } from './table.js';

const machine = ten99policyLifecycles.policy;

const expected: ExpectedTable = {
  active: {
    'policy.active': 'active',
    'policy.active.media': 'active',
    'policy.cancelled': 'cancelled',
  },
  cancelled: {
    'policy.reactivated': 'active',
    'policy.active': 'active',
    'policy.active.media': 'active',
  },
};

describe('1099Policy policy machine', () => {
  it('is the policy lifecycle and starts active (a policy is created bound)', () => {
    expect(machine.id).toBe('policy');
    expect(initialTransition(machine)[0].value).toBe('active');
  });

  it('handles exactly the four policy.* event types', () => {
    expect(eventsOf(machine)).toEqual([
      'policy.active',
      'policy.active.media',
      'policy.cancelled',
      'policy.reactivated',
    ]);
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(actualTable(machine)).toEqual(expected);
  });

  it('goes active ⇄ cancelled through policy.reactivated, any number of times', () => {
    let state = 'active';
    for (let i = 0; i < 3; i++) {
      state = String(next(machine, state, 'policy.cancelled'));
      expect(state).toBe('cancelled');
      state = String(next(machine, state, 'policy.reactivated'));
      expect(state).toBe('active');
    }
  });

  it('treats media coverage as an activation of the same policy', () => {
    expect(next(machine, 'active', 'policy.active.media')).toBe('active');
    expect(next(machine, 'cancelled', 'policy.active.media')).toBe('active');
  });

  it('has no terminal state and no expired state (no event reports expiry)', () => {
    expect(at(machine, 'active').status).toBe('active');
    expect(at(machine, 'cancelled').status).toBe('active');
    expect(Object.keys(machine.root.states).sort()).toEqual(['active', 'cancelled']);
  });

  it('disallows cancelling a cancelled policy and reactivating an active one', () => {
    expect(at(machine, 'cancelled').can({ type: 'policy.cancelled' })).toBe(false);
    expect(at(machine, 'active').can({ type: 'policy.reactivated' })).toBe(false);
  });

  it('gives the engine an implied state for every event', () => {
    const table = tableFor(machine, eventsOf(machine));
    expect(table.step('active', 'policy.reactivated')).toMatchObject({ allowed: false, to: 'active' });
    expect(table.step('cancelled', 'policy.cancelled')).toMatchObject({ allowed: false, to: 'cancelled' });
    expect(table.step('cancelled', 'policy.active')).toMatchObject({ allowed: true, to: 'active' });
  });
});
