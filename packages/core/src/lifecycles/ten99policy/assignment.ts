import { setup } from 'xstate';

/**
 * The 1099Policy `assignment.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: AssignmentMachineEvent = { type: 'assignment.cancelled' };
 * ```
 */
export type AssignmentMachineEvent = { type: 'assignment.active' } | { type: 'assignment.cancelled' };

/**
 * A 1099Policy assignment (`an_…`): a contractor's cover for one job under a policy. The provider documents no
 * status field; the events imply two. `assignment.active` is sent once the card charge succeeds, which is the
 * first thing the provider reports, so an assignment starts `active`.
 *
 * Terminal state: `cancelled`. The API can cancel an assignment (`POST /assignments/cancel`, only before its
 * start date) but has no way to restore one and no event that would report it; cover for the job again is a new
 * assignment with a new id. A newer `assignment.active` on a cancelled assignment is therefore a violation; the
 * default reconcile policy still follows the provider back to `active` (the activation's explicit target), the
 * strict one rejects it.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(assignmentMachine);
 * getNextSnapshot(assignmentMachine, start, { type: 'assignment.cancelled' }).value; // 'cancelled'
 * ```
 */
export const assignmentMachine = setup({
  types: { events: {} as AssignmentMachineEvent },
}).createMachine({
  id: 'assignment',
  description: '1099Policy assignment (an_…)',
  initial: 'active',
  states: {
    active: {
      description: 'The contractor is covered for the job.',
      on: {
        'assignment.active': {
          target: 'active',
          description: 'The activation event itself: sent once the card charge succeeds.',
        },
        'assignment.cancelled': {
          target: 'cancelled',
          description: 'The platform cancelled the assignment before its start date.',
        },
      },
    },
    cancelled: {
      type: 'final',
      description: 'Cancelled for good: no API call or event restores an assignment.',
    },
  },
});
