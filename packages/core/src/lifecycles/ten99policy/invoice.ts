import { setup } from 'xstate';

/**
 * The 1099Policy `invoice.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: InvoiceMachineEvent = { type: 'invoice.charge_card_failed' };
 * ```
 */
export type InvoiceMachineEvent =
  | { type: 'invoice.charge_card_succeeded' }
  | { type: 'invoice.charge_card_failed' };

/**
 * A 1099Policy invoice (`in_…`): the premium due for one pay cycle, charged to the contractor's card. The
 * provider documents no status field; the states are named after the charge outcomes. `pending` (not a provider
 * status) is the invoice before its first charge attempt, which no event reports.
 *
 * `pending → paid | payment_failed`; a failed charge is retried: `payment_failed → paid`, or it fails again
 * (`payment_failed → payment_failed`).
 *
 * Terminal state: `paid`. The provider refuses to charge a paid invoice again (`invoice_already_paid`) and has
 * no refund event.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(invoiceMachine);
 * getNextSnapshot(invoiceMachine, start, { type: 'invoice.charge_card_succeeded' }).value; // 'paid'
 * ```
 */
export const invoiceMachine = setup({
  types: { events: {} as InvoiceMachineEvent },
}).createMachine({
  id: 'invoice',
  description: '1099Policy invoice (in_…)',
  initial: 'pending',
  states: {
    pending: {
      description: 'Created; no charge attempt reported yet (not a provider status).',
      on: {
        'invoice.charge_card_succeeded': { target: 'paid', description: 'The card charge went through.' },
        'invoice.charge_card_failed': {
          target: 'payment_failed',
          description: 'The card charge was declined.',
        },
      },
    },
    payment_failed: {
      description: 'The last card charge failed; the provider retries.',
      on: {
        'invoice.charge_card_succeeded': { target: 'paid', description: 'A retried charge went through.' },
        'invoice.charge_card_failed': {
          target: 'payment_failed',
          description: 'A retried charge failed again.',
        },
      },
    },
    paid: {
      type: 'final',
      description: 'Paid: the provider refuses to charge it again (invoice_already_paid).',
    },
  },
});
