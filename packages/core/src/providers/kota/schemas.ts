import { z } from 'zod';

// Kota sends two families of `data`: v1 embeds the full resource, v2 a thin reference (ids, `resource_type`,
// `object`). One schema per resource kind accepts both: the ids both families carry are required, and the
// v1-only fields are optional (nullable where the spec allows null). Statuses and enums stay plain strings so
// a value Kota adds later is not rejected as invalid input. Loose objects keep fields Kota adds.

const id = z.string();
const text = z.string().nullable().optional();
const flag = z.boolean().nullable().optional();
const amount = z.number().nullable().optional();
const metadata = z.record(z.string(), z.unknown()).nullable().optional();

/** Fields every v2 thin reference carries; their values are not documented, so they stay open. */
const reference = { resource_type: z.string().optional(), object: z.string().optional() };

const address = z
  .looseObject({ line1: text, line2: text, city: text, postal_code: text, country_code: text })
  .nullable()
  .optional();

const requiredAction = z
  .looseObject({ reason: text, reason_description: text, code: text, due_at: text })
  .nullable()
  .optional();

const coverageLevel = z.looseObject({
  plan_id: text,
  plan_name: text,
  plan_currency: text,
  provider_name: text,
  provider_logo_url: text,
  provider_employer_platform_url: text,
  provider_support_phone: text,
  documents: z
    .array(z.looseObject({ title: text, link: text }))
    .nullable()
    .optional(),
});

const premium = z.looseObject({
  employee_contribution: amount,
  employer_contribution: amount,
  total: amount,
});

/**
 * `data` of `employee.*`: v1 `EmployeeResponse`, v2 `{id, employer_id, metadata}`.
 *
 * @example
 * ```ts
 * kotaEmployeeSchema.parse({ id: 'ee_2c3d', employer_id: 'er_1b2c', metadata: null });
 * ```
 */
export const kotaEmployeeSchema = z.looseObject({
  id,
  employer_id: id,
  ...reference,
  platform_id: z.string().optional(),
  status: z.string().optional(),
  external_customer_id: text,
  first_name: text,
  last_name: text,
  date_of_birth: text,
  sex_at_birth: text,
  home_address: address,
  nationality: text,
  national_tax_id: text,
  start_on: text,
  earliest_benefits_start_date: text,
  phone_number: text,
  email: text,
  offboard_on: text,
  bank_account: z.looseObject({}).nullable().optional(),
  metadata,
});

/**
 * `data` of `employer.*` (not the quote events): v1 `EmployerResponse`, v2 `{id, metadata}`.
 *
 * @example
 * ```ts
 * kotaEmployerSchema.parse({ id: 'er_1b2c', metadata: null });
 * ```
 */
export const kotaEmployerSchema = z.looseObject({
  id,
  ...reference,
  platform_id: z.string().optional(),
  status: z.string().optional(),
  legal_name: text,
  registration_number: text,
  legal_address: address,
  contact: z.looseObject({ name: text, email: text }).nullable().optional(),
  offboard_on: text,
  earliest_benefits_start_date: text,
  metadata,
});

/**
 * `data` of `employer.health_insurance.quote.*`: v1 `EmployerHealthInsuranceQuoteResponse` (with
 * `required_action` when the status is `action_required`), v2 `{id, employer_id}`.
 *
 * @example
 * ```ts
 * kotaEmployerQuoteSchema.parse({ id: 'erhq_3b13', employer_id: 'er_1b2c' });
 * ```
 */
export const kotaEmployerQuoteSchema = z.looseObject({
  id,
  employer_id: id,
  ...reference,
  quoted_at: text,
  status: z.string().optional(),
  required_action: requiredAction,
  coverage_levels: z.array(coverageLevel).nullable().optional(),
});

/**
 * `data` of `employee.health_insurance.offer.*`: v1 `EmployeeHealthInsuranceOfferResponse`, v2
 * `{id, employer_id, employee_id, external_customer_id}`.
 *
 * @example
 * ```ts
 * kotaEmployeeOfferSchema.parse({ id: 'eeho_3b13', employer_id: 'er_1b2c', employee_id: 'ee_2c3d' });
 * ```
 */
