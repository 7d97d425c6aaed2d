import fc from 'fast-check';
import { signStandardWebhooks, signStripeStyle } from '../fakeProvider/sign.js';
import { lift } from './providerEvent.js';

/** Signature schemes the adapters verify. */
export type SignatureScheme = 'stripe' | 'standard-webhooks';

/** Input of {@link signPayload}. */
export interface SignInput {
  readonly scheme: SignatureScheme;
  /** Stripe-style: used as raw UTF-8. Standard Webhooks: `whsec_<base64>` (the base64 part is the key). */
  readonly secret: string;
  /** The raw body exactly as sent. */
  readonly payload: string;
  /** Unix seconds written into the signature. */
  readonly timestamp: number;
  /** Stripe-style header name. Default `ten99policy-signature`. */
  readonly header?: string;
  /** Standard Webhooks message id (`webhook-id`). Default `msg_<timestamp>`. */
  readonly messageId?: string;
}

/**
 * Signs a raw body the way a provider would: Stripe-style `t=<unix>,v1=<hex HMAC-SHA256("t.body")>`, or
 * Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256("id.t.body")>`).
 *
 * @example
 * ```ts
 * signPayload({ scheme: 'stripe', secret: 'whsec_test', payload: '{}', timestamp: 1700000000 });
 * // { 'ten99policy-signature': 't=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91' }
 * ```
 */
export function signPayload(input: SignInput): Record<string, string> {
  if (input.scheme === 'stripe') {
    const header = input.header ?? 'ten99policy-signature';
    return { [header]: signStripeStyle(input.secret, input.timestamp, input.payload) };
  }
  const id = input.messageId ?? `msg_${input.timestamp}`;
  return signStandardWebhooks(input.secret, id, input.timestamp, input.payload);
}

/** A signed delivery: the raw body, its headers, and how far the signer's clock was off. */
export interface SignedDelivery {
  readonly scheme: SignatureScheme;
  readonly payload: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Unix seconds in the signature. */
  readonly timestamp: number;
  /** `timestamp - now` in seconds: positive when the signer's clock runs ahead of the receiver's. */
  readonly skewSeconds: number;
}

/** Options of {@link signedDelivery}. */
export interface SignedDeliveryConstraints {
  readonly scheme?: SignatureScheme | fc.Arbitrary<SignatureScheme>;
  readonly secret: string;
  /** The receiver's time (epoch ms). */
  readonly now: number;
  /** Range of clock skew in seconds. Default ±600 (twice the usual 300 s tolerance, to hit both sides). */
  readonly minSkewSeconds?: number;
  readonly maxSkewSeconds?: number;
  /** Stripe-style header name. */
  readonly header?: string;
}

/**
 * An arbitrary of signed deliveries of bodies drawn from `body` (objects are serialized with `JSON.stringify`),
 * signed with a skewed clock.
 *
 * @example
 * ```ts
 * const arb = signedDelivery(providerEvent(catalog).map((e) => e.body), { secret, now: clock.now(), scheme: 'stripe' });
 * fc.assert(fc.asyncProperty(arb, async (d) => {
 *   const res = await handle(new Request(url, { method: 'POST', headers: d.headers, body: d.payload }));
 *   expect(res.status === 200).toBe(Math.abs(d.skewSeconds) <= 300);
 * }));
 * ```
 */
export function signedDelivery(
  body: unknown | fc.Arbitrary<unknown>,
  constraints: SignedDeliveryConstraints,
): fc.Arbitrary<SignedDelivery> {
  const nowSeconds = Math.floor(constraints.now / 1000);
  return fc
    .record({
      body: lift(body, fc.constant({})),
      scheme: lift(constraints.scheme, fc.constantFrom<SignatureScheme>('stripe', 'standard-webhooks')),
      skew: fc.integer({ min: constraints.minSkewSeconds ?? -600, max: constraints.maxSkewSeconds ?? 600 }),
    })
    .map(({ body: b, scheme, skew }) => {
      const payload = typeof b === 'string' ? b : JSON.stringify(b);
      const timestamp = nowSeconds + skew;
      const sign: SignInput = { scheme, secret: constraints.secret, payload, timestamp };
      const headers = signPayload(
        constraints.header === undefined ? sign : { ...sign, header: constraints.header },
      );
      return { scheme, payload, headers, timestamp, skewSeconds: skew };
    });
}
