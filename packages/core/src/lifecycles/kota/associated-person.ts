import { setup } from 'xstate';
import { intended, reasons } from '../intended.js';

/**
 * The Kota `associated_person.*` event types, verbatim (Kota sends only one).
 *
 * @example
 * ```ts
 * const event: AssociatedPersonMachineEvent = { type: 'associated_person.updated' };
 * ```
 */
export type AssociatedPersonMachineEvent = { type: 'associated_person.updated' };

/**
 * A person associated with an employee (`ap_…`, e.g. a dependant). Kota documents no status for it and sends
 * only `associated_person.updated`, so the lifecycle is one state, `active`, where updates are allowed and
 * change nothing. It exists so these events are routed, recorded and visible to rules like any other.
 *
 * Terminal states: none.
 *
 * @example
 * ```ts
 * import { initialTransition } from 'xstate';
 * const [start] = initialTransition(associatedPersonMachine);
 * start.can({ type: 'associated_person.updated' }); // true
 * ```
 */
export const associatedPersonMachine = setup({
  types: { events: {} as AssociatedPersonMachineEvent },
}).createMachine({
  id: 'associated_person',
  meta: intended({ kind: 'dead_end', subject: 'active', reason: reasons.noExit }),
  description: 'Kota associated person (ap_…)',
  initial: 'active',
  states: {
    active: {
      description: 'The person is on record.',
      on: {
        'associated_person.updated': { description: "The person's data changed." },
      },
    },
  },
});
