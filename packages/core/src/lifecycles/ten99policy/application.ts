import { setup } from 'xstate';

/**
 * The 1099Policy `application.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: ApplicationMachineEvent = { type: 'application.started' };
 * ```
 */
export type ApplicationMachineEvent =
  | { type: 'application.created' }
  | { type: 'application.started' }
  | { type: 'application.complete' }
  | { type: 'application.expired' }
  | { type: 'application.ineligible' }
  | { type: 'application.manual_review' }
  | { type: 'application.manual_review_approved' };

/**
 * A 1099Policy insurance application session (`ias_…`). The session has no status field (only `step` and
 * `expired`), so the states are named after the events that report each outcome.
 *
 * Happy path: `created → started → complete`. Underwriting may divert it:
 * `started → manual_review → manual_review_approved → complete`, or `→ ineligible` when the review (or the
 * automatic eligibility check) turns the contractor down. A session that is not complete can lapse: `→ expired`.
 *
 * Terminal states (`type: 'final'`):
 * - `complete`: the provider refuses any further use of a finished session (`application_already_complete`);
 *   a new application needs a new session id.
 * - `expired`: an expired session cannot be reopened (`session_expired`); the platform creates a new session.
 *
 * Not terminal: `ineligible` (the session's link can still lapse, which the provider reports as
 * `application.expired`) and `manual_review_approved` (the contractor still completes the purchase, or lets the
 * session lapse).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(applicationMachine);
 * getNextSnapshot(applicationMachine, start, { type: 'application.started' }).value; // 'started'
 * ```
 */
export const applicationMachine = setup({
  types: { events: {} as ApplicationMachineEvent },
}).createMachine({
  id: 'application',
  description: '1099Policy insurance application session (ias_…)',
  initial: 'created',
  states: {
    created: {
      description: 'The platform created the session; the contractor has not opened it yet.',
      on: {
        'application.created': {
          target: 'created',
          description: 'The creation event itself: a new session starts here.',
        },
        'application.started': { target: 'started', description: 'The contractor opened the application.' },
        'application.expired': {
          target: 'expired',
          description: 'The session lapsed (or was expired via the API) before it was opened.',
        },
      },
    },
    started: {
      description: 'The contractor is answering the application.',
      on: {
        'application.complete': {
          target: 'complete',
          description: 'The contractor finished and paid; the policy is bound.',
        },
        'application.manual_review': {
          target: 'manual_review',
          description: 'The answers need an underwriter before cover can be offered.',
        },
        'application.ineligible': {
          target: 'ineligible',
          description: 'The eligibility check turned the contractor down.',
        },
        'application.expired': { target: 'expired', description: 'The session lapsed mid-application.' },
      },
    },
    manual_review: {
      description: 'An underwriter is reviewing the application.',
      on: {
        'application.manual_review_approved': {
          target: 'manual_review_approved',
          description: 'The underwriter approved the application.',
        },
        'application.ineligible': {
          target: 'ineligible',
          description: 'The underwriter declined: there is no separate "review denied" event.',
        },
        'application.expired': { target: 'expired', description: 'The session lapsed during the review.' },
      },
    },
    manual_review_approved: {
      description: 'Approved after review; the contractor can finish the purchase.',
      on: {
        'application.complete': {
          target: 'complete',
          description: 'The contractor finished the approved application.',
        },
        'application.expired': {
          target: 'expired',
          description: 'The contractor never finished the approved application.',
        },
      },
    },
    ineligible: {
      description: 'The contractor is not eligible for this quote.',
      on: {
        'application.expired': {
          target: 'expired',
          description: 'The session link still lapses after an ineligible outcome.',
        },
      },
    },
    complete: {
      type: 'final',
      description: 'Finished: the provider rejects further use (application_already_complete).',
    },
    expired: {
      type: 'final',
      description: 'Lapsed: the provider rejects further use (session_expired); a new session is needed.',
    },
  },
});