export const kotaEmployeeOfferSchema = z.looseObject({
  id,
  employer_id: id,
  employee_id: id,
  ...reference,
  external_customer_id: text,
  status: z.string().optional(),
  required_action: requiredAction,
  coverage_level: coverageLevel.nullable().optional(),
});

/**
 * `data` of `employee.health_insurance.policy.*`: v1 `EmployeeHealthInsurancePolicyResponse` (dates,
 * `renewal`, `coverage_level`, `estimated_gross_premium`), v2 `{id, employer_id, employee_id, external_customer_id}`.
 *
 * @example
 * ```ts
 * kotaEmployeePolicySchema.parse({ id: 'eehp_3b13', employer_id: 'er_1b2c', employee_id: 'ee_2c3d' });
 * ```
 */
export const kotaEmployeePolicySchema = z.looseObject({
  id,
  employer_id: id,
  employee_id: id,
  ...reference,
  external_customer_id: text,
  start_date: text,
  end_date: text,
  cancellation_date: text,
  policy_number: text,
  status: z.string().optional(),
  enrolment_type: text,
  renewal: z
    .looseObject({
      status: text,
      renewal_date: text,
      window_start_date: text,
      window_end_date: text,
      decision_confirmed: flag,
      renewed_health_insurance_id: text,
    })
    .nullable()
    .optional(),
  opt_out_deadline_date: text,
  coverage_level: coverageLevel.nullable().optional(),
  enrolled_dependants_count: amount,
  estimated_gross_premium: z
    .looseObject({
      currency: text,
      monthly: premium.nullable().optional(),
      term: premium.nullable().optional(),
    })
    .nullable()
    .optional(),
});

/**
 * `data` of `contribution_report.*`: v1 `ContributionReportResponse`, v2 `{id, employer_id, external_customer_id}`.
 *
 * @example
 * ```ts
 * kotaContributionReportSchema.parse({ id: 'ctr_3b13', employer_id: 'er_1b2c', external_customer_id: null });
 * ```
 */
export const kotaContributionReportSchema = z.looseObject({
  id,
  employer_id: id,
  ...reference,
  external_customer_id: text,
  period: z.looseObject({ from_date: text, to_date: text }).nullable().optional(),
  status: z.string().optional(),
  finalized_at: text,
  created_at: text,
  last_updated_at: text,
});

/**
 * `data` of `group.created|ready|archived|updated` (v2): `{id, employer_id}`.
 *
 * @example
 * ```ts
 * kotaGroupSchema.parse({ id: 'gr_3d4e', employer_id: 'er_1b2c' });
 * ```
 */
export const kotaGroupSchema = z.looseObject({ id, employer_id: id, ...reference });

/**
 * `data` of `group.employee.added|eligible` (v2): `{group_id, employee_id}`.
 *
 * @example
 * ```ts
 * kotaGroupEmployeeSchema.parse({ group_id: 'gr_3d4e', employee_id: 'ee_2c3d' });
 * ```
 */
export const kotaGroupEmployeeSchema = z.looseObject({ group_id: id, employee_id: id, ...reference });

/**
 * `data` of `group.employee.removed` (v2): `{platform_id, employer_id, group_id, employee_id, removed_at}`.
 *
 * @example
 * ```ts
 * kotaGroupEmployeeRemovedSchema.parse({
 *   platform_id: 'pt_7f9a', employer_id: 'er_1b2c', group_id: 'gr_3d4e', employee_id: 'ee_2c3d', removed_at: null,
 * });
 * ```
 */
export const kotaGroupEmployeeRemovedSchema = z.looseObject({
  platform_id: id,
  employer_id: id,
  group_id: id,
  employee_id: id,
  removed_at: text,
  ...reference,
});

/**
 * `data` of `group.employee.moved` (v2): `{previous_group_id, new_group_id, employee_id}`.
 *
 * @example
 * ```ts
 * kotaGroupEmployeeMovedSchema.parse({ previous_group_id: 'gr_3d4e', new_group_id: 'gr_9e8d', employee_id: 'ee_2c3d' });
 * ```
 */
