import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf, walk } from './helpers.js';

const machine = kotaLifecycles.enrolment_intent;
const e = (status: string) => `enrolment_intent.${status}`;
const statuses = [
  'processing',
  'scheduled',
  'action_required',
  'addon_selection_required',
  'pending_confirmation',
  'enrolling',
  'enrolled',
  'not_undertaken',
  'ineligible',
];
const self = (s: string) => ({ [s]: s });
const closes = { not_undertaken: 'not_undertaken', ineligible: 'ineligible' };

const expected = expand('enrolment_intent.', {
  processing: Object.fromEntries(statuses.map((s) => [s, s])),
  scheduled: {
    ...self('scheduled'),
    processing: 'processing',
    action_required: 'action_required',
    pending_confirmation: 'pending_confirmation',
    enrolling: 'enrolling',
    ...closes,
  },
  action_required: {
    ...self('action_required'),
    processing: 'processing',
    addon_selection_required: 'addon_selection_required',
    pending_confirmation: 'pending_confirmation',
    ...closes,
  },
  addon_selection_required: {
    ...self('addon_selection_required'),
    processing: 'processing',
    action_required: 'action_required',
    pending_confirmation: 'pending_confirmation',
    ...closes,
  },
  pending_confirmation: {
    ...self('pending_confirmation'),
    processing: 'processing',
    scheduled: 'scheduled',
    action_required: 'action_required',
    enrolling: 'enrolling',
    ...closes,
  },
  enrolling: { ...self('enrolling'), enrolled: 'enrolled', action_required: 'action_required', ...closes },
  ineligible: { ...self('ineligible'), processing: 'processing' },
  enrolled: {},
  not_undertaken: {},
});

describe('Kota enrolment_intent machine', () => {
  it('has one state per status and one event per status, and starts processing', () => {
    expect(Object.keys(machine.root.states).sort()).toEqual([...statuses].sort());
    expect(eventsOf(machine)).toEqual(statuses.map(e).sort());
    expect(initialTransition(machine)[0].value).toBe('processing');
  });

  it('moves each event to its own status, wherever it is allowed', () => {
    for (const row of Object.values(tableOf(machine))) {
      for (const [type, to] of Object.entries(row)) expect(type).toBe(e(to));
    }
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(tableOf(machine)).toEqual(expected);
  });

  it('walks a realistic enrolment with recurring action_required', () => {
    expect(
      walk(machine, [
        e('processing'),
        e('action_required'),
        e('action_required'),
        e('processing'),
        e('addon_selection_required'),
        e('pending_confirmation'),
        e('scheduled'),
        e('enrolling'),
        e('enrolled'),
      ]).at(-1),
    ).toBe('enrolled');
  });

  it('makes enrolled and not_undertaken terminal and absorbing', () => {
    for (const value of ['enrolled', 'not_undertaken']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
  });

  it('keeps ineligible open: eligibility is re-assessed', () => {
    expect(at(machine, 'ineligible').status).toBe('active');
    expect(walk(machine, [e('ineligible'), e('processing'), e('enrolled')])).toEqual([
      'ineligible',
      'processing',
      'enrolled',
    ]);
    expect(handles(machine, at(machine, 'ineligible'), e('enrolled'))).toBe(false);
  });

  it('forces an out-of-line status to that status', () => {
    const table = tableFor(machine, eventsOf(machine));
    expect(table.step('ineligible', e('enrolled'))).toMatchObject({ allowed: false, to: 'enrolled' });
    expect(table.step('enrolled', e('processing'))).toMatchObject({ allowed: false, to: 'processing' });
  });
});
