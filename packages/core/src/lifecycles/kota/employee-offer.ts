import { setup } from 'xstate';
import { intended } from '../intended.js';

/**
 * The Kota `employee.health_insurance.offer.*` event types, verbatim (Kota sends only one).
 *
 * @example
 * ```ts
 * const event: EmployeeOfferMachineEvent = { type: 'employee.health_insurance.offer.action_required' };
 * ```
 */
export type EmployeeOfferMachineEvent = { type: 'employee.health_insurance.offer.action_required' };

/**
 * An employee's health insurance offer (`eeho_…`). An offer exists to be answered, so it starts
 * `action_required`; Kota's only offer event re-announces that status (a new or changed `required_action`).
 *
 * Terminal states: `accepted` and `not_undertaken` (the employee answered the offer; cover goes on as an
 * employee policy). Kota sends no event for either, so nothing in the catalog reaches them: they are here
 * because they are the rest of the status enum, and a host that reads an offer's status from the API can
 * place a resource in them (`machine.resolveState`).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(employeeOfferMachine);
 * getNextSnapshot(employeeOfferMachine, start, { type: 'employee.health_insurance.offer.action_required' })
 *   .value; // 'action_required'
 * ```
 */
export const employeeOfferMachine = setup({
  types: { events: {} as EmployeeOfferMachineEvent },
}).createMachine({
  id: 'employee_offer',
  meta: intended(
    {
      kind: 'unreachable_state',
      subject: 'accepted',
      reason: 'no Kota event announces acceptance (read it from the API)',
    },
    {
      kind: 'unreachable_state',
      subject: 'not_undertaken',
      reason: 'no Kota event announces a declined offer',
    },
    {
      kind: 'dead_end',
      subject: 'action_required',
      reason: 'the only offer event is action_required; the end states are not announced',
    },
  ),
  description: 'Kota employee health insurance offer (eeho_…)',
  initial: 'action_required',
  states: {
    action_required: {
      description: 'The employee has to answer the offer (or supply what `required_action` asks for).',
      on: {
        'employee.health_insurance.offer.action_required': {
          target: 'action_required',
          description: 'A new or changed required action; it can recur.',
        },
      },
    },
    accepted: {
      type: 'final',
      description: 'Terminal: the employee accepted; no Kota event announces it.',
    },
    not_undertaken: {
      type: 'final',
      description: 'Terminal: the employee declined or let the offer lapse; no Kota event announces it.',
    },
  },
});
