import { tableFor, ten99policyLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { actualTable, at, type ExpectedTable, eventsOf, next } from './table.js';

const machine = ten99policyLifecycles.assignment;

const expected: ExpectedTable = {
  active: { 'assignment.active': 'active', 'assignment.cancelled': 'cancelled' },
  cancelled: {},
};

describe('1099Policy assignment machine', () => {
  it('is the assignment lifecycle and starts active', () => {
    expect(machine.id).toBe('assignment');
    expect(initialTransition(machine)[0].value).toBe('active');
  });

  it('handles exactly assignment.active and assignment.cancelled', () => {
    expect(eventsOf(machine)).toEqual(['assignment.active', 'assignment.cancelled']);
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(actualTable(machine)).toEqual(expected);
  });

  it('accepts its activation event on a new assignment, then cancels', () => {
    expect(next(machine, 'active', 'assignment.active')).toBe('active');
    expect(next(machine, 'active', 'assignment.cancelled')).toBe('cancelled');
  });

  it('makes cancelled terminal and absorbing', () => {
    const snap = at(machine, 'cancelled');
    expect(snap.status).toBe('done');
    for (const type of eventsOf(machine)) {
      expect(snap.can({ type })).toBe(false);
      expect(next(machine, 'cancelled', type)).toBe('cancelled');
    }
  });

  it('forces a cancelled assignment back to active when a newer activation arrives (explicit target implies it)', () => {
    const table = tableFor(machine, eventsOf(machine));
    expect(table.step('cancelled', 'assignment.active')).toMatchObject({ allowed: false, to: 'active' });
  });
});
