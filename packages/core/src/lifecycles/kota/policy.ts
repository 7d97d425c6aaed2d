import { setup } from 'xstate';
import { intended, orderDependent } from '../intended.js';

/**
 * The Kota v2 `policy.*` event types, verbatim (`policy.renewal.canceled` keeps Kota's US spelling).
 *
 * @example
 * ```ts
 * const event: PolicyMachineEvent = { type: 'policy.renewal.opened' };
 * ```
 */
export type PolicyMachineEvent =
  | { type: 'policy.scheduled' }
  | { type: 'policy.active' }
  | { type: 'policy.imported' }
  | { type: 'policy.expired' }
  | { type: 'policy.cancelled' }
  | { type: 'policy.updated' }
  | { type: 'policy.renewal.opened' }
  | { type: 'policy.renewal.renewed' }
  | { type: 'policy.renewal.canceled' };

/**
 * An employee's policy in a group scheme (`p_…`, v2 events). Two parallel regions, because Kota reports the
 * policy's status and its renewal with separate event families that interleave freely:
 *
 * - `status`: `scheduled → active → expired | cancelled`, and `scheduled → cancelled`. Terminal (`final`):
 *   `expired` and `cancelled`; Kota has no event that brings a policy back. A final status leaves the renewal
 *   region working, so a late renewal event still lands.
 * - `renewal`: `none → opened → renewed | canceled`. The decision can still change until the renewal date
 *   (v1 policies carry `renewal.decision_confirmed`), so `renewed ⇄ canceled` are allowed, and a new window
 *   can open after either (the next term, when the policy id carries over). A renewal can be called off before
 *   its window opens (`none → canceled`), but `renewed` without an opened window means an event was missed.
 *   The region has no final state: no renewal outcome stops a later window from opening.
 *
 * `policy.imported` (the policy came from a policy import) and `policy.updated` (data changed) carry ids only
 * and say nothing about status, so they change no state. `updated` is handled at the root, in every state.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(policyMachine);
 * getNextSnapshot(policyMachine, start, { type: 'policy.active' }).value;
 * // { status: 'active', renewal: 'none' }
 * ```
 */
export const policyMachine = setup({
  types: { events: {} as PolicyMachineEvent },
}).createMachine({
  id: 'policy',
  meta: intended(orderDependent),
  description: 'Kota policy (p_…): status and renewal in parallel',
  type: 'parallel',
  on: {
    'policy.updated': { description: "The policy's data changed; its status did not." },
  },
  states: {
    status: {
      initial: 'scheduled',
      states: {
        scheduled: {
          description: 'Enrolled; cover starts on the start date.',
          on: {
            'policy.scheduled': { target: 'scheduled', description: 'The scheduled status re-announced.' },
            'policy.active': { target: 'active', description: 'Cover started.' },
            'policy.cancelled': {
              target: 'cancelled',
              description: 'Cover was called off before it started.',
            },
            'policy.imported': { description: 'Created by an import; the status comes with the next event.' },
          },
        },
        active: {
          description: 'Cover is in force.',
          on: {
            'policy.active': { target: 'active', description: 'The activation re-announced.' },
            'policy.expired': { target: 'expired', description: 'The term ended without a renewal.' },
            'policy.cancelled': { target: 'cancelled', description: 'Cover ended early.' },
            'policy.imported': { description: 'An imported policy that is already in force.' },
          },
        },
        expired: { type: 'final', description: 'Terminal: the term ended.' },
        cancelled: {
          type: 'final',
          description: 'Terminal: cover was cancelled; there is no reinstatement event.',
        },
      },
    },
    renewal: {
      initial: 'none',
      states: {
        none: {
          description: 'No renewal window has opened for the current term.',
          on: {
            'policy.renewal.opened': { target: 'opened', description: 'The renewal window opened.' },
            'policy.renewal.canceled': {
              target: 'canceled',
              description: 'The renewal was called off before its window opened.',
            },
          },
        },
        opened: {
          description: 'The renewal window is open; the decision is pending.',
          on: {
            'policy.renewal.opened': { target: 'opened', description: 'The open window re-announced.' },
            'policy.renewal.renewed': { target: 'renewed', description: 'The policy was renewed.' },
            'policy.renewal.canceled': { target: 'canceled', description: 'The policy will not renew.' },
          },
        },
        renewed: {
          description: 'Renewed for the next term.',
          on: {
            'policy.renewal.renewed': { target: 'renewed', description: 'The renewal re-announced.' },
            'policy.renewal.canceled': {
              target: 'canceled',
              description: 'The renewal was reversed before the renewal date.',
            },
            'policy.renewal.opened': {
              target: 'opened',
              description: "The next term's renewal window opened.",
            },
          },
        },
        canceled: {
          description: 'The policy will not renew (Kota spells this event `canceled`).',
          on: {
            'policy.renewal.canceled': { target: 'canceled', description: 'The cancellation re-announced.' },
            'policy.renewal.renewed': {
              target: 'renewed',
              description: 'The decision was reversed within the window.',
            },
            'policy.renewal.opened': { target: 'opened', description: 'A renewal window (re)opened.' },
          },
        },
      },
    },
  },
});
