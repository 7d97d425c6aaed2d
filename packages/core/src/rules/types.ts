import type { StateValue } from 'xstate';
import type { PolicyEvent } from '../event.js';
import type { IngestStatus, ResourceSnapshot } from '../store.js';

/** A leaf condition, as json-rules-engine writes it. */
export interface LeafCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
  readonly path?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly priority?: number;
  readonly name?: string;
}

/** `all` / `any` / `not` / a reference to a named condition: json-rules-engine's boolean conditions. */
export type BooleanCondition =
  | { readonly all: ReadonlyArray<Condition>; readonly name?: string; readonly priority?: number }
  | { readonly any: ReadonlyArray<Condition>; readonly name?: string; readonly priority?: number }
  | { readonly not: Condition; readonly name?: string; readonly priority?: number }
  | { readonly condition: string; readonly name?: string; readonly priority?: number };

/** Any json-rules-engine condition. */
export type Condition = LeafCondition | BooleanCondition;

/**
 * When a rule is a candidate: an event type (or `prefix.*`, or `*`), a list of them, a lifecycle transition,
 * or a violation (an event the machine did not allow).
 */
export type Trigger =
  | string
  | ReadonlyArray<string>
  | { readonly event: string | ReadonlyArray<string>; readonly provider?: string }
  | {
      readonly lifecycle: string;
      readonly provider?: string;
      readonly from?: string | ReadonlyArray<string>;
      readonly to?: string | ReadonlyArray<string>;
    }
  | { readonly violation: true; readonly lifecycle?: string; readonly provider?: string };

/** Retry policy of an action: attempts in all (the first included) and full-jitter exponential backoff. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Some fields of a retry policy (the rest come from the engine's default). */
export type RetryOverrides = { readonly [K in keyof RetryPolicy]?: RetryPolicy[K] | undefined };

/** One action of a rule. */
export interface ActionSpec {
  readonly type: string;
  readonly params?: unknown;
  /** `30s`, `15m`, `2h`, `2d`, or milliseconds. */
  readonly delay?: string | number;
  /** A template of a date (ISO or Unix): the job runs then. */
  readonly at?: string;
  /** Cancel the job when it comes due if the resource has left this state. */
  readonly whileIn?: string;
  readonly retry?: RetryOverrides;
}

/** A rule: when `on` matches and `conditions` pass, `actions` become jobs. */
export interface RuleSpec {
  readonly name: string;
  readonly on: Trigger;
  readonly conditions?: BooleanCondition;
  /** Higher runs first (json-rules-engine's meaning). Default 1. */
  readonly priority?: number;
  readonly actions: ReadonlyArray<ActionSpec>;
  readonly description?: string;
}

/**
 * The facts a condition can name. Host facts are added by name (see `EngineOptions.facts`).
 * `resource` is the snapshot after the event (for a rejected event: the unchanged one; none for unhandled).
 */
export interface Facts {
  readonly event: PolicyEvent;
  readonly resource: ResourceSnapshot | undefined;
  readonly transition:
    | { readonly from: StateValue | undefined; readonly to: StateValue; readonly forced: boolean }
    | undefined;
  readonly provider: string;
  readonly now: number;
  readonly status: IngestStatus;
}

/**
 * The names of the built-in facts.
 *
 * @example
 * ```ts
 * BUILTIN_FACTS.has('resource'); // true
 * ```
 */
export const BUILTIN_FACTS: ReadonlySet<string> = new Set([
  'event',
  'resource',
  'transition',
  'provider',
  'now',
  'status',
]);

/**
 * A fact the host computes. A bare function is synchronous (and compiled); `{ async }` is evaluated by
 * json-rules-engine.
 *
 * @example
 * ```ts
 * const facts = { tier: (f) => tiers.get(f.resource?.id ?? ''), credit: { async: (f) => api.credit(f.event.data.employer) } };
 * ```
 */
export type HostFact =
  | ((facts: Facts, params: Readonly<Record<string, unknown>>) => unknown)
  | { readonly async: (facts: Facts, params: Readonly<Record<string, unknown>>) => Promise<unknown> };
