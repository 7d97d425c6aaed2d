import type { z } from 'zod';
import { type Catalog, defineCatalog, type EventTypeSpec } from '../catalog.js';
import {
  associatedPersonMachine,
  contributionReportMachine,
  dependentsManagementIntentMachine,
  employeeMachine,
  employeeOfferMachine,
  employeePolicyMachine,
  employerMachine,
  employerQuoteMachine,
  enrolmentIntentMachine,
  groupMachine,
  groupPolicyIntentMachine,
  groupPolicyMachine,
  groupQuoteIntentMachine,
  policyAmendmentIntentMachine,
  policyImportIntentMachine,
  policyMachine,
} from '../lifecycles/kota/index.js';
import {
  kotaAssociatedPersonSchema,
  kotaContributionReportSchema,
  kotaDependentsManagementIntentSchema,
  kotaEmployeeOfferSchema,
  kotaEmployeePolicySchema,
  kotaEmployeeSchema,
  kotaEmployerQuoteSchema,
  kotaEmployerSchema,
  kotaEnrolmentIntentSchema,
  kotaGroupEmployeeMovedSchema,
  kotaGroupEmployeeMoveScheduledSchema,
  kotaGroupEmployeeRemovedSchema,
  kotaGroupEmployeeSchema,
  kotaGroupPolicyIntentSchema,
  kotaGroupPolicySchema,
  kotaGroupQuoteIntentSchema,
  kotaGroupSchema,
  kotaPolicyAmendmentIntentSchema,
  kotaPolicyImportIntentSchema,
  kotaPolicySchema,
} from './kota/schemas.js';

/**
 * The Kota lifecycles by name: the machine that defines each resource kind's states.
 *
 * @example
 * ```ts
 * kotaLifecycles.employer_quote.id; // 'employer_quote'
 * ```
 */
export const kotaLifecycles = Object.freeze({
  employer_quote: employerQuoteMachine,
  employee_offer: employeeOfferMachine,
  employee_policy: employeePolicyMachine,
  policy: policyMachine,
  group_policy: groupPolicyMachine,
  group: groupMachine,
  employer: employerMachine,
  employee: employeeMachine,
  contribution_report: contributionReportMachine,
  enrolment_intent: enrolmentIntentMachine,
  policy_amendment_intent: policyAmendmentIntentMachine,
  dependents_management_intent: dependentsManagementIntentMachine,
  policy_import_intent: policyImportIntentMachine,
  group_quote_intent: groupQuoteIntentMachine,
  group_policy_intent: groupPolicyIntentMachine,
  associated_person: associatedPersonMachine,
});

type Lifecycle = keyof typeof kotaLifecycles;
type Spec = EventTypeSpec & { readonly lifecycle: Lifecycle };
type Schema = z.ZodType<Record<string, unknown>>;

/** A spec builder for one lifecycle whose events all share an id path and a schema. */
function family(lifecycle: Lifecycle, id: string, data: Schema) {
  return (description: string): Spec => ({ lifecycle, id, data, description });
}

// v1 and v2 resources carry their own `id`; v2-only families name the id after the resource.
const employee = family('employee', 'id', kotaEmployeeSchema);
const employer = family('employer', 'id', kotaEmployerSchema);
const quote = family('employer_quote', 'id', kotaEmployerQuoteSchema);
const offer = family('employee_offer', 'id', kotaEmployeeOfferSchema);
const eehp = family('employee_policy', 'id', kotaEmployeePolicySchema);
const report = family('contribution_report', 'id', kotaContributionReportSchema);
const group = family('group', 'id', kotaGroupSchema);
const member = family('group', 'group_id', kotaGroupEmployeeSchema);
const policy = family('policy', 'policy_id', kotaPolicySchema);
const groupPolicy = family('group_policy', 'group_policy_id', kotaGroupPolicySchema);
const enrolment = family('enrolment_intent', 'enrolment_intent_id', kotaEnrolmentIntentSchema);
const amendment = family(
  'policy_amendment_intent',
  'policy_amendment_intent_id',
  kotaPolicyAmendmentIntentSchema,
);
const dependents = family(
  'dependents_management_intent',
  'dependents_management_intent_id',
  kotaDependentsManagementIntentSchema,
);
const policyImport = family('policy_import_intent', 'policy_import_intent_id', kotaPolicyImportIntentSchema);
const groupQuote = family('group_quote_intent', 'group_quote_intent_id', kotaGroupQuoteIntentSchema);
const groupPolicyIntent = family(
  'group_policy_intent',
  'group_policy_intent_id',
  kotaGroupPolicyIntentSchema,
);

