import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, handles, tableOf } from './helpers.js';

const machine = kotaLifecycles.employee_offer;
const actionRequired = 'employee.health_insurance.offer.action_required';

describe('Kota employee_offer machine', () => {
  it('starts action_required: an offer exists to be answered', () => {
    expect(initialTransition(machine)[0].value).toBe('action_required');
  });

  it('handles the one offer event type, re-announcing action_required', () => {
    expect(eventsOf(machine)).toEqual([actionRequired]);
    expect(tableOf(machine)).toEqual({ action_required: { [actionRequired]: 'action_required' } });
  });

  it('lists the whole status enum; accepted and not_undertaken are terminal and absorbing', () => {
    expect(Object.keys(machine.root.states).sort()).toEqual([
      'accepted',
      'action_required',
      'not_undertaken',
    ]);
    for (const value of ['accepted', 'not_undertaken']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      expect(handles(machine, snap, actionRequired)).toBe(false);
    }
  });

  it('needs no forcing: the only event keeps the state', () => {
    const table = tableFor(machine, eventsOf(machine));
    expect([...table.states.keys()]).toEqual(['action_required']);
    expect(table.step('action_required', actionRequired)).toMatchObject({
      allowed: true,
      to: 'action_required',
    });
  });
});
