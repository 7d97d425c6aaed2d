import { kotaLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { eventsOf, expand, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.employee;

describe('Kota employee machine', () => {
  it('lists the status enum and starts active, as the v1 created payload says', () => {
    expect(Object.keys(machine.root.states).sort()).toEqual([
      'active',
      'inactive',
      'offboarding',
      'pending',
      'restricted',
    ]);
    expect(initialTransition(machine)[0].value).toBe('active');
    expect(eventsOf(machine)).toEqual(['employee.created', 'employee.offboarded', 'employee.updated']);
  });

  it('reaches only active and offboarding through events', () => {
    expect(tableOf(machine)).toEqual(
      expand('employee.', {
        active: { created: 'active', updated: 'active', offboarded: 'offboarding' },
        offboarding: { updated: 'offboarding', offboarded: 'offboarding' },
      }),
    );
    expect(
      walk(machine, ['employee.created', 'employee.updated', 'employee.offboarded', 'employee.updated']),
    ).toEqual(['active', 'active', 'offboarding', 'offboarding']);
  });

  it('keeps Kota transitions from the statuses only a fetched resource can set', () => {
    expect(tableOf(machine, ['pending', 'restricted', 'inactive'])).toEqual(
      expand('employee.', {
        pending: { updated: 'pending', offboarded: 'offboarding' },
        restricted: { updated: 'restricted', offboarded: 'offboarding' },
        inactive: { updated: 'inactive' },
      }),
    );
  });

  it('has no terminal state: a record outlives offboarding', () => {
    expect(Object.values(machine.root.states).filter((s) => s.type === 'final')).toEqual([]);
  });
});
