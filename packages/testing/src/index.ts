/**
 * @policyflow/testing: property- and model-based testing of lifecycles, rules and delivery chaos.
 *
 * @example
 * ```ts
 * import { createTestEngine, lifecycleHistory, deliverySchedule } from '@policyflow/testing';
 * ```
 */
export type { DeliveryScheduleConstraints, ScheduledDelivery } from './arbitraries/deliverySchedule.js';
export { deliverySchedule } from './arbitraries/deliverySchedule.js';
export type { EnvelopeFields, EnvelopeVariant, EnvelopeVariantConstraints } from './arbitraries/envelope.js';
export { envelopeVariant, renderEnvelope, renderTimestamp } from './arbitraries/envelope.js';
export type {
  HistoryEvent,
  LifecycleHistory,
  LifecycleHistoryConstraints,
} from './arbitraries/lifecycleHistory.js';
export { lifecycleHistory } from './arbitraries/lifecycleHistory.js';
export type { ProviderEvent, ProviderEventConstraints } from './arbitraries/providerEvent.js';
export { providerEvent } from './arbitraries/providerEvent.js';
export type {
  ConditionTree,
  ConditionTreeConstraints,
  LeafCondition,
  RuleDefinition,
  RuleDefinitionConstraints,
} from './arbitraries/rules.js';
export { conditionFacts, conditionTree, leafCondition, ruleDefinition } from './arbitraries/rules.js';
export type {
  SignatureScheme,
  SignedDelivery,
  SignedDeliveryConstraints,
  SignInput,
} from './arbitraries/signedDelivery.js';
export { signedDelivery, signPayload } from './arbitraries/signedDelivery.js';
export type { AdvanceOptions, SimulatedClock, SimulatedClockOptions } from './clock.js';
export { createSimulatedClock } from './clock.js';
export type { Duration } from './duration.js';
export { toMilliseconds } from './duration.js';
export type {
  ApiFaults,
  DeliverOptions,
  DeliveryFaults,
  DeliveryOutcome,
  DeliveryReport,
  FakeKotaOptions,
  FakeProvider,
  FakeProviderName,
  FakeProviderOptions,
  FakeProviderStats,
  FakeSignature,
  FakeTen99PolicyOptions,
} from './fakeProvider/index.js';
export { createFakeProvider, signStandardWebhooks, signStripeStyle } from './fakeProvider/index.js';
export { seededRandom } from './fakeProvider/random.js';
export type {
  Deliverable,
  RecordedCall,
  RecordedEvent,
  TestEngine,
  TestEngineOptions,
} from './harness/createTestEngine.js';
export { createTestEngine } from './harness/createTestEngine.js';
export type { Fixture, LoadFixturesOptions } from './harness/fixtures.js';
export { loadFixtures } from './harness/fixtures.js';
export type { Matcher } from './harness/match.js';
export { matches } from './harness/match.js';
export type {
  CheckLifecycleOptions,
  Finding,
  FindingKind,
  IntendedFinding,
  LifecycleReport,
} from './model/checkLifecycle.js';
export { checkLifecycle } from './model/checkLifecycle.js';
export type {
  LifecycleModelConstraints,
  LifecycleModelState,
  LifecycleReal,
  LifecycleScenario,
} from './model/lifecycleModel.js';
export { lifecycleModel } from './model/lifecycleModel.js';
