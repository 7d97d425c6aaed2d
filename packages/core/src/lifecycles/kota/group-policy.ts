import { setup } from 'xstate';
import { intended, orderDependent } from '../intended.js';

/**
 * The Kota v2 `group_policy.*` event types, verbatim (`group_policy.renewal.canceled` keeps Kota's US spelling).
 *
 * @example
 * ```ts
 * const event: GroupPolicyMachineEvent = { type: 'group_policy.renewal.renewed' };
 * ```
 */
export type GroupPolicyMachineEvent =
  | { type: 'group_policy.scheduled' }
  | { type: 'group_policy.active' }
  | { type: 'group_policy.expired' }
  | { type: 'group_policy.cancelled' }
  | { type: 'group_policy.updated' }
  | { type: 'group_policy.renewal.opened' }
  | { type: 'group_policy.renewal.renewed' }
  | { type: 'group_policy.renewal.canceled' };

/**
 * A group's (employer scheme's) policy (`gp_…`, v2 events). Same shape as the employee `policy` machine, for
 * the same reason: status and renewal are separate event families that interleave, so they are two regions.
 *
 * - `status`: `scheduled → active → expired | cancelled`, and `scheduled → cancelled`. Terminal (`final`):
 *   `expired` and `cancelled`; Kota has no event that brings a group policy back (a new scheme is a new
 *   group policy, made through a group policy intent).
 * - `renewal`: `none → opened → renewed | canceled`, with `renewed ⇄ canceled` while the decision can still
 *   change, a new window opening after either (the next term), and `none → canceled` when the renewal is called
 *   off early. No final state: no renewal outcome stops a later window from opening.
 *
 * `group_policy.updated` (data changed, ids only) changes no state; it is handled at the root, in every state.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(groupPolicyMachine);
 * getNextSnapshot(groupPolicyMachine, start, { type: 'group_policy.renewal.opened' }).value;
 * // { status: 'scheduled', renewal: 'opened' }
 * ```
 */
export const groupPolicyMachine = setup({
  types: { events: {} as GroupPolicyMachineEvent },
}).createMachine({
  id: 'group_policy',
  meta: intended(orderDependent),
  description: 'Kota group policy (gp_…): status and renewal in parallel',
  type: 'parallel',
  on: {
    'group_policy.updated': { description: "The group policy's data changed; its status did not." },
  },
  states: {
    status: {
      initial: 'scheduled',
      states: {
        scheduled: {
          description: 'The scheme is set up; cover starts on the start date.',
          on: {
            'group_policy.scheduled': {
              target: 'scheduled',
              description: 'The scheduled status re-announced.',
            },
            'group_policy.active': { target: 'active', description: 'The scheme started.' },
            'group_policy.cancelled': {
              target: 'cancelled',
              description: 'The scheme was called off before it started.',
            },
          },
        },
        active: {
          description: 'The scheme is in force.',
          on: {
            'group_policy.active': { target: 'active', description: 'The activation re-announced.' },
            'group_policy.expired': { target: 'expired', description: 'The term ended without a renewal.' },
            'group_policy.cancelled': { target: 'cancelled', description: 'The scheme ended early.' },
          },
        },
        expired: { type: 'final', description: 'Terminal: the term ended.' },
        cancelled: {
          type: 'final',
          description: 'Terminal: the scheme was cancelled; there is no reinstatement event.',
        },
      },
    },
    renewal: {
      initial: 'none',
      states: {
        none: {
          description: 'No renewal window has opened for the current term.',
          on: {
            'group_policy.renewal.opened': { target: 'opened', description: 'The renewal window opened.' },
            'group_policy.renewal.canceled': {
              target: 'canceled',
              description: 'The renewal was called off before its window opened.',
            },
          },
        },
        opened: {
          description: 'The renewal window is open; the decision is pending.',
          on: {
            'group_policy.renewal.opened': { target: 'opened', description: 'The open window re-announced.' },
            'group_policy.renewal.renewed': { target: 'renewed', description: 'The scheme was renewed.' },
            'group_policy.renewal.canceled': {
              target: 'canceled',
              description: 'The scheme will not renew.',
            },
          },
        },
        renewed: {
          description: 'Renewed for the next term.',
          on: {
            'group_policy.renewal.renewed': { target: 'renewed', description: 'The renewal re-announced.' },
            'group_policy.renewal.canceled': {
              target: 'canceled',
              description: 'The renewal was reversed before the renewal date.',
            },
            'group_policy.renewal.opened': {
              target: 'opened',
              description: "The next term's renewal window opened.",
            },
          },
        },
        canceled: {
          description: 'The scheme will not renew (Kota spells this event `canceled`).',
          on: {
            'group_policy.renewal.canceled': {
              target: 'canceled',
              description: 'The cancellation re-announced.',
            },
            'group_policy.renewal.renewed': {
              target: 'renewed',
              description: 'The decision was reversed within the window.',
            },
            'group_policy.renewal.opened': { target: 'opened', description: 'A renewal window (re)opened.' },
          },
        },
      },
    },
  },
});
