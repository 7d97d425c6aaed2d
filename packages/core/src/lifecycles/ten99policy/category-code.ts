import { setup } from 'xstate';
import { intended } from '../intended.js';

/**
 * The 1099Policy `category_code.*` event types, verbatim.
 *
 * @example
 * ```ts
 * const event: CategoryCodeMachineEvent = { type: 'category_code.added' };
 * ```
 */
export type CategoryCodeMachineEvent = { type: 'category_code.added' };

/**
 * A 1099Policy job category code: the provider adds codes to the list a platform can file jobs under. The only
 * event is `category_code.added`, so the lifecycle has one state, `added`.
 *
 * Terminal states: none, deliberately. No event removes a code, but a `final` initial state would make the
 * machine done before its own creation event is applied; a repeated `category_code.added` is a harmless
 * self-loop.
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(categoryCodeMachine);
 * getNextSnapshot(categoryCodeMachine, start, { type: 'category_code.added' }).value; // 'added'
 * ```
 */
export const categoryCodeMachine = setup({
  types: { events: {} as CategoryCodeMachineEvent },
}).createMachine({
  id: 'category_code',
  meta: intended({
    kind: 'dead_end',
    subject: 'added',
    reason: 'no event removes a code; a final initial state would refuse re-announcements',
  }),
  description: '1099Policy job category code',
  initial: 'added',
  states: {
    added: {
      description: 'The code is available for jobs.',
      on: {
        'category_code.added': {
          target: 'added',
          description: 'The creation event itself; a repeat (e.g. re-added) changes nothing.',
        },
      },
    },
  },
});
