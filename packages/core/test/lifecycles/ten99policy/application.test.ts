import { ten99policyLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { actualTable, at, type ExpectedTable, eventsOf, next } from './table.js';

const machine = ten99policyLifecycles.application;

const expected: ExpectedTable = {
  created: {
    'application.created': 'created',
    'application.started': 'started',
    'application.expired': 'expired',
  },
  started: {
    'application.complete': 'complete',
    'application.manual_review': 'manual_review',
    'application.ineligible': 'ineligible',
    'application.expired': 'expired',
  },
  manual_review: {
    'application.manual_review_approved': 'manual_review_approved',
    'application.ineligible': 'ineligible',
    'application.expired': 'expired',
  },
  manual_review_approved: { 'application.complete': 'complete', 'application.expired': 'expired' },
  ineligible: { 'application.expired': 'expired' },
  complete: {},
  expired: {},
};

describe('1099Policy application machine', () => {
  it('is the application lifecycle and starts created', () => {
    expect(machine.id).toBe('application');
    expect(initialTransition(machine)[0].value).toBe('created');
  });

  it('handles exactly the seven application.* event types', () => {
    expect(eventsOf(machine)).toEqual([
      'application.complete',
      'application.created',
      'application.expired',
      'application.ineligible',
      'application.manual_review',
      'application.manual_review_approved',
      'application.started',
    ]);
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(actualTable(machine)).toEqual(expected);
  });

  it('walks the happy path created → started → complete', () => {
    expect(next(machine, 'created', 'application.started')).toBe('started');
    expect(next(machine, 'started', 'application.complete')).toBe('complete');
  });

  it('walks the manual review path to complete, or to ineligible', () => {
    expect(next(machine, 'started', 'application.manual_review')).toBe('manual_review');
    expect(next(machine, 'manual_review', 'application.manual_review_approved')).toBe(
      'manual_review_approved',
    );
    expect(next(machine, 'manual_review_approved', 'application.complete')).toBe('complete');
    expect(next(machine, 'manual_review', 'application.ineligible')).toBe('ineligible');
  });

  it('lets every unfinished session expire', () => {
    for (const state of ['created', 'started', 'manual_review', 'manual_review_approved', 'ineligible']) {
      expect(next(machine, state, 'application.expired')).toBe('expired');
    }
  });

  it.each(['complete', 'expired'])('makes %s terminal and absorbing', (state) => {
    const snap = at(machine, state);
    expect(snap.status).toBe('done');
    for (const type of eventsOf(machine)) {
      expect(snap.can({ type })).toBe(false);
      expect(next(machine, state, type)).toBe(state);
    }
  });

  it('keeps ineligible and manual_review_approved open', () => {
    expect(at(machine, 'ineligible').status).toBe('active');
    expect(at(machine, 'manual_review_approved').status).toBe('active');
  });

  it('disallows skipping steps', () => {
    expect(at(machine, 'created').can({ type: 'application.complete' })).toBe(false);
    expect(at(machine, 'started').can({ type: 'application.manual_review_approved' })).toBe(false);
    expect(at(machine, 'ineligible').can({ type: 'application.complete' })).toBe(false);
    expect(at(machine, 'manual_review').can({ type: 'application.complete' })).toBe(false);
  });
});