export const kotaGroupEmployeeMovedSchema = z.looseObject({
  previous_group_id: id,
  new_group_id: id,
  employee_id: id,
  ...reference,
});

/**
 * `data` of `group.employee.move.scheduled` (v2): `{employee_id, current_group_id, new_group_id, scheduled_date}`.
 *
 * @example
 * ```ts
 * kotaGroupEmployeeMoveScheduledSchema.parse({
 *   employee_id: 'ee_2c3d', current_group_id: 'gr_3d4e', new_group_id: 'gr_9e8d', scheduled_date: '2025-04-01',
 * });
 * ```
 */
export const kotaGroupEmployeeMoveScheduledSchema = z.looseObject({
  employee_id: id,
  current_group_id: id,
  new_group_id: id,
  scheduled_date: text,
  ...reference,
});

/**
 * `data` of `policy.*` (v2): `{policy_id, employee_id, group_policy_id, group_id}`.
 *
 * @example
 * ```ts
 * kotaPolicySchema.parse({ policy_id: 'p_6071', employee_id: 'ee_2c3d', group_policy_id: 'gp_5f60', group_id: 'gr_3d4e' });
 * ```
 */
export const kotaPolicySchema = z.looseObject({
  policy_id: id,
  employee_id: id,
  group_policy_id: id,
  group_id: id,
  ...reference,
});

/**
 * `data` of `group_policy.*` (v2): `{group_policy_id, group_id, employer_id}`.
 *
 * @example
 * ```ts
 * kotaGroupPolicySchema.parse({ group_policy_id: 'gp_5f60', group_id: 'gr_3d4e', employer_id: 'er_1b2c' });
 * ```
 */
export const kotaGroupPolicySchema = z.looseObject({
  group_policy_id: id,
  group_id: id,
  employer_id: id,
  ...reference,
});

/**
 * `data` of `enrolment_intent.*` (v2): `{enrolment_intent_id, employee_id, group_id}`.
 *
 * @example
 * ```ts
 * kotaEnrolmentIntentSchema.parse({ enrolment_intent_id: 'ei_3b13', employee_id: 'ee_2c3d', group_id: 'gr_3d4e' });
 * ```
 */
export const kotaEnrolmentIntentSchema = z.looseObject({
  enrolment_intent_id: id,
  employee_id: id,
  group_id: id,
  ...reference,
});

/**
 * `data` of `policy_amendment_intent.*` (v2): `{policy_amendment_intent_id, policy_id, employee_id, employer_id}`.
 *
 * @example
 * ```ts
 * kotaPolicyAmendmentIntentSchema.parse({
 *   policy_amendment_intent_id: 'pai_3b13', policy_id: 'p_6071', employee_id: 'ee_2c3d', employer_id: 'er_1b2c',
 * });
 * ```
 */
export const kotaPolicyAmendmentIntentSchema = z.looseObject({
  policy_amendment_intent_id: id,
  policy_id: id,
  employee_id: id,
  employer_id: id,
  ...reference,
});

/**
 * `data` of `dependents_management_intent.*` (v2): `{dependents_management_intent_id, parent_intent_id,
 * parent_intent_type}`; the parent is a `policy_amendment_intent` or an `enrolment_intent`.
 *
 * @example
 * ```ts
 * kotaDependentsManagementIntentSchema.parse({
 *   dependents_management_intent_id: 'dmi_3b13', parent_intent_id: 'ei_3b13', parent_intent_type: 'enrolment_intent',
 * });
 * ```
 */
export const kotaDependentsManagementIntentSchema = z.looseObject({
  dependents_management_intent_id: id,
  parent_intent_id: id,
  parent_intent_type: z.string(),
  ...reference,
});

