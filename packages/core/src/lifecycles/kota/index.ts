/**
 * The Kota lifecycle machines, one per resource kind. The catalog (`kota()`) routes each event type to one of
 * them; see each file for its states, terminal states and reasons.
 *
 * @example
 * ```ts
 * import { employerQuoteMachine } from './lifecycles/kota/index.js';
 * employerQuoteMachine.id; // 'employer_quote'
 * ```
 */
export { type AssociatedPersonMachineEvent, associatedPersonMachine } from './associated-person.js';
export { type ContributionReportMachineEvent, contributionReportMachine } from './contribution-report.js';
export {
  type DependentsManagementIntentMachineEvent,
  dependentsManagementIntentMachine,
} from './dependents-management-intent.js';
export { type EmployeeMachineEvent, employeeMachine } from './employee.js';
export { type EmployeeOfferMachineEvent, employeeOfferMachine } from './employee-offer.js';
export { type EmployeePolicyMachineEvent, employeePolicyMachine } from './employee-policy.js';
export { type EmployerMachineEvent, employerMachine } from './employer.js';
export { type EmployerQuoteMachineEvent, employerQuoteMachine } from './employer-quote.js';
export { type EnrolmentIntentMachineEvent, enrolmentIntentMachine } from './enrolment-intent.js';
export { type GroupMachineEvent, groupMachine } from './group.js';
export { type GroupPolicyMachineEvent, groupPolicyMachine } from './group-policy.js';
export { type GroupPolicyIntentMachineEvent, groupPolicyIntentMachine } from './group-policy-intent.js';
export { type GroupQuoteIntentMachineEvent, groupQuoteIntentMachine } from './group-quote-intent.js';
export { type PolicyMachineEvent, policyMachine } from './policy.js';
export {
  type PolicyAmendmentIntentMachineEvent,
  policyAmendmentIntentMachine,
} from './policy-amendment-intent.js';
export { type PolicyImportIntentMachineEvent, policyImportIntentMachine } from './policy-import-intent.js';
