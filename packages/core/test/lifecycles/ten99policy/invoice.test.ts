import { ten99policyLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { actualTable, at, type ExpectedTable, eventsOf, next } from './table.js';

const machine = ten99policyLifecycles.invoice;

const expected: ExpectedTable = {
  pending: { 'invoice.charge_card_succeeded': 'paid', 'invoice.charge_card_failed': 'payment_failed' },
  payment_failed: { 'invoice.charge_card_succeeded': 'paid', 'invoice.charge_card_failed': 'payment_failed' },
  paid: {},
};

describe('1099Policy invoice machine', () => {
  it('is the invoice lifecycle and starts pending', () => {
    expect(machine.id).toBe('invoice');
    expect(initialTransition(machine)[0].value).toBe('pending');
  });

  it('handles exactly the two invoice.* event types', () => {
    expect(eventsOf(machine)).toEqual(['invoice.charge_card_failed', 'invoice.charge_card_succeeded']);
  });

  it('allows exactly the expected transitions from every reachable state', () => {
    expect(actualTable(machine)).toEqual(expected);
  });

  it('is paid by a first successful charge', () => {
    expect(next(machine, 'pending', 'invoice.charge_card_succeeded')).toBe('paid');
  });

  it('retries a failed charge until it succeeds', () => {
    expect(next(machine, 'pending', 'invoice.charge_card_failed')).toBe('payment_failed');
    expect(next(machine, 'payment_failed', 'invoice.charge_card_failed')).toBe('payment_failed');
    expect(next(machine, 'payment_failed', 'invoice.charge_card_succeeded')).toBe('paid');
  });

  it('makes paid terminal and absorbing', () => {
    const snap = at(machine, 'paid');
    expect(snap.status).toBe('done');
    for (const type of eventsOf(machine)) {
      expect(snap.can({ type })).toBe(false);
      expect(next(machine, 'paid', type)).toBe('paid');
    }
  });
});
