import { setup } from 'xstate';

/**
 * The Kota v2 `group_quote_intent.*` event types, verbatim: one per status.
 *
 * @example
 * ```ts
 * const event: GroupQuoteIntentMachineEvent = { type: 'group_quote_intent.quote_available' };
 * ```
 */
export type GroupQuoteIntentMachineEvent =
  | { type: 'group_quote_intent.processing' }
  | { type: 'group_quote_intent.action_required' }
  | { type: 'group_quote_intent.awaiting_quote' }
  | { type: 'group_quote_intent.quote_available' }
  | { type: 'group_quote_intent.rejected' }
  | { type: 'group_quote_intent.rejected_by_insurer' }
  | { type: 'group_quote_intent.quote_expired' };

/**
 * Getting a quote for a group on a plan (`gqi_…`). Each `group_quote_intent.<status>` event moves the intent to
 * `<status>`. Kota starts it `processing`; it may need information (`action_required`, which can recur), waits
 * for the insurer (`awaiting_quote`) and has a quote (`quote_available`). An available quote can be re-quoted
 * (the group's census changed: `awaiting_quote` again), and taking it up happens in a group policy intent, so
 * `quote_available` is not final.
 *
 * Terminal states (`final`): `rejected` (Kota or the employer turned the request down), `rejected_by_insurer`
 * (the insurer declined to quote) and `quote_expired` (the quote lapsed unused; a new quote is a new intent).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(groupQuoteIntentMachine);
 * getNextSnapshot(groupQuoteIntentMachine, start, { type: 'group_quote_intent.awaiting_quote' }).value;
 * // 'awaiting_quote'
 * ```
 */
export const groupQuoteIntentMachine = setup({
  types: { events: {} as GroupQuoteIntentMachineEvent },
}).createMachine({
  id: 'group_quote_intent',
  description: 'Kota group quote intent (gqi_…)',
  initial: 'processing',
  states: {
    processing: {
      description: 'Kota is preparing the quote request.',
      on: {
        'group_quote_intent.processing': { target: 'processing', description: 'Re-announced.' },
        'group_quote_intent.action_required': {
          target: 'action_required',
          description: 'Information is missing.',
        },
        'group_quote_intent.awaiting_quote': {
          target: 'awaiting_quote',
          description: 'Sent to the insurer.',
        },
        'group_quote_intent.quote_available': {
          target: 'quote_available',
          description: 'Priced at once (e.g. from rate tables).',
        },
        'group_quote_intent.rejected': { target: 'rejected', description: 'The request was turned down.' },
      },
    },
    action_required: {
      description: 'The employer (or platform) must supply information.',
      on: {
        'group_quote_intent.action_required': { target: 'action_required', description: 'It can recur.' },
        'group_quote_intent.processing': { target: 'processing', description: 'The information arrived.' },
        'group_quote_intent.awaiting_quote': {
          target: 'awaiting_quote',
          description: 'The information arrived; sent to the insurer.',
        },
        'group_quote_intent.rejected': { target: 'rejected', description: 'Turned down or abandoned.' },
      },
    },
    awaiting_quote: {
      description: 'Waiting for the insurer to price the group.',
      on: {
        'group_quote_intent.awaiting_quote': { target: 'awaiting_quote', description: 'Re-announced.' },
        'group_quote_intent.action_required': {
          target: 'action_required',
          description: 'The insurer needs more information.',
        },
        'group_quote_intent.quote_available': {
          target: 'quote_available',
          description: 'The insurer quoted.',
        },
        'group_quote_intent.rejected': { target: 'rejected', description: 'Withdrawn while waiting.' },
        'group_quote_intent.rejected_by_insurer': {
          target: 'rejected_by_insurer',
          description: 'The insurer declined to quote.',
        },
      },
    },
    quote_available: {
      description: 'A quote is available to take up.',
      on: {
        'group_quote_intent.quote_available': { target: 'quote_available', description: 'Re-announced.' },
        'group_quote_intent.awaiting_quote': {
          target: 'awaiting_quote',
          description: 'Re-quoting (e.g. the census changed).',
        },
        'group_quote_intent.action_required': {
          target: 'action_required',
          description: 'The quote needs more information to go on.',
        },
        'group_quote_intent.rejected': {
          target: 'rejected',
          description: 'The employer rejected the quote.',
        },
        'group_quote_intent.rejected_by_insurer': {
          target: 'rejected_by_insurer',
          description: 'The insurer withdrew its quote.',
        },
        'group_quote_intent.quote_expired': {
          target: 'quote_expired',
          description: 'The quote lapsed unused.',
        },
      },
    },
    rejected: { type: 'final', description: 'Terminal: the request or quote was rejected.' },
    rejected_by_insurer: { type: 'final', description: 'Terminal: the insurer declined.' },
    quote_expired: { type: 'final', description: 'Terminal: the quote lapsed; a new quote is a new intent.' },
  },
});
