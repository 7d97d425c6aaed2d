import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { eventsOf, tableOf } from './helpers.js';

const machine = kotaLifecycles.associated_person;
const updated = 'associated_person.updated';

describe('Kota associated_person machine', () => {
  it('has the one state active, where updates are allowed and change nothing', () => {
    expect(initialTransition(machine)[0].value).toBe('active');
    expect(tableOf(machine)).toEqual({ active: { [updated]: 'active' } });
    expect(tableFor(machine, eventsOf(machine)).step('active', updated)).toMatchObject({
      allowed: true,
      to: 'active',
    });
  });
});
