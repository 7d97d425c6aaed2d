import { setup } from 'xstate';
import { intended, reasons } from '../intended.js';

/**
 * The Kota v2 `dependents_management_intent.*` event types, verbatim: one per status Kota announces.
 *
 * @example
 * ```ts
 * const event: DependentsManagementIntentMachineEvent = { type: 'dependents_management_intent.completed' };
 * ```
 */
export type DependentsManagementIntentMachineEvent =
  | { type: 'dependents_management_intent.action_required' }
  | { type: 'dependents_management_intent.completed' }
  | { type: 'dependents_management_intent.not_undertaken' };

/**
 * Adding or changing an employee's dependants (`dmi_…`), a step inside an enrolment or policy amendment
 * intent (`parent_intent_id`, `parent_intent_type`). Each `dependents_management_intent.<status>` event moves
 * it to `<status>`. It exists to collect dependants from the employee, so it starts `action_required`, and
 * ends `completed` or `not_undertaken`.
 *
 * The status enum also has `processing`, but Kota sends no event for it: the state is kept (with the exits
 * Kota's events have from it) for hosts that place a resource by its fetched status, and nothing reaches it
 * through events.
 *
 * Terminal states (`final`): `completed` (the dependants are recorded; a later change is a new intent, under a
 * new parent) and `not_undertaken` (the employee skipped it).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(dependentsManagementIntentMachine);
 * getNextSnapshot(dependentsManagementIntentMachine, start, { type: 'dependents_management_intent.completed' })
 *   .value; // 'completed'
 * ```
 */
export const dependentsManagementIntentMachine = setup({
  types: { events: {} as DependentsManagementIntentMachineEvent },
}).createMachine({
  id: 'dependents_management_intent',
  meta: intended({ kind: 'unreachable_state', subject: 'processing', reason: reasons.noEventAnnounces }),
  description: 'Kota dependents management intent (dmi_…)',
  initial: 'action_required',
  states: {
    action_required: {
      description: 'The employee must declare or change dependants.',
      on: {
        'dependents_management_intent.action_required': {
          target: 'action_required',
          description: 'It can recur (e.g. a dependant needs more details).',
        },
        'dependents_management_intent.completed': {
          target: 'completed',
          description: 'Dependants recorded.',
        },
        'dependents_management_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'The employee skipped it.',
        },
      },
    },
    processing: {
      description: 'Kota is recording the dependants (no Kota event announces this status).',
      on: {
        'dependents_management_intent.action_required': {
          target: 'action_required',
          description: 'More is needed from the employee.',
        },
        'dependents_management_intent.completed': {
          target: 'completed',
          description: 'Dependants recorded.',
        },
        'dependents_management_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'It could not be done.',
        },
      },
    },
    completed: { type: 'final', description: 'Terminal: the dependants are recorded.' },
    not_undertaken: { type: 'final', description: 'Terminal: the employee skipped it.' },
  },
});
