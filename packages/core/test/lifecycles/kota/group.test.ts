import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.group;
// Data and membership events: allowed in every live state, and they keep it.
const membership = [
  'updated',
  'employee.added',
  'employee.eligible',
  'employee.removed',
  'employee.moved',
  'employee.move.scheduled',
];
const stay = (state: string) => Object.fromEntries(membership.map((suffix) => [suffix, state]));

const expected = expand('group.', {
  pending: { created: 'pending', ready: 'ready', archived: 'archived', ...stay('pending') },
  ready: { ready: 'ready', archived: 'archived', ...stay('ready') },
  archived: {},
});

describe('Kota group machine', () => {
  it('starts pending and handles all nine group event types', () => {
    expect(initialTransition(machine)[0].value).toBe('pending');
    expect(eventsOf(machine)).toHaveLength(9);
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(expected);
  });

  it('runs pending → ready → archived, with membership events changing no state', () => {
    expect(
      walk(machine, [
        'group.created',
        'group.employee.added',
        'group.ready',
        'group.employee.eligible',
        'group.employee.move.scheduled',
        'group.employee.moved',
        'group.employee.removed',
        'group.updated',
        'group.archived',
      ]),
    ).toEqual(['pending', 'pending', 'ready', 'ready', 'ready', 'ready', 'ready', 'ready', 'archived']);
  });

  it('makes archived terminal and absorbing, membership events included', () => {
    const snap = at(machine, 'archived');
    expect(snap.status).toBe('done');
    for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
  });

  it('has no way back from ready to pending', () => {
    expect(handles(machine, at(machine, 'ready'), 'group.created')).toBe(false);
  });

  it('never forces a status from a membership event', () => {
    const table = tableFor(machine, eventsOf(machine));
    expect(table.step('archived', 'group.employee.added')).toMatchObject({ allowed: false, to: 'archived' });
    expect(table.step('archived', 'group.ready')).toMatchObject({ allowed: false, to: 'ready' });
  });
});
