import { setup } from 'xstate';
import { intended, orderDependent, reasons } from '../intended.js';

/**
 * The Kota `employee.*` record event types, verbatim (offer and policy events have their own lifecycles).
 *
 * @example
 * ```ts
 * const event: EmployeeMachineEvent = { type: 'employee.offboarded' };
 * ```
 */
export type EmployeeMachineEvent =
  | { type: 'employee.created' }
  | { type: 'employee.updated' }
  | { type: 'employee.offboarded' };

/**
 * An employee (`ee_…`). States are Kota's status enum: `pending, active, offboarding, inactive, restricted`.
 * Kota creates employees `active` (the v1 `employee.created` payload says so: an employee is added once
 * employed), unlike employers, which start `pending`.
 *
 * Kota's events cover only part of this lifecycle: `created` (→ `active`), `updated` (any change, status
 * included, but the event type does not say which: targetless) and `offboarded` (→ `offboarding`). No event
 * announces `pending`, `restricted` or `inactive`; v1 events carry the real `status` in their data for rules to
 * read. Those states are kept, with the transitions Kota's events have from them, for hosts that place a
 * resource by its fetched status (`machine.resolveState`).
 *
 * Terminal states: none. An employee record outlives offboarding and can still be updated, and no event
 * rules out a rehire.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(employeeMachine);
 * getNextSnapshot(employeeMachine, start, { type: 'employee.offboarded' }).value; // 'offboarding'
 * ```
 */
export const employeeMachine = setup({
  types: { events: {} as EmployeeMachineEvent },
}).createMachine({
  id: 'employee',
  meta: intended(
    { kind: 'unreachable_state', subject: 'pending', reason: reasons.noEventAnnounces },
    { kind: 'unreachable_state', subject: 'restricted', reason: reasons.noEventAnnounces },
    { kind: 'unreachable_state', subject: 'inactive', reason: reasons.noEventAnnounces },
    { kind: 'dead_end', subject: 'offboarding', reason: reasons.noExit },
    orderDependent,
  ),
  description: 'Kota employee (ee_…)',
  initial: 'active',
  states: {
    pending: {
      description: 'Not yet active (no Kota event announces this status).',
      on: {
        'employee.updated': { description: "The employee's data changed." },
        'employee.offboarded': { target: 'offboarding', description: 'Offboarded before becoming active.' },
      },
    },
    active: {
      description: 'Employed and on the platform.',
      on: {
        'employee.created': { target: 'active', description: 'Kota created the employee; it starts active.' },
        'employee.updated': { description: "The employee's data (possibly its status) changed." },
        'employee.offboarded': { target: 'offboarding', description: 'The employee is leaving.' },
      },
    },
    restricted: {
      description: 'Restricted by Kota (no Kota event announces this status).',
      on: {
        'employee.updated': { description: "The employee's data changed." },
        'employee.offboarded': { target: 'offboarding', description: 'A restricted employee is leaving.' },
      },
    },
    offboarding: {
      description: 'Leaving; benefits end on `offboard_on`.',
      on: {
        'employee.updated': { description: "The employee's data changed (e.g. the offboarding date)." },
        'employee.offboarded': { target: 'offboarding', description: 'The offboarding re-announced.' },
      },
    },
    inactive: {
      description: 'Gone (no Kota event announces this status).',
      on: {
        'employee.updated': { description: "A former employee's data changed." },
      },
    },
  },
});