/**
 * `data` of `policy_import_intent.*` (v2): `{policy_import_intent_id, employee_id, group_id, policy_id?}`;
 * `policy_id` is null until the import succeeds.
 *
 * @example
 * ```ts
 * kotaPolicyImportIntentSchema.parse({
 *   policy_import_intent_id: 'pii_3b13', employee_id: 'ee_2c3d', group_id: 'gr_3d4e', policy_id: null,
 * });
 * ```
 */
export const kotaPolicyImportIntentSchema = z.looseObject({
  policy_import_intent_id: id,
  employee_id: id,
  group_id: id,
  policy_id: text,
  ...reference,
});

/**
 * `data` of `group_quote_intent.*` (v2): `{group_quote_intent_id, group_id, plan_id}`.
 *
 * @example
 * ```ts
 * kotaGroupQuoteIntentSchema.parse({ group_quote_intent_id: 'gqi_3b13', group_id: 'gr_3d4e', plan_id: 'pl_4e5f' });
 * ```
 */
export const kotaGroupQuoteIntentSchema = z.looseObject({
  group_quote_intent_id: id,
  group_id: id,
  plan_id: id,
  ...reference,
});

/**
 * `data` of `group_policy_intent.*` (v2): `{group_policy_intent_id, group_id, plan_id}`. The newer docs add
 * `levels[]` and `type`, and allow a null `group_id`/`plan_id` on multi-level intents.
 *
 * @example
 * ```ts
 * kotaGroupPolicyIntentSchema.parse({ group_policy_intent_id: 'gpi_3b13', group_id: null, plan_id: null, levels: [] });
 * ```
 */
export const kotaGroupPolicyIntentSchema = z.looseObject({
  group_policy_intent_id: id,
  group_id: text,
  plan_id: text,
  levels: z.array(z.unknown()).nullable().optional(),
  type: text,
  ...reference,
});

/**
 * `data` of `associated_person.*` (v2): `{id, employee_id}`.
 *
 * @example
 * ```ts
 * kotaAssociatedPersonSchema.parse({ id: 'ap_3b13', employee_id: 'ee_2c3d' });
 * ```
 */
export const kotaAssociatedPersonSchema = z.looseObject({ id, employee_id: id, ...reference });

/**
 * The `data` of Kota events as the schemas read it, by lifecycle (and, for the group, by membership event).
 * v1 fields are optional because v2 references carry ids only.
 *
 * @example
 * ```ts
 * const quote = event.data as KotaData['employer_quote'];
 * if (quote.required_action?.code === 'missing_documents') notify(quote.employer_id);
 * ```
 */
export interface KotaData {
  employee: z.infer<typeof kotaEmployeeSchema>;
  employer: z.infer<typeof kotaEmployerSchema>;
  employer_quote: z.infer<typeof kotaEmployerQuoteSchema>;
  employee_offer: z.infer<typeof kotaEmployeeOfferSchema>;
  employee_policy: z.infer<typeof kotaEmployeePolicySchema>;
  contribution_report: z.infer<typeof kotaContributionReportSchema>;
  group: z.infer<typeof kotaGroupSchema>;
  group_employee: z.infer<typeof kotaGroupEmployeeSchema>;
  group_employee_removed: z.infer<typeof kotaGroupEmployeeRemovedSchema>;
  group_employee_moved: z.infer<typeof kotaGroupEmployeeMovedSchema>;
  group_employee_move_scheduled: z.infer<typeof kotaGroupEmployeeMoveScheduledSchema>;
  policy: z.infer<typeof kotaPolicySchema>;
  group_policy: z.infer<typeof kotaGroupPolicySchema>;
  enrolment_intent: z.infer<typeof kotaEnrolmentIntentSchema>;
  policy_amendment_intent: z.infer<typeof kotaPolicyAmendmentIntentSchema>;
  dependents_management_intent: z.infer<typeof kotaDependentsManagementIntentSchema>;
  policy_import_intent: z.infer<typeof kotaPolicyImportIntentSchema>;
  group_quote_intent: z.infer<typeof kotaGroupQuoteIntentSchema>;
  group_policy_intent: z.infer<typeof kotaGroupPolicyIntentSchema>;
  associated_person: z.infer<typeof kotaAssociatedPersonSchema>;
}
