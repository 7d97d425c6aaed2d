import { setup } from 'xstate';

/**
 * The Kota v2 `group_policy_intent.*` event types, verbatim: one per status.
 *
 * @example
 * ```ts
 * const event: GroupPolicyIntentMachineEvent = { type: 'group_policy_intent.policy_created' };
 * ```
 */
export type GroupPolicyIntentMachineEvent =
  | { type: 'group_policy_intent.processing' }
  | { type: 'group_policy_intent.action_required' }
  | { type: 'group_policy_intent.pending_provider_approval' }
  | { type: 'group_policy_intent.policy_created' }
  | { type: 'group_policy_intent.expired' }
  | { type: 'group_policy_intent.provider_rejected' }
  | { type: 'group_policy_intent.manual_renewal_gathering_required' };

/**
 * Setting up (or renewing) a group's policy with an insurer (`gpi_…`). Each `group_policy_intent.<status>`
 * event moves the intent to `<status>`. Kota starts it `processing`; it may need information
 * (`action_required`, which can recur), or, for a renewal the insurer cannot do automatically, a manual
 * gathering of renewal details (`manual_renewal_gathering_required`); then the insurer decides
 * (`pending_provider_approval`).
 *
 * Terminal states (`final`): `policy_created` (the group policy `gp_…` exists and has its own lifecycle),
 * `provider_rejected` (the insurer said no) and `expired` (the intent lapsed before completion; a new attempt
 * is a new intent).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(groupPolicyIntentMachine);
 * getNextSnapshot(groupPolicyIntentMachine, start, { type: 'group_policy_intent.pending_provider_approval' })
 *   .value; // 'pending_provider_approval'
 * ```
 */
export const groupPolicyIntentMachine = setup({
  types: { events: {} as GroupPolicyIntentMachineEvent },
}).createMachine({
  id: 'group_policy_intent',
  description: 'Kota group policy intent (gpi_…)',
  initial: 'processing',
  states: {
    processing: {
      description: 'Kota is preparing the application.',
      on: {
        'group_policy_intent.processing': { target: 'processing', description: 'Re-announced.' },
        'group_policy_intent.action_required': {
          target: 'action_required',
          description: 'Information is missing.',
        },
        'group_policy_intent.manual_renewal_gathering_required': {
          target: 'manual_renewal_gathering_required',
          description: 'A renewal needs details gathered by hand.',
        },
        'group_policy_intent.pending_provider_approval': {
          target: 'pending_provider_approval',
          description: 'Submitted to the insurer.',
        },
        'group_policy_intent.policy_created': {
          target: 'policy_created',
          description: 'Created without a separate approval step.',
        },
        'group_policy_intent.expired': { target: 'expired', description: 'The intent lapsed.' },
      },
    },
    action_required: {
      description: 'The employer (or platform) must supply information.',
      on: {
        'group_policy_intent.action_required': { target: 'action_required', description: 'It can recur.' },
        'group_policy_intent.processing': { target: 'processing', description: 'The information arrived.' },
        'group_policy_intent.manual_renewal_gathering_required': {
          target: 'manual_renewal_gathering_required',
          description: 'A renewal needs details gathered by hand.',
        },
        'group_policy_intent.pending_provider_approval': {
          target: 'pending_provider_approval',
          description: 'The information arrived; submitted.',
        },
        'group_policy_intent.expired': { target: 'expired', description: 'Never supplied in time.' },
      },
    },
    manual_renewal_gathering_required: {
      description: 'A renewal needs its details gathered by hand.',
      on: {
        'group_policy_intent.manual_renewal_gathering_required': {
          target: 'manual_renewal_gathering_required',
          description: 'Re-announced.',
        },
        'group_policy_intent.processing': { target: 'processing', description: 'The details were gathered.' },
        'group_policy_intent.action_required': {
          target: 'action_required',
          description: 'The employer must supply some of the details.',
        },
        'group_policy_intent.expired': { target: 'expired', description: 'Not gathered in time.' },
      },
    },
    pending_provider_approval: {
      description: 'Waiting for the insurer to approve.',
      on: {
        'group_policy_intent.pending_provider_approval': {
          target: 'pending_provider_approval',
          description: 'Re-announced.',
        },
        'group_policy_intent.action_required': {
          target: 'action_required',
          description: 'The insurer needs more information.',
        },
        'group_policy_intent.policy_created': {
          target: 'policy_created',
          description: 'The insurer approved.',
        },
        'group_policy_intent.provider_rejected': {
          target: 'provider_rejected',
          description: 'The insurer refused.',
        },
        'group_policy_intent.expired': { target: 'expired', description: 'No decision in time.' },
      },
    },
    policy_created: { type: 'final', description: 'Terminal: the group policy exists.' },
    provider_rejected: { type: 'final', description: 'Terminal: the insurer refused.' },
    expired: { type: 'final', description: 'Terminal: lapsed; a new attempt is a new intent.' },
  },
});
