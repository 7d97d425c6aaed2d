import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.employee_policy;
const p = (suffix: string) => `employee.health_insurance.policy.${suffix}`;

const expected = expand('employee.health_insurance.policy.', {
  scheduled: { activated: 'active', cancelled: 'cancelled', imported: 'scheduled' },
  active: { activated: 'active', cancelled: 'cancelled', expired: 'expired', imported: 'active' },
  cancelled: {},
  expired: {},
});

describe('Kota employee_policy machine', () => {
  it('starts scheduled and handles the four eehp event types', () => {
    expect(initialTransition(machine)[0].value).toBe('scheduled');
    expect(eventsOf(machine)).toEqual(['activated', 'cancelled', 'expired', 'imported'].map(p));
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(expected);
  });

  it('is flat: Kota sends no renewal events for eehp', () => {
    expect(machine.root.type).toBe('compound');
  });

  it('runs scheduled → active → expired, and cancels before or after the start', () => {
    expect(walk(machine, [p('imported'), p('activated'), p('expired')])).toEqual([
      'scheduled',
      'active',
      'expired',
    ]);
    expect(walk(machine, [p('cancelled')])).toEqual(['cancelled']);
    expect(walk(machine, [p('activated'), p('cancelled')])).toEqual(['active', 'cancelled']);
  });

  it('makes expired and cancelled terminal and absorbing', () => {
    for (const value of ['expired', 'cancelled']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
  });

  it('treats expiry before activation as a violation the engine forces', () => {
    expect(handles(machine, at(machine, 'scheduled'), p('expired'))).toBe(false);
    const table = tableFor(machine, eventsOf(machine));
    expect(table.step('scheduled', p('expired'))).toMatchObject({ allowed: false, to: 'expired' });
    expect(table.step('cancelled', p('activated'))).toMatchObject({ allowed: false, to: 'active' });
    // `imported` says nothing about status: forcing it changes nothing.
    expect(table.step('expired', p('imported'))).toMatchObject({ allowed: false, to: 'expired' });
  });
});
