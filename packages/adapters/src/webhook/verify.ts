import type { ErrorInfo } from '@policyflow/core';
import type { HeaderSource } from './headers.js';
import type { SignatureScheme, VerifyFailureCode } from './schemes.js';

/**
 * Default tolerance, either side of now: 5 minutes, as Stripe and Standard Webhooks use.
 *
 * @example
 * ```ts
 * createWebhookHandler({ engine, provider, scheme, secrets, toleranceSeconds: DEFAULT_TOLERANCE_SECONDS * 2 });
 * ```
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const failureMessages: Record<VerifyFailureCode, string> = {
  signature_missing: 'the webhook signature header is missing',
  signature_invalid: 'the webhook signature did not verify',
  timestamp_out_of_tolerance: 'the signed timestamp is outside the tolerance',
};

/**
 * The message for a failed verification. Deliberately the same for every way a signature can be wrong,
 * so an answer never hints at which part failed.
 *
 * @example
 * ```ts
 * failureInfo('signature_invalid').message; // 'the webhook signature did not verify'
 * ```
 */
export function failureInfo(code: VerifyFailureCode): ErrorInfo {
  return { code, message: failureMessages[code], path: [] };
}

/** Input of {@link verifyDelivery}. */
export interface StoredDelivery {
  readonly scheme: SignatureScheme;
  readonly secrets: ReadonlyArray<string>;
  readonly headers: HeaderSource;
  /** The raw body exactly as it was received. */
  readonly body: string | Uint8Array;
  /** When the delivery was received (epoch ms): the tolerance is checked against this, not against now. */
  readonly receivedAt: number;
  readonly toleranceSeconds?: number;
}

/** The outcome of {@link verifyDelivery}. */
export type DeliveryVerification =
  | { readonly ok: true; readonly timestamp: number | undefined; readonly deliveryId: string | undefined }
  | { readonly ok: false; readonly error: ErrorInfo };

/**
 * Verify-only mode: checks a stored delivery's signature as of the time it was received, without ingesting
 * it. Use it to audit an archive or before replaying deliveries kept elsewhere.
 *
 * @example
 * ```ts
 * const v = await verifyDelivery({ scheme: stripeStyle({ header: 'ten99policy-signature' }), secrets: [secret],
 *   headers: saved.headers, body: saved.body, receivedAt: saved.receivedAt });
 * if (!v.ok) console.log(v.error.code); // 'signature_invalid'
 * ```
 */
export async function verifyDelivery(delivery: StoredDelivery): Promise<DeliveryVerification> {
  if (delivery.secrets.length === 0) return { ok: false, error: failureInfo('signature_invalid') };
  const verify = delivery.scheme.verifier(delivery.secrets);
  const body = typeof delivery.body === 'string' ? Buffer.from(delivery.body, 'utf8') : delivery.body;
  const outcome = await verify(
    { headers: delivery.headers, body },
    { now: delivery.receivedAt, toleranceSeconds: delivery.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS },
  );
  if (!outcome.ok) return { ok: false, error: failureInfo(outcome.code) };
  return { ok: true, timestamp: outcome.timestamp, deliveryId: outcome.deliveryId };
}
