import { setup } from 'xstate';

/**
 * The Kota v2 `policy_amendment_intent.*` event types, verbatim: one per status.
 *
 * @example
 * ```ts
 * const event: PolicyAmendmentIntentMachineEvent = { type: 'policy_amendment_intent.amended' };
 * ```
 */
export type PolicyAmendmentIntentMachineEvent =
  | { type: 'policy_amendment_intent.action_required' }
  | { type: 'policy_amendment_intent.awaiting_quote' }
  | { type: 'policy_amendment_intent.pending_confirmation' }
  | { type: 'policy_amendment_intent.processing' }
  | { type: 'policy_amendment_intent.amended' }
  | { type: 'policy_amendment_intent.processing_error' }
  | { type: 'policy_amendment_intent.not_undertaken' };

/**
 * A change to an employee's policy (`pai_…`, e.g. coverage level or dependants). Each
 * `policy_amendment_intent.<status>` event moves the intent to `<status>`. The intent starts
 * `action_required` (the employee states the change), may wait for the insurer's price (`awaiting_quote`),
 * asks for confirmation (`pending_confirmation`), then Kota applies it (`processing`) and it ends `amended`.
 * `processing_error` is a failed attempt that Kota (or the employee, via `action_required`) can retry.
 *
 * Terminal states (`final`): `amended` (the policy was changed; a further change is a new intent) and
 * `not_undertaken` (abandoned or declined). `processing_error` is NOT final: the attempt can be retried.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(policyAmendmentIntentMachine);
 * getNextSnapshot(policyAmendmentIntentMachine, start, { type: 'policy_amendment_intent.awaiting_quote' })
 *   .value; // 'awaiting_quote'
 * ```
 */
export const policyAmendmentIntentMachine = setup({
  types: { events: {} as PolicyAmendmentIntentMachineEvent },
}).createMachine({
  id: 'policy_amendment_intent',
  description: 'Kota policy amendment intent (pai_…)',
  initial: 'action_required',
  states: {
    action_required: {
      description: 'The employee (or platform) must state or complete the change.',
      on: {
        'policy_amendment_intent.action_required': {
          target: 'action_required',
          description: 'It can recur.',
        },
        'policy_amendment_intent.awaiting_quote': {
          target: 'awaiting_quote',
          description: 'The change needs a new price.',
        },
        'policy_amendment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'Priced already; confirm next.',
        },
        'policy_amendment_intent.processing': {
          target: 'processing',
          description: 'A change that needs no confirmation is applied.',
        },
        'policy_amendment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'Abandoned before it was stated.',
        },
      },
    },
    awaiting_quote: {
      description: 'Waiting for the insurer to price the change.',
      on: {
        'policy_amendment_intent.awaiting_quote': { target: 'awaiting_quote', description: 'Re-announced.' },
        'policy_amendment_intent.action_required': {
          target: 'action_required',
          description: 'The insurer needs more information.',
        },
        'policy_amendment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'Priced; the employee must confirm.',
        },
        'policy_amendment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'The change could not be priced, or was withdrawn.',
        },
      },
    },
    pending_confirmation: {
      description: 'The employee must confirm the priced change.',
      on: {
        'policy_amendment_intent.pending_confirmation': {
          target: 'pending_confirmation',
          description: 'Re-announced.',
        },
        'policy_amendment_intent.processing': { target: 'processing', description: 'Confirmed.' },
        'policy_amendment_intent.action_required': {
          target: 'action_required',
          description: 'The employee went back to change the request.',
        },
        'policy_amendment_intent.awaiting_quote': {
          target: 'awaiting_quote',
          description: 'The request changed and needs a new price.',
        },
        'policy_amendment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'Declined or not confirmed in time.',
        },
      },
    },
    processing: {
      description: 'Kota is applying the change to the policy.',
      on: {
        'policy_amendment_intent.processing': { target: 'processing', description: 'Re-announced.' },
        'policy_amendment_intent.amended': { target: 'amended', description: 'The policy was changed.' },
        'policy_amendment_intent.processing_error': {
          target: 'processing_error',
          description: 'Applying the change failed.',
        },
        'policy_amendment_intent.action_required': {
          target: 'action_required',
          description: 'Applying the change needs more information.',
        },
      },
    },
    processing_error: {
      description: 'Applying the change failed; it can be retried.',
      on: {
        'policy_amendment_intent.processing_error': {
          target: 'processing_error',
          description: 'Re-announced.',
        },
        'policy_amendment_intent.processing': { target: 'processing', description: 'Retried.' },
        'policy_amendment_intent.action_required': {
          target: 'action_required',
          description: 'The fix needs the employee.',
        },
        'policy_amendment_intent.not_undertaken': {
          target: 'not_undertaken',
          description: 'Given up after the error.',
        },
      },
    },
    amended: { type: 'final', description: 'Terminal: the policy was changed.' },
    not_undertaken: { type: 'final', description: 'Terminal: the change was abandoned or declined.' },
  },
});
