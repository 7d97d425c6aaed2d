import { createHmac } from 'node:crypto';

/** How the fake provider signs a delivery. */
export type FakeSignature =
  | { readonly kind: 'stripe-style'; readonly header: string }
  | { readonly kind: 'standard-webhooks' };

/**
 * Stripe-style: `t=<unix>,v1=<hex HMAC-SHA256(secret as UTF-8, "{t}.{body}")>`, written here with node:crypto
 * alone so @policyflow/testing never depends on the adapters it tests.
 *
 * @example
 * ```ts
 * signStripeStyle('whsec_x', 1700000000, '{}'); // 't=1700000000,v1=…'
 * ```
 */
export function signStripeStyle(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.${body}`, 'utf8')
    .digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Standard Webhooks headers: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` over
 * `"{id}.{timestamp}.{body}"` with the base64 key after `whsec_`.
 *
 * @example
 * ```ts
 * signStandardWebhooks('whsec_c2VjcmV0', 'msg_1', 1700000000, '{}')['webhook-signature']; // 'v1,…'
 * ```
 */
export function signStandardWebhooks(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${sig}` };
}

/**
 * The signature headers for one delivery.
 *
 * @example
 * ```ts
 * signatureHeaders({ kind: 'stripe-style', header: 'ten99policy-signature' }, secret, 'ev_1', now, body);
 * ```
 */
export function signatureHeaders(
  signature: FakeSignature,
  secret: string,
  deliveryId: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  if (signature.kind === 'standard-webhooks')
    return signStandardWebhooks(secret, deliveryId, timestamp, body);
  return { [signature.header]: signStripeStyle(secret, timestamp, body) };
}
