import { setup } from 'xstate';

/**
 * The Kota `employer.health_insurance.quote.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: EmployerQuoteMachineEvent = { type: 'employer.health_insurance.quote.accepted' };
 * ```
 */
export type EmployerQuoteMachineEvent =
  | { type: 'employer.health_insurance.quote.created' }
  | { type: 'employer.health_insurance.quote.pending_quote' }
  | { type: 'employer.health_insurance.quote.action_required' }
  | { type: 'employer.health_insurance.quote.pending_insurer_acceptance' }
  | { type: 'employer.health_insurance.quote.accepted' }
  | { type: 'employer.health_insurance.quote.not_undertaken' };

/**
 * An employer's health insurance quote (`erhq_…`). Kota creates it `pending_quote` (the v1 `created` payload
 * says so); it may need the employer to act (`action_required`, which can recur), goes to the insurer
 * (`pending_insurer_acceptance`) and ends `accepted` or `not_undertaken`.
 *
 * Terminal states: `accepted` (the insurer took the scheme on; employee offers and policies carry on from
 * here, under their own ids) and `not_undertaken` (the employer did not go ahead; a new attempt is a new
 * quote). Kota has no event that moves a quote out of either. A non-final status re-announced (the same
 * status again, e.g. a second `action_required` with another `required_action`) is allowed and keeps the state.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(employerQuoteMachine);
 * getNextSnapshot(employerQuoteMachine, start, { type: 'employer.health_insurance.quote.action_required' })
 *   .value; // 'action_required'
 * ```
 */
export const employerQuoteMachine = setup({
  types: { events: {} as EmployerQuoteMachineEvent },
}).createMachine({
  id: 'employer_quote',
  description: 'Kota employer health insurance quote (erhq_…)',
  initial: 'pending_quote',
  states: {
    pending_quote: {
      description: 'The quote is being prepared or waits for the employer to accept it.',
      on: {
        'employer.health_insurance.quote.created': {
          target: 'pending_quote',
          description: 'Kota created the quote; a new quote is pending.',
        },
        'employer.health_insurance.quote.pending_quote': {
          target: 'pending_quote',
          description: 'The pending status re-announced.',
        },
        'employer.health_insurance.quote.action_required': {
          target: 'action_required',
          description: 'Kota needs information from the employer before it can go on.',
        },
        'employer.health_insurance.quote.pending_insurer_acceptance': {
          target: 'pending_insurer_acceptance',
          description: 'The employer accepted; the insurer has to accept the scheme.',
        },
        'employer.health_insurance.quote.accepted': {
          target: 'accepted',
          description: 'Accepted at once, without a separate insurer step being announced.',
        },
        'employer.health_insurance.quote.not_undertaken': {
          target: 'not_undertaken',
          description: 'The employer declined the quote or let it lapse.',
        },
      },
    },
    action_required: {
      description: 'The employer must act (see `required_action` in v1 data) before the quote can go on.',
      on: {
        'employer.health_insurance.quote.action_required': {
          target: 'action_required',
          description: 'Another (or a changed) required action; it can recur.',
        },
        'employer.health_insurance.quote.pending_quote': {
          target: 'pending_quote',
          description: 'The action was done; the quote is pending again.',
        },
        'employer.health_insurance.quote.pending_insurer_acceptance': {
          target: 'pending_insurer_acceptance',
          description: 'The action was done and the quote went to the insurer.',
        },
        'employer.health_insurance.quote.not_undertaken': {
          target: 'not_undertaken',
          description: 'The action was never done, or the employer withdrew.',
        },
      },
    },
    pending_insurer_acceptance: {
      description: 'The employer accepted; the insurer has not yet accepted the scheme.',
      on: {
        'employer.health_insurance.quote.pending_insurer_acceptance': {
          target: 'pending_insurer_acceptance',
          description: 'The same status re-announced.',
        },
        'employer.health_insurance.quote.action_required': {
          target: 'action_required',
          description: 'The insurer asked for more information.',
        },
        'employer.health_insurance.quote.accepted': {
          target: 'accepted',
          description: 'The insurer accepted the scheme.',
        },
        'employer.health_insurance.quote.not_undertaken': {
          target: 'not_undertaken',
          description: 'The insurer declined, or the employer withdrew.',
        },
      },
    },
    accepted: {
      type: 'final',
      description: 'Terminal: the scheme is accepted; offers and policies follow under their own ids.',
    },
    not_undertaken: {
      type: 'final',
      description: 'Terminal: the quote was not taken up; a new attempt is a new quote.',
    },
  },
});
