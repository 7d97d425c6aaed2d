/**
 * Reasons machines give for structural findings that are intended (read by `checkLifecycle` of
 * `@policyflow/testing` from a machine's `meta.policyflow.intended`).
 */
export const reasons = {
  noEventAnnounces:
    'the provider sends no event for this status; the machine keeps the state so the status enum is complete',
  noExit: 'the provider has no event that leaves this state; the record lives on',
  orderDependent:
    'data-only and one-region events do not fix the whole state; per-region staleness makes delivery order irrelevant',
} as const;

/** A finding a machine documents as intended. */
export interface IntendedFinding {
  readonly kind: string;
  readonly subject: string;
  readonly reason: string;
}

/** `meta` for a machine that documents intended findings. */
export function intended(...findings: ReadonlyArray<IntendedFinding>): {
  readonly policyflow: { readonly intended: ReadonlyArray<IntendedFinding> };
} {
  return { policyflow: { intended: findings } };
}

/** Shorthand for the order-dependence finding every data-only or one-region event raises. */
export const orderDependent: IntendedFinding = {
  kind: 'order_dependent_event',
  subject: '*',
  reason: reasons.orderDependent,
};
