import { z } from 'zod';

// 1099Policy documents Unix seconds, but one guide renders the same fields as zone-less ISO strings
// (`2023-09-29T19:26:32.500931`), so every time field takes either. Checked cheaply: no parsing here.
const timestamp = z.union([z.number(), z.string()]);
const text = z.string().nullable().optional();

const certificateUrls = z.looseObject({ gl_coi_pdf_url: text, wc_coi_pdf_url: text }).nullable().optional();

/**
 * `data` of `application.*`: an insurance application session (`ias_…`). Only `application.started` is
 * confirmed; the other types are assumed to carry the same session, so everything but `id` is optional.
 *
 * @example
 * ```ts
 * sessionSchema.parse({ id: 'ias_01FV', step: 'verify_info', expired: false });
 * ```
 */
export const sessionSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  quote: text,
  contractor: text,
  /** `verify_info`, `application_questions`, …, `application_complete`; kept open for new steps. */
  step: text,
  expired: z.boolean().optional(),
  url: text,
  success_url: text,
  cancel_url: text,
  is_general_opt_in: z.boolean().nullable().optional(),
  general_opt_in_work_state: text,
  created: timestamp.optional(),
});

/**
 * `data` of `policy.*`: a policy (`pl_…`). `status` is `active`, `cancelled` or `expired`, kept a plain string
 * so a status the provider adds later is not rejected as invalid input.
 *
 * @example
 * ```ts
 * policySchema.parse({ id: 'pl_WzFRszJhoY', status: 'active', effective_date: '2023-09-27T05:37:06' });
 * ```
 */
export const policySchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  quote: text,
  status: z.string().optional(),
  is_active: z.boolean().optional(),
  pdf_url: text,
  certificates: certificateUrls,
  created: timestamp.optional(),
  effective_date: timestamp.nullable().optional(),
  expiration_date: timestamp.nullable().optional(),
});

/**
 * `data` of `assignment.*`: a contractor's cover for one job (`an_…`).
 *
 * @example
 * ```ts
 * assignmentSchema.parse({ id: 'an_rDpc5e7D2s', job: 'jb_1', contractor: 'cn_1', policy: 'pl_1' });
 * ```
 */
export const assignmentSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  job: text,
  contractor: text,
  policy: text,
  bind: z.boolean().optional(),
  coverage_type: z.array(z.string()).optional(),
  eligible: z.looseObject({ result: z.boolean().optional(), message: text }).nullable().optional(),
  net_rate: z.number().nullable().optional(),
  certificates: certificateUrls,
  effective_date: timestamp.nullable().optional(),
  end_date: timestamp.nullable().optional(),
  created: timestamp.optional(),
});

/**
 * `data.object` of `certificate.*`: a certificate of insurance under review (`cert_…`). `status` is the review
 * outcome: `approved`, `flagged`, `denied` or `error`.
 *
 * @example
 * ```ts
 * certificateSchema.parse({ id: 'cert_aBcDeFgHiJ', contractor: 'cn_abc123', status: 'flagged', created: 1706745600 });
 * ```
 */
export const certificateSchema = z.looseObject({
  id: z.string(),
  contractor: text,
  status: z.string().optional(),
  created: timestamp.optional(),
});

/**
 * `data` of `invoice.*`: the premium due for one pay cycle (`in_…`); money in cents.
 *
 * @example
 * ```ts
 * invoiceSchema.parse({ id: 'in_4RviYgc2Wt', gross_pay: 250000, premium_due: 4325 });
 * ```
 */
export const invoiceSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  contractor: text,
  job: text,
  gross_pay: z.number().nullable().optional(),
  premium_due: z.number().nullable().optional(),
  paycycle_startdate: timestamp.nullable().optional(),
  paycycle_enddate: timestamp.nullable().optional(),
  purchase_order_number: text,
  created: timestamp.optional(),
});

/**
 * `data` of `category_code.added`: a job category code. Its shape is not documented; `id` is required so the
 * code has a resource key, `code` and `name` are what the sample shows.
 *
 * @example
 * ```ts
 * categoryCodeSchema.parse({ id: 'jc_7PqR2sT9uV', code: 'AB-1234', name: 'Social media content creator' });
 * ```
 */
export const categoryCodeSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  code: text,
  name: text,
  created: timestamp.optional(),
});

/**
 * A 1099Policy session as the schema reads it (unknown fields kept).
 *
 * @example
 * ```ts
 * const step = (event.data as Ten99PolicySession).step;
 * ```
 */
export type Ten99PolicySession = z.infer<typeof sessionSchema>;
/**
 * A 1099Policy policy as the schema reads it.
 *
 * @example
 * ```ts
 * const active = (event.data as Ten99PolicyPolicy).is_active;
 * ```
 */
export type Ten99PolicyPolicy = z.infer<typeof policySchema>;
/**
 * A 1099Policy assignment as the schema reads it.
 *
 * @example
 * ```ts
 * const policyId = (event.data as Ten99PolicyAssignment).policy;
 * ```
 */
export type Ten99PolicyAssignment = z.infer<typeof assignmentSchema>;
/**
 * A 1099Policy certificate as the schema reads it.
 *
 * @example
 * ```ts
 * const status = (event.data as Ten99PolicyCertificate).status;
 * ```
 */
export type Ten99PolicyCertificate = z.infer<typeof certificateSchema>;
/**
 * A 1099Policy invoice as the schema reads it.
 *
 * @example
 * ```ts
 * const cents = (event.data as Ten99PolicyInvoice).premium_due;
 * ```
 */
export type Ten99PolicyInvoice = z.infer<typeof invoiceSchema>;
/**
 * A 1099Policy job category code as the schema reads it.
 *
 * @example
 * ```ts
 * const code = (event.data as Ten99PolicyCategoryCode).code;
 * ```
 */
export type Ten99PolicyCategoryCode = z.infer<typeof categoryCodeSchema>;
