import { setup } from 'xstate';

/**
 * The 1099Policy `policy.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: PolicyMachineEvent = { type: 'policy.reactivated' };
 * ```
 */
export type PolicyMachineEvent =
  | { type: 'policy.active' }
  | { type: 'policy.active.media' }
  | { type: 'policy.cancelled' }
  | { type: 'policy.reactivated' };

/**
 * A 1099Policy policy (`pl_…`): `active ⇄ cancelled`. A policy is created bound, so it starts `active`;
 * `policy.cancelled` ends cover and `policy.reactivated` restores it (the API can toggle `is_active` both ways).
 *
 * Media coverage: `policy.active.media` reports that a policy with media coverage is active (its data is the
 * same active policy). It is modelled as an activation, like `policy.active`, not as a separate region: the data
 * carries no coverage list to keep a second region honest, and a region would go on saying "media" after the
 * policy is cancelled.
 *
 * Reactivation is announced with `policy.reactivated`, but `policy.active` / `policy.active.media` on a
 * cancelled policy are allowed too and lead to `active`: both carry `status: 'active'` and the provider is the
 * source of truth, so a resent activation on a cancelled policy is a reactivation, not a violation.
 *
 * Terminal states: none. `cancelled` can be reactivated. The provider's status enum also has `expired`, but no
 * event reports it (as far as the reference shows, a policy lapses silently at `expiration_date`), so the
 * machine leaves out a state that no event could enter; compare `expiration_date` in the resource's data with
 * the clock, or poll the API, to detect expiry.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(policyMachine);
 * getNextSnapshot(policyMachine, start, { type: 'policy.cancelled' }).value; // 'cancelled'
 * ```
 */
export const policyMachine = setup({
  types: { events: {} as PolicyMachineEvent },
}).createMachine({
  id: 'policy',
  description: '1099Policy policy (pl_…)',
  initial: 'active',
  states: {
    active: {
      description: 'The policy is bound and in force.',
      on: {
        'policy.active': {
          target: 'active',
          description: 'The bind event itself: a new policy starts active.',
        },
        'policy.active.media': {
          target: 'active',
          description: 'Media coverage is active on this (active) policy.',
        },
        'policy.cancelled': { target: 'cancelled', description: 'Cover was cancelled.' },
      },
    },
    cancelled: {
      description: 'Cover is cancelled; the provider can still reactivate it.',
      on: {
        'policy.reactivated': {
          target: 'active',
          description: 'The cancelled policy was put back in force.',
        },
        'policy.active': {
          target: 'active',
          description: 'The provider reports the policy in force again (normally as policy.reactivated).',
        },
        'policy.active.media': {
          target: 'active',
          description: 'Media coverage became active, so the policy is in force again.',
        },
      },
    },
  },
});
