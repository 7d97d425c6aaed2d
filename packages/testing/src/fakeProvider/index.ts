/**
 * The fake provider: both providers' events APIs and signed webhook deliveries, on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { createFakeProvider } from '@policyflow/testing';
 * const fake = await createFakeProvider();
 * ```
 */
export type { DeliverOptions, DeliveryFaults, DeliveryOutcome, DeliveryReport } from './deliver.js';
export type { FakeKotaOptions } from './kotaApi.js';
export type {
  ApiFaults,
  FakeProvider,
  FakeProviderName,
  FakeProviderOptions,
  FakeProviderStats,
} from './server.js';
export { createFakeProvider } from './server.js';
export type { FakeSignature } from './sign.js';
export { signStandardWebhooks, signStripeStyle } from './sign.js';
export type { FakeTen99PolicyOptions } from './ten99policyApi.js';
