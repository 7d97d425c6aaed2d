import { setup } from 'xstate';

/**
 * The Kota v2 `enrolment_intent.*` event types, verbatim: one per status.
 *
 * @example
 * ```ts
 * const event: EnrolmentIntentMachineEvent = { type: 'enrolment_intent.enrolled' };
 * ```
 */
export type EnrolmentIntentMachineEvent =
  | { type: 'enrolment_intent.processing' }
  | { type: 'enrolment_intent.scheduled' }
  | { type: 'enrolment_intent.action_required' }
  | { type: 'enrolment_intent.addon_selection_required' }
  | { type: 'enrolment_intent.pending_confirmation' }
  | { type: 'enrolment_intent.enrolling' }
  | { type: 'enrolment_intent.enrolled' }
  | { type: 'enrolment_intent.not_undertaken' }
  | { type: 'enrolment_intent.ineligible' };

/**
 * An employee's enrolment into a group's cover (`ei_…`). Intent events mirror the intent's status one for one,
 * so each `enrolment_intent.<status>` event moves the intent to `<status>`, from the statuses it can follow.
 * Kota starts an intent `processing` (checking eligibility and what it needs). From there it may wait for the
 * enrolment date (`scheduled`), ask the employee for information (`action_required`, which can recur) or
 * add-ons (`addon_selection_required`), ask for confirmation (`pending_confirmation`), submit to the insurer
 * (`enrolling`) and finish `enrolled`. Each waiting status returns to `processing` once answered. Any open
 * status can end `not_undertaken` (the employee opted out or missed the deadline) or `ineligible`.
 *
 * Terminal states (`final`): `enrolled` (done: cover continues as a policy, `p_…`) and `not_undertaken` (the
 * employee did not enrol; a later enrolment is a new intent). `ineligible` is NOT final: eligibility is
 * recomputed as the employee's data and group change (Kota sends `group.employee.eligible` for that), and the
 * intent can then be processed again (`ineligible → processing`).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(enrolmentIntentMachine);
 * getNextSnapshot(enrolmentIntentMachine, start, { type: 'enrolment_intent.pending_confirmation' }).value;
 * // 'pending_confirmation'
 * ```
 */
export const enrolmentIntentMachine = setup({
  types: { events: {} as EnrolmentIntentMachineEvent },
}).createMachine({
  id: 'enrolment_intent',
  description: 'Kota enrolment intent (ei_…)',
  initial: 'processing',
  states: {
    processing: {
      description: 'Kota is working on the enrolment.',
      on: {
        'enrolment_intent.processing': { target: 'processing', description: 'Re-announced.' },
        'enrolment_intent.scheduled': {
          target: 'scheduled',
          description: 'Enrolment waits for its start date.',
        },
        'enrolment_intent.action_required': {
          target: 'action_required',
          description: 'Information is missing.',
        },
        'enrolment_intent.addon_selection_required': {
          target: 'addon_selection_required',
          description: 'The employee must pick add-ons.',
        },
        'enrolment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'Ready; the employee must confirm.',
        },
        'enrolment_intent.enrolling': { target: 'enrolling', description: 'Submitted to the insurer.' },
        'enrolment_intent.enrolled': { target: 'enrolled', description: 'Enrolled without a separate step.' },
        'enrolment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'The employee opted out.',
        },
        'enrolment_intent.ineligible': { target: 'ineligible', description: 'The employee is not eligible.' },
      },
    },
    scheduled: {
      description: 'Waiting for the enrolment date.',
      on: {
        'enrolment_intent.scheduled': { target: 'scheduled', description: 'Re-announced.' },
        'enrolment_intent.processing': { target: 'processing', description: 'The date came; work resumes.' },
        'enrolment_intent.action_required': {
          target: 'action_required',
          description: 'Information is missing.',
        },
        'enrolment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'The date came; the employee must confirm.',
        },
        'enrolment_intent.enrolling': { target: 'enrolling', description: 'The date came; submitted.' },
        'enrolment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'The employee opted out.',
        },
        'enrolment_intent.ineligible': {
          target: 'ineligible',
          description: 'Eligibility was lost meanwhile.',
        },
      },
    },
    action_required: {
      description: 'The employee (or platform) must supply information.',
      on: {
        'enrolment_intent.action_required': { target: 'action_required', description: 'It can recur.' },
        'enrolment_intent.processing': { target: 'processing', description: 'The information arrived.' },
        'enrolment_intent.addon_selection_required': {
          target: 'addon_selection_required',
          description: 'Next, add-ons must be picked.',
        },
        'enrolment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'Next, the employee must confirm.',
        },
        'enrolment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'Never supplied in time.',
        },
        'enrolment_intent.ineligible': {
          target: 'ineligible',
          description: 'The information showed ineligibility.',
        },
      },
    },
    addon_selection_required: {
      description: 'The employee must choose add-ons.',
      on: {
        'enrolment_intent.addon_selection_required': {
          target: 'addon_selection_required',
          description: 'Re-announced.',
        },
        'enrolment_intent.processing': { target: 'processing', description: 'Add-ons chosen.' },
        'enrolment_intent.action_required': {
          target: 'action_required',
          description: 'Information is missing.',
        },
        'enrolment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'Add-ons chosen; confirm next.',
        },
        'enrolment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'The employee opted out.',
        },
        'enrolment_intent.ineligible': { target: 'ineligible', description: 'The employee is not eligible.' },
      },
    },
    pending_confirmation: {
      description: 'The employee must confirm the enrolment.',
      on: {
        'enrolment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'Re-announced.',
        },
        'enrolment_intent.processing': { target: 'processing', description: 'Confirmed; work resumes.' },
        'enrolment_intent.scheduled': { target: 'scheduled', description: 'Confirmed; waits for its date.' },
        'enrolment_intent.action_required': {
          target: 'action_required',
          description: 'Information is missing.',
        },
        'enrolment_intent.enrolling': { target: 'enrolling', description: 'Confirmed and submitted.' },
        'enrolment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'The employee declined.',
        },
        'enrolment_intent.ineligible': { target: 'ineligible', description: 'The employee is not eligible.' },
      },
    },
    enrolling: {
      description: 'Submitted to the insurer.',
      on: {
        'enrolment_intent.enrolling': { target: 'enrolling', description: 'Re-announced.' },
        'enrolment_intent.enrolled': {
          target: 'enrolled',
          description: 'The insurer enrolled the employee.',
        },
        'enrolment_intent.action_required': {
          target: 'action_required',
          description: 'The insurer wants more.',
        },
        'enrolment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'Withdrawn during enrolment.',
        },
        'enrolment_intent.ineligible': {
          target: 'ineligible',
          description: 'The insurer found ineligibility.',
        },
      },
    },
    ineligible: {
      description: 'Not eligible now; eligibility can change.',
      on: {
        'enrolment_intent.ineligible': { target: 'ineligible', description: 'Re-announced.' },
        'enrolment_intent.processing': { target: 'processing', description: 'Eligibility re-assessed.' },
      },
    },
    enrolled: { type: 'final', description: 'Terminal: enrolled; cover continues as a policy.' },
    not_undertaken: {
      type: 'final',
      description: 'Terminal: not enrolled; a later attempt is a new intent.',
    },
  },
});
