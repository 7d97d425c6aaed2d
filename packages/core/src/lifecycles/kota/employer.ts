import { setup } from 'xstate';
import { intended, orderDependent, reasons } from '../intended.js';

/**
 * The Kota `employer.*` record event types, verbatim (the quote events have their own lifecycle).
 *
 * @example
 * ```ts
 * const event: EmployerMachineEvent = { type: 'employer.offboarded' };
 * ```
 */
export type EmployerMachineEvent =
  | { type: 'employer.created' }
  | { type: 'employer.updated' }
  | { type: 'employer.offboarded' };

/**
 * An employer (`er_…`). States are Kota's status enum: `pending, active, offboarding, inactive, restricted`.
 * Kota creates an employer `pending` (the v1 `employer.created` payload says so).
 *
 * Kota's events cover only part of this lifecycle: `created` (→ `pending`), `updated` (any change, status
 * included, but the event type does not say which: targetless) and `offboarded` (→ `offboarding`). No event
 * announces `active`, `restricted` or `inactive`, so through events alone an employer goes
 * `pending → offboarding`; v1 events carry the real `status` in their data for rules to read. The other states
 * are kept, with the transitions Kota's events have from them, for hosts that place a resource by its
 * fetched status (`machine.resolveState`).
 *
 * Terminal states: none. An employer record outlives offboarding and can still be updated, and no event
 * rules out a return.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(employerMachine);
 * getNextSnapshot(employerMachine, start, { type: 'employer.offboarded' }).value; // 'offboarding'
 * ```
 */
export const employerMachine = setup({
  types: { events: {} as EmployerMachineEvent },
}).createMachine({
  id: 'employer',
  meta: intended(
    { kind: 'unreachable_state', subject: 'active', reason: reasons.noEventAnnounces },
    { kind: 'unreachable_state', subject: 'restricted', reason: reasons.noEventAnnounces },
    { kind: 'unreachable_state', subject: 'inactive', reason: reasons.noEventAnnounces },
    { kind: 'dead_end', subject: 'offboarding', reason: reasons.noExit },
    orderDependent,
  ),
  description: 'Kota employer (er_…)',
  initial: 'pending',
  states: {
    pending: {
      description: 'Created; onboarding is not complete.',
      on: {
        'employer.created': {
          target: 'pending',
          description: 'Kota created the employer; it starts pending.',
        },
        'employer.updated': { description: "The employer's data (possibly its status) changed." },
        'employer.offboarded': {
          target: 'offboarding',
          description: 'Offboarding started before onboarding ended.',
        },
      },
    },
    active: {
      description: 'Onboarded (no Kota event announces this status).',
      on: {
        'employer.updated': { description: "The employer's data changed." },
        'employer.offboarded': { target: 'offboarding', description: 'The employer is leaving.' },
      },
    },
    restricted: {
      description: 'Restricted by Kota (no Kota event announces this status).',
      on: {
        'employer.updated': { description: "The employer's data changed." },
        'employer.offboarded': { target: 'offboarding', description: 'A restricted employer is leaving.' },
      },
    },
    offboarding: {
      description: 'Leaving; benefits end on `offboard_on`.',
      on: {
        'employer.updated': { description: "The employer's data changed (e.g. its offboarding date)." },
        'employer.offboarded': { target: 'offboarding', description: 'The offboarding re-announced.' },
      },
    },
    inactive: {
      description: 'Gone (no Kota event announces this status).',
      on: {
        'employer.updated': { description: "A former employer's data changed." },
      },
    },
  },
});
