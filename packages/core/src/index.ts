/**
 * @policyflow/core: provider events → lifecycle state → declarative side effects.
 *
 * @example
 * ```ts
 * import { createEngine, kota, ten99policy } from '@policyflow/core';
 * const engine = createEngine({ providers: [kota(), ten99policy()] });
 * ```
 */

export type { AttemptEnd } from './actions/attempt.js';
export { attemptAction } from './actions/attempt.js';
export { builtinActions, consoleLogSink, emitAction, logAction } from './actions/builtins.js';
export type { HttpParams } from './actions/http.js';
export { httpAction, httpParams, signStandardWebhook } from './actions/http.js';
export { backoff, DEFAULT_RETRY, mergeRetry, parseDelay } from './actions/schedule.js';
export { compileTemplates, TEMPLATE_ROOTS } from './actions/templates.js';
// Rules, actions and config (added by the rules work).
export type {
  ActionContext,
  ActionDefinition,
  ActionHandler,
  ActionOptions,
  ActionOutcome,
  LogLine,
  LogSink,
} from './actions/types.js';
export { DEFAULT_ACTION_TIMEOUT_MS } from './actions/types.js';
export type {
  ActionNotice,
  EngineEventName,
  EngineEvents,
  GapNotice,
  InvalidNotice,
  TransitionNotice,
  ViolationNotice,
  WarningCode,
  WarningNotice,
} from './bus.js';
export type { Catalog, CatalogEntry, CatalogInput, EventTypeSpec, LifecycleSpec } from './catalog.js';
export { defineCatalog } from './catalog.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { ConfigIssue, LoadConfigOptions, OmittableSection } from './config/load.js';
export { loadConfig } from './config/load.js';
export type { PolicyflowConfig } from './config/schema.js';
export { configJsonSchema, configSchema, ruleSchema } from './config/schema.js';
export type {
  Engine,
  EngineOptions,
  FiredAction,
  IngestOptions,
  IngestResult,
  Reaction,
  ReactionInput,
  Reactor,
  ReconcilePolicy,
  ResourceView,
} from './engine.js';
export { createEngine } from './engine.js';
export type { ErrorCode, ErrorInfo, ErrorIssue, ErrorPath } from './errors.js';
export { describeIssue, errorCodes, formatPath, isPolicyflowError, PolicyflowError } from './errors.js';
export type { EventSource, PolicyEvent, ResourceRef } from './event.js';
export { describeError } from './internal/describe.js';
export type { Envelope, EnvelopeReader } from './internal/envelope.js';
export { hashEventBody, parseTimestamp, readStandardEnvelope } from './internal/envelope.js';
export type { Step, TransitionTable } from './internal/table.js';
export { deriveTable, handles, stateKey, tableFor } from './internal/table.js';
export type { NormalizeResult } from './normalize.js';
export { normalizeEvent } from './normalize.js';
export type { KotaData } from './providers/kota/schemas.js';
// Providers and lifecycles (added by the catalog work).
export { kota, kotaLifecycles } from './providers/kota.js';
export type {
  Ten99PolicyAssignment,
  Ten99PolicyCategoryCode,
  Ten99PolicyCertificate,
  Ten99PolicyInvoice,
  Ten99PolicyPolicy,
  Ten99PolicySession,
} from './providers/ten99policy/schemas.js';
export { ten99policy, ten99policyLifecycles } from './providers/ten99policy.js';
export type { RulesEngineApi, RulesEngineOptions } from './rules/attach.js';
export type { TriggerEnv } from './rules/checkTriggers.js';
export { checkTriggers, statePatterns, triggerEnvOf } from './rules/checkTriggers.js';
export type { CompiledNode, ConditionTrace, FactRecord, Predicate } from './rules/compile.js';
export { compileNode, NotCompilable, toPredicate, trace } from './rules/compile.js';
export type { ExplainedAction, Explanation, RuleExplanation } from './rules/explain.js';
export type { OperatorDef, OperatorFn, OperatorSet } from './rules/operators.js';
export {
  createOperatorSet,
  defaultOperators,
  insuranceOperators,
  resolveOperator,
} from './rules/operators.js';
export type { NormalizedTrigger } from './rules/triggers.js';
export { normalizeTrigger, TriggerIndex } from './rules/triggers.js';
export type {
  ActionSpec,
  BooleanCondition,
  Condition,
  Facts,
  HostFact,
  LeafCondition,
  RetryOverrides,
  RetryPolicy,
  RuleSpec,
  Trigger,
} from './rules/types.js';
export type {
  ActionJob,
  AuditEntry,
  CommitOutcome,
  HistoryEntry,
  IngestStatus,
  IngestWrite,
  InvalidRecord,
  JobStatus,
  LedgerEntry,
  ResourceSnapshot,
  Store,
} from './store.js';
export { ingestStatuses } from './store.js';
export type { MemoryStoreOptions } from './stores/memory.js';
export { createMemoryStore } from './stores/memory.js';
