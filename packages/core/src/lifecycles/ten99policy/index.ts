/**
 * The 1099Policy lifecycle machines, one per resource kind. The catalog (`ten99policy()`) routes each event
 * type to one of them; see each file for its states, terminal states and reasons.
 *
 * @example
 * ```ts
 * import { policyMachine } from './lifecycles/ten99policy/index.js';
 * policyMachine.id; // 'policy'
 * ```
 */
export { type ApplicationMachineEvent, applicationMachine } from './application.js';
export { type AssignmentMachineEvent, assignmentMachine } from './assignment.js';
export { type CategoryCodeMachineEvent, categoryCodeMachine } from './category-code.js';
export { type CertificateMachineEvent, certificateMachine } from './certificate.js';
export { type InvoiceMachineEvent, invoiceMachine } from './invoice.js';
export { type PolicyMachineEvent, policyMachine } from './policy.js';
