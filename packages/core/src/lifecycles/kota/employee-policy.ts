import { setup } from 'xstate';
import { intended, orderDependent } from '../intended.js';

/**
 * The Kota `employee.health_insurance.policy.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: EmployeePolicyMachineEvent = { type: 'employee.health_insurance.policy.activated' };
 * ```
 */
export type EmployeePolicyMachineEvent =
  | { type: 'employee.health_insurance.policy.activated' }
  | { type: 'employee.health_insurance.policy.cancelled' }
  | { type: 'employee.health_insurance.policy.expired' }
  | { type: 'employee.health_insurance.policy.imported' };

/**
 * An employee's health insurance policy (`eehp_…`): `scheduled → active → expired | cancelled`, and
 * `scheduled → cancelled` when cover is called off before it starts.
 *
 * `imported` (v2 only) says the policy came in through a policy import, not which status it has (the v2 data is
 * ids only), so it changes no state: it is allowed while the policy is `scheduled` or `active`.
 *
 * Renewal: v1 data carries `renewal.status` (`upcoming, open, renewed, cancelled`), but Kota sends no renewal
 * event for this resource, so the machine stays flat; rules can read `data.renewal` from v1 events. A
 * renewal produces a new policy (`renewal.renewed_health_insurance_id`), so it is not a state of this one.
 *
 * Terminal states: `expired` (the term ended; renewal continues under a new id) and `cancelled` (Kota has no
 * reinstatement event). `scheduled → expired` is not allowed: a policy that never started cannot run out,
 * so such an event means an activation was missed and is worth a violation.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(employeePolicyMachine);
 * getNextSnapshot(employeePolicyMachine, start, { type: 'employee.health_insurance.policy.activated' })
 *   .value; // 'active'
 * ```
 */
export const employeePolicyMachine = setup({
  types: { events: {} as EmployeePolicyMachineEvent },
}).createMachine({
  id: 'employee_policy',
  meta: intended(orderDependent),
  description: 'Kota employee health insurance policy (eehp_…)',
  initial: 'scheduled',
  states: {
    scheduled: {
      description: 'Enrolled; cover starts on `start_date`.',
      on: {
        'employee.health_insurance.policy.activated': {
          target: 'active',
          description: 'Cover started.',
        },
        'employee.health_insurance.policy.cancelled': {
          target: 'cancelled',
          description: 'Cover was called off before it started.',
        },
        'employee.health_insurance.policy.imported': {
          description: 'The policy was created by an import; its status comes with the next event.',
        },
      },
    },
    active: {
      description: 'Cover is in force.',
      on: {
        'employee.health_insurance.policy.activated': {
          target: 'active',
          description: 'The activation re-announced.',
        },
        'employee.health_insurance.policy.cancelled': {
          target: 'cancelled',
          description: 'Cover ended early (employee left, opted out, or the scheme ended).',
        },
        'employee.health_insurance.policy.expired': {
          target: 'expired',
          description: 'The term reached `end_date`.',
        },
        'employee.health_insurance.policy.imported': {
          description: 'An imported policy that is already in force.',
        },
      },
    },
    expired: {
      type: 'final',
      description: 'Terminal: the term ended; a renewal is a new policy.',
    },
    cancelled: {
      type: 'final',
      description: 'Terminal: cover was cancelled; Kota has no reinstatement event.',
    },
  },
});
