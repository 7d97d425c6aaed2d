import { setup } from 'xstate';

/**
 * The Kota v2 `policy_import_intent.*` event types, verbatim: one per status.
 *
 * @example
 * ```ts
 * const event: PolicyImportIntentMachineEvent = { type: 'policy_import_intent.success' };
 * ```
 */
export type PolicyImportIntentMachineEvent =
  | { type: 'policy_import_intent.processing' }
  | { type: 'policy_import_intent.success' }
  | { type: 'policy_import_intent.failed' };

/**
 * Importing an employee's existing policy into Kota (`pii_…`): `processing → success | failed`. Each
 * `policy_import_intent.<status>` event moves the intent to `<status>`; `success` data names the created
 * policy (`policy_id`).
 *
 * Terminal states (`final`): `success` (the policy exists and has its own lifecycle) and `failed` (the import
 * was refused; the platform retries by creating a new import intent: Kota's statuses have no retry path, unlike
 * `processing_error` on amendments).
 *
 * @example
 * ```ts
 * import { getNextSnapshot, initialTransition } from 'xstate';
 * const [start] = initialTransition(policyImportIntentMachine);
 * getNextSnapshot(policyImportIntentMachine, start, { type: 'policy_import_intent.failed' }).value; // 'failed'
 * ```
 */
export const policyImportIntentMachine = setup({
  types: { events: {} as PolicyImportIntentMachineEvent },
}).createMachine({
  id: 'policy_import_intent',
  description: 'Kota policy import intent (pii_…)',
  initial: 'processing',
  states: {
    processing: {
      description: 'Kota is importing the policy.',
      on: {
        'policy_import_intent.processing': { target: 'processing', description: 'Re-announced.' },
        'policy_import_intent.success': { target: 'success', description: 'The policy was imported.' },
        'policy_import_intent.failed': { target: 'failed', description: 'The import was refused.' },
      },
    },
    success: { type: 'final', description: 'Terminal: imported; the policy has its own lifecycle.' },
    failed: { type: 'final', description: 'Terminal: refused; a retry is a new import intent.' },
  },
});
