import { type Catalog, defineCatalog, type EventTypeSpec } from '../catalog.js';
import {
  applicationMachine,
  assignmentMachine,
  categoryCodeMachine,
  certificateMachine,
  invoiceMachine,
  policyMachine,
} from '../lifecycles/ten99policy/index.js';
import {
  assignmentSchema,
  categoryCodeSchema,
  certificateSchema,
  invoiceSchema,
  policySchema,
  sessionSchema,
} from './ten99policy/schemas.js';

/**
 * The 1099Policy lifecycles by name: the machine that defines each resource kind's states.
 *
 * @example
 * ```ts
 * ten99policyLifecycles.policy.id; // 'policy'
 * ```
 */
export const ten99policyLifecycles = Object.freeze({
  application: applicationMachine,
  policy: policyMachine,
  assignment: assignmentMachine,
  certificate: certificateMachine,
  invoice: invoiceMachine,
  category_code: categoryCodeMachine,
});

type Lifecycle = keyof typeof ten99policyLifecycles;
type Spec = EventTypeSpec & { readonly lifecycle: Lifecycle };

// After `data.object` unwrapping (normalizeEvent does it), every 1099Policy resource carries its own `id`.
const application = (description: string): Spec => ({
  lifecycle: 'application',
  id: 'id',
  data: sessionSchema,
  description,
});
const policy = (description: string): Spec => ({
  lifecycle: 'policy',
  id: 'id',
  data: policySchema,
  description,
});
const assignment = (description: string): Spec => ({
  lifecycle: 'assignment',
  id: 'id',
  data: assignmentSchema,
  description,
});
const certificate = (description: string): Spec => ({
  lifecycle: 'certificate',
  id: 'id',
  data: certificateSchema,
  description,
});
const invoice = (description: string): Spec => ({
  lifecycle: 'invoice',
  id: 'id',
  data: invoiceSchema,
  description,
});

/** Every 1099Policy event type (providers.md §2.3): the webhook enum plus `certificate.error` from the guide. */
const events = {
  'application.created': application('An insurance application session was created.'),
  'application.started': application('The contractor opened the application.'),
  'application.complete': application('The contractor finished the application; the policy is bound.'),
  'application.expired': application('The application session expired.'),
  'application.ineligible': application('The contractor is not eligible for the quoted cover.'),
  'application.manual_review': application('The application needs an underwriter to review it.'),
  'application.manual_review_approved': application('An underwriter approved the application.'),
  'policy.active': policy('The policy is bound and active.'),
  'policy.active.media': policy('Media coverage on the policy is active.'),
  'policy.cancelled': policy('The policy was cancelled.'),
  'policy.reactivated': policy('A cancelled policy was reactivated.'),
  'assignment.active': assignment("The assignment is active (the contractor's card charge succeeded)."),
  'assignment.cancelled': assignment('The assignment was cancelled.'),
  'certificate.approved': certificate('The certificate of insurance passed its compliance review.'),
  'certificate.flagged': certificate('The certificate of insurance was flagged for a closer review.'),
  'certificate.denied': certificate('The certificate of insurance failed its compliance review.'),
  'certificate.error': certificate('The certificate of insurance could not be processed.'),
  'invoice.charge_card_succeeded': invoice("The invoice's card charge succeeded."),
  'invoice.charge_card_failed': invoice("The invoice's card charge failed."),
  'category_code.added': {
    lifecycle: 'category_code',
    id: 'id',
    data: categoryCodeSchema,
    description: 'A job category code was added.',
  },
} satisfies Record<string, Spec>;

// Built on the first call, not at import, then once: the engine caches the tables it derives per machine
// object, so every call returns this one.
let catalog: Catalog | undefined;

/**
 * The built-in 1099Policy catalog: 20 event types over six lifecycles (application, policy, assignment,
 * certificate, invoice, category_code). Every call returns the same frozen object.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: [ten99policy()] });
 * ten99policy().events.get('policy.cancelled')?.lifecycle; // 'policy'
 * ```
 */
export function ten99policy(): Catalog {
  catalog ??= defineCatalog({ provider: 'ten99policy', lifecycles: ten99policyLifecycles, events });
  return catalog;
}
