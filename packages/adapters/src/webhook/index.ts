/**
 * `@policyflow/adapters/webhook`: verify signed webhook deliveries and ingest them.
 *
 * @example
 * ```ts
 * import { createWebhookHandler, stripeStyle, toNodeListener } from '@policyflow/adapters/webhook';
 * const handle = createWebhookHandler({ engine, provider: 'ten99policy',
 *   scheme: stripeStyle({ header: 'ten99policy-signature' }), secrets: ['whsec_…'], toleranceSeconds: 300 });
 * ```
 */
export type { FastifyLikeInstance, FastifyLikeReply, FastifyLikeRequest } from './fastify.js';
export { fastifyWebhook, toFastifyHandler } from './fastify.js';
export type {
  RawDelivery,
  WebhookAnswer,
  WebhookHandler,
  WebhookHandlerCommon,
  WebhookHandlerOptions,
  WebhookQueue,
  WebhookReply,
} from './handler.js';
export { createWebhookHandler, DEFAULT_MAX_BODY_BYTES, fromRequest } from './handler.js';
export type { HeaderSource } from './headers.js';
export { readHeader } from './headers.js';
export type { HonoLikeContext } from './hono.js';
export { toHonoHandler } from './hono.js';
export { fromNodeRequest, toExpressHandler, toNodeListener, writeAnswer } from './node.js';
export type {
  CustomVerifyInput,
  SchemeOutcome,
  SignatureScheme,
  SignedDelivery,
  SignOptions,
  StandardWebhooksOptions,
  StripeStyleOptions,
  Verifier,
  VerifyContext,
  VerifyFailureCode,
} from './schemes.js';
export {
  customScheme,
  kotaSignature,
  standardWebhooks,
  stripeStyle,
  ten99policySignature,
} from './schemes.js';
export type { DeliveryVerification, StoredDelivery } from './verify.js';
export { DEFAULT_TOLERANCE_SECONDS, verifyDelivery } from './verify.js';
