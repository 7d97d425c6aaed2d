import { setup } from 'xstate';
import { intended, orderDependent } from '../intended.js';

/**
 * The Kota v2 `group.*` event types, verbatim, including the `group.employee.*` membership events.
 *
 * @example
 * ```ts
 * const event: GroupMachineEvent = { type: 'group.employee.added' };
 * ```
 */
export type GroupMachineEvent =
  | { type: 'group.created' }
  | { type: 'group.ready' }
  | { type: 'group.archived' }
  | { type: 'group.updated' }
  | { type: 'group.employee.added' }
  | { type: 'group.employee.eligible' }
  | { type: 'group.employee.removed' }
  | { type: 'group.employee.moved' }
  | { type: 'group.employee.move.scheduled' };

// Membership and data events say nothing about the group's status: allowed, no state change.
const membership = {
  'group.updated': { description: "The group's data changed." },
  'group.employee.added': { description: 'An employee joined the group.' },
  'group.employee.eligible': { description: "A member became eligible for the group's benefits." },
  'group.employee.removed': { description: 'An employee left the group.' },
  'group.employee.moved': { description: 'An employee moved into this group (keyed by `new_group_id`).' },
  'group.employee.move.scheduled': {
    description: 'A member is scheduled to move to another group (keyed by `current_group_id`).',
  },
} as const;

/**
 * A group of employees under one employer (`gr_…`, v2 events): `pending → ready → archived`, and
 * `pending → archived` for a group dropped before it was ever ready.
 *
 * The `group.employee.*` events are about membership, not the group's status, so they are targetless: allowed
 * while the group is `pending` or `ready`, state unchanged. The catalog keys them to the group they concern:
 * `group_id` (added, eligible, removed), `new_group_id` (moved: the group the employee joined) and
 * `current_group_id` (move.scheduled: the group the employee is still in).
 *
 * Terminal state: `archived` (`final`). Kota has no event that restores an archived group, and no membership
 * change is expected on one; a late one shows up as a violation (state unchanged).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(groupMachine);
 * getNextSnapshot(groupMachine, start, { type: 'group.ready' }).value; // 'ready'
 * ```
 */
export const groupMachine = setup({
  types: { events: {} as GroupMachineEvent },
}).createMachine({
  id: 'group',
  meta: intended(orderDependent),
  description: 'Kota group (gr_…)',
  initial: 'pending',
  states: {
    pending: {
      description: 'Created; not yet ready for enrolment.',
      on: {
        'group.created': {
          target: 'pending',
          description: 'Kota created the group; a new group is pending.',
        },
        'group.ready': { target: 'ready', description: 'The group is set up and ready.' },
        'group.archived': { target: 'archived', description: 'Dropped before it was ever ready.' },
        ...membership,
      },
    },
    ready: {
      description: 'Set up; employees can enrol.',
      on: {
        'group.ready': { target: 'ready', description: 'The ready status re-announced.' },
        'group.archived': { target: 'archived', description: 'The group was retired.' },
        ...membership,
      },
    },
    archived: {
      type: 'final',
      description: 'Terminal: retired; Kota has no event that restores a group.',
    },
  },
});
