import { ten99policyLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { actualTable, at, eventsOf, next } from './table.js';

const machine = ten99policyLifecycles.certificate;
const outcomes = ['approved', 'flagged', 'denied', 'error'] as const;

describe('1099Policy certificate machine', () => {
  it('is the certificate lifecycle and starts pending (before any review outcome)', () => {
    expect(machine.id).toBe('certificate');
    expect(initialTransition(machine)[0].value).toBe('pending');
  });

  it('handles exactly the four certificate.* event types', () => {
    expect(eventsOf(machine)).toEqual(outcomes.map((o) => `certificate.${o}`).sort());
  });

  it('moves from every state to the outcome each review reports (reviews are re-run)', () => {
    const row = Object.fromEntries(outcomes.map((o) => [`certificate.${o}`, o]));
    const expected = Object.fromEntries(['pending', ...outcomes].map((s) => [s, row]));
    expect(actualTable(machine)).toEqual(expected);
  });

  it('follows a flagged certificate to a human decision', () => {
    expect(next(machine, 'pending', 'certificate.flagged')).toBe('flagged');
    expect(next(machine, 'flagged', 'certificate.approved')).toBe('approved');
    expect(next(machine, 'flagged', 'certificate.denied')).toBe('denied');
  });

  it('retries an error', () => {
    expect(next(machine, 'pending', 'certificate.error')).toBe('error');
    expect(next(machine, 'error', 'certificate.approved')).toBe('approved');
  });

  it.each(outcomes)('keeps %s open: no review outcome is final', (state) => {
    expect(at(machine, state).status).toBe('active');
  });
});
