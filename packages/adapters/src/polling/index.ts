/**
 * `@policyflow/adapters/polling`: the providers' events API clients and pollers that feed the engine.
 *
 * @example
 * ```ts
 * import { createPoller, kotaClient } from '@policyflow/adapters/polling';
 * const poller = createPoller({ engine, client: kotaClient({ baseUrl, apiKey }) });
 * await poller.pollOnce();
 * ```
 */
export type { ProviderApiErrorDetails } from './errors.js';
export { ProviderApiError, parseKotaProblem, parseTen99PolicyError } from './errors.js';
export type { CallOptions, FetchLike } from './http.js';
export { parseRetryAfter } from './http.js';
export type {
  KotaClient,
  KotaClientOptions,
  KotaEvent,
  KotaEventQuery,
  KotaPage,
  KotaReplayResult,
} from './kota.js';
export { kotaClient } from './kota.js';
export type { KotaPollOptions } from './kotaPoller.js';
export type { Poller, PollerOptions, StartOptions } from './poller.js';
export { createPoller } from './poller.js';
export type { RetryOptions, Sleep } from './retry.js';
export { backoffDelay, parseDuration, realSleep, withRetry } from './retry.js';
export type { PollSummary } from './runtime.js';
export type {
  Ten99PolicyClient,
  Ten99PolicyClientOptions,
  Ten99PolicyEvent,
  Ten99PolicyEventQuery,
} from './ten99policy.js';
export { ten99policyClient } from './ten99policy.js';
export type { Ten99PolicyPollOptions } from './ten99policyPoller.js';
