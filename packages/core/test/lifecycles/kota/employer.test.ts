import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { eventsOf, expand, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.employer;
const statuses = ['active', 'inactive', 'offboarding', 'pending', 'restricted'];

describe('Kota employer machine', () => {
  it('lists the status enum and starts pending, as the v1 created payload says', () => {
    expect(Object.keys(machine.root.states).sort()).toEqual(statuses);
    expect(initialTransition(machine)[0].value).toBe('pending');
    expect(eventsOf(machine)).toEqual(['employer.created', 'employer.offboarded', 'employer.updated']);
  });

  it('reaches only pending and offboarding through events', () => {
    expect(tableOf(machine)).toEqual(
      expand('employer.', {
        pending: { created: 'pending', updated: 'pending', offboarded: 'offboarding' },
        offboarding: { updated: 'offboarding', offboarded: 'offboarding' },
      }),
    );
    expect(walk(machine, ['employer.created', 'employer.updated', 'employer.offboarded'])).toEqual([
      'pending',
      'pending',
      'offboarding',
    ]);
  });

  it('keeps Kota transitions from the statuses only a fetched resource can set', () => {
    expect(tableOf(machine, ['active', 'restricted', 'inactive'])).toEqual(
      expand('employer.', {
        active: { updated: 'active', offboarded: 'offboarding' },
        restricted: { updated: 'restricted', offboarded: 'offboarding' },
        inactive: { updated: 'inactive' },
      }),
    );
  });

  it('has no terminal state', () => {
    expect(Object.values(machine.root.states).filter((s) => s.type === 'final')).toEqual([]);
  });

  it('implies offboarding from offboarded, and nothing from updated', () => {
    const table = tableFor(machine, eventsOf(machine));
    expect(table.step('offboarding', 'employer.updated')).toMatchObject({ allowed: true, to: 'offboarding' });
    expect(table.step('offboarding', 'employer.created')).toMatchObject({ allowed: false });
  });
});