/** Every Kota event type (providers.md §1.4, from Kota's OpenAPI `webhooks`): 81 type strings. */
const events = {
  'employee.created': employee('An employee was added.'),
  'employee.updated': employee("An employee's data changed."),
  'employee.offboarded': employee('An employee is being offboarded.'),
  'employer.created': employer('An employer was added.'),
  'employer.updated': employer("An employer's data changed."),
  'employer.offboarded': employer('An employer is being offboarded.'),
  'employer.health_insurance.quote.created': quote('A health insurance quote was created for an employer.'),
  'employer.health_insurance.quote.action_required': quote('The employer must act on the quote.'),
  'employer.health_insurance.quote.not_undertaken': quote('The quote was not taken up.'),
  'employer.health_insurance.quote.accepted': quote('The quote was accepted.'),
  'employer.health_insurance.quote.pending_quote': quote('The quote is pending.'),
  'employer.health_insurance.quote.pending_insurer_acceptance': quote('The quote waits for the insurer.'),
  'employee.health_insurance.offer.action_required': offer('The employee must act on the offer.'),
  'employee.health_insurance.policy.activated': eehp("An employee's policy became active."),
  'employee.health_insurance.policy.cancelled': eehp("An employee's policy was cancelled."),
  'employee.health_insurance.policy.expired': eehp("An employee's policy expired."),
  'employee.health_insurance.policy.imported': eehp("An employee's policy was imported (v2 only)."),
  'contribution_report.finalized': report('A contribution report was finalized.'),
  'group.created': group('A group was created.'),
  'group.ready': group('A group is ready.'),
  'group.archived': group('A group was archived.'),
  'group.updated': group("A group's data changed."),
  'group.employee.added': member('An employee was added to a group.'),
  'group.employee.eligible': member('A group member became eligible.'),
  'group.employee.removed': {
    lifecycle: 'group',
    id: 'group_id',
    data: kotaGroupEmployeeRemovedSchema,
    description: 'An employee was removed from a group.',
  },
  'group.employee.moved': {
    lifecycle: 'group',
    id: 'new_group_id',
    data: kotaGroupEmployeeMovedSchema,
    description: 'An employee moved into this group (keyed by the group joined).',
  },
  'group.employee.move.scheduled': {
    lifecycle: 'group',
    id: 'current_group_id',
    data: kotaGroupEmployeeMoveScheduledSchema,
    description: 'A member of this group is scheduled to move to another group.',
  },
  'policy.scheduled': policy('A policy is scheduled to start.'),
  'policy.active': policy('A policy became active.'),
  'policy.imported': policy('A policy was imported.'),
  'policy.expired': policy('A policy expired.'),
  'policy.cancelled': policy('A policy was cancelled.'),
  'policy.updated': policy("A policy's data changed."),
  'policy.renewal.opened': policy("A policy's renewal window opened."),
  'policy.renewal.renewed': policy('A policy was renewed.'),
  'policy.renewal.canceled': policy("A policy's renewal was canceled."),
  'group_policy.scheduled': groupPolicy('A group policy is scheduled to start.'),
  'group_policy.active': groupPolicy('A group policy became active.'),
  'group_policy.expired': groupPolicy('A group policy expired.'),
  'group_policy.cancelled': groupPolicy('A group policy was cancelled.'),
  'group_policy.updated': groupPolicy("A group policy's data changed."),
  'group_policy.renewal.opened': groupPolicy("A group policy's renewal window opened."),
  'group_policy.renewal.renewed': groupPolicy('A group policy was renewed.'),
  'group_policy.renewal.canceled': groupPolicy("A group policy's renewal was canceled."),
  'enrolment_intent.processing': enrolment('Kota is processing the enrolment.'),
  'enrolment_intent.scheduled': enrolment('The enrolment waits for its date.'),
  'enrolment_intent.action_required': enrolment('The enrolment needs information.'),
  'enrolment_intent.addon_selection_required': enrolment('The employee must choose add-ons.'),
  'enrolment_intent.pending_confirmation': enrolment('The employee must confirm the enrolment.'),
  'enrolment_intent.enrolling': enrolment('The enrolment was submitted to the insurer.'),
  'enrolment_intent.enrolled': enrolment('The employee is enrolled.'),
  'enrolment_intent.not_undertaken': enrolment('The employee did not enrol.'),
  'enrolment_intent.ineligible': enrolment('The employee is not eligible.'),
  'policy_amendment_intent.action_required': amendment('The amendment needs information.'),
  'policy_amendment_intent.awaiting_quote': amendment('The amendment waits for a price.'),
  'policy_amendment_intent.pending_confirmation': amendment('The employee must confirm the amendment.'),
  'policy_amendment_intent.processing': amendment('Kota is applying the amendment.'),
  'policy_amendment_intent.amended': amendment('The policy was amended.'),
  'policy_amendment_intent.processing_error': amendment('Applying the amendment failed.'),
  'policy_amendment_intent.not_undertaken': amendment('The amendment was abandoned.'),
  'dependents_management_intent.action_required': dependents('The employee must declare dependants.'),
  'dependents_management_intent.completed': dependents('The dependants were recorded.'),
  'dependents_management_intent.not_undertaken': dependents('The dependants step was skipped.'),
  'policy_import_intent.processing': policyImport('Kota is importing a policy.'),
  'policy_import_intent.success': policyImport('The policy was imported.'),
  'policy_import_intent.failed': policyImport('The policy import failed.'),
  'group_quote_intent.processing': groupQuote('Kota is preparing a group quote.'),
  'group_quote_intent.action_required': groupQuote('The group quote needs information.'),
  'group_quote_intent.awaiting_quote': groupQuote('The group quote waits for the insurer.'),
  'group_quote_intent.quote_available': groupQuote('A group quote is available.'),
  'group_quote_intent.rejected': groupQuote('The group quote was rejected.'),
  'group_quote_intent.rejected_by_insurer': groupQuote('The insurer declined to quote.'),
  'group_quote_intent.quote_expired': groupQuote('The group quote expired.'),
  'group_policy_intent.processing': groupPolicyIntent('Kota is preparing a group policy.'),
  'group_policy_intent.action_required': groupPolicyIntent('The group policy needs information.'),
  'group_policy_intent.pending_provider_approval': groupPolicyIntent(
    'The group policy waits for the insurer.',
  ),
  'group_policy_intent.policy_created': groupPolicyIntent('The group policy was created.'),
  'group_policy_intent.expired': groupPolicyIntent('The group policy intent expired.'),
  'group_policy_intent.provider_rejected': groupPolicyIntent('The insurer rejected the group policy.'),
  'group_policy_intent.manual_renewal_gathering_required': groupPolicyIntent(
    'Renewal details must be gathered by hand.',
  ),
  'associated_person.updated': {
    lifecycle: 'associated_person',
    id: 'id',
    data: kotaAssociatedPersonSchema,
    description: "An associated person's data changed.",
  },
} satisfies Record<string, Spec>;

// Built on the first call, not at import (compiling 81 validators takes tens of ms), then once: the engine
// caches the tables it derives per machine object, so every call returns this one.
let catalog: Catalog | undefined;

/**
 * The built-in Kota catalog: 81 event types (v1 and v2 families) over 16 lifecycles. Every call returns the
 * same frozen object.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: [kota()] });
 * kota().events.get('policy.renewal.opened')?.lifecycle; // 'policy'
 * ```
 */
export function kota(): Catalog {
  catalog ??= defineCatalog({ provider: 'kota', lifecycles: kotaLifecycles, events });
  return catalog;
}
