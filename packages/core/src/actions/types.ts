import type { z } from 'zod';
import type { EngineEventName, EngineEvents } from '../bus.js';
import type { ErrorInfo } from '../errors.js';
import type { RetryOverrides } from '../rules/types.js';
import type { ActionJob } from '../store.js';

/** One line the `log` action writes. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly data: unknown;
  readonly jobId: string;
  readonly rule: string;
  readonly at: number;
}

/** Where the `log` action writes; the default prints JSON lines to the console. */
export type LogSink = (line: LogLine) => void;

/** What a handler is given besides its params. */
export interface ActionContext {
  readonly job: ActionJob;
  /** 1 for the first attempt. */
  readonly attempt: number;
  now(): number;
  emit<E extends EngineEventName>(event: E, ...args: EngineEvents[E]): void;
  readonly log: LogSink;
  /**
   * Aborted when the attempt runs past its action's `timeoutMs`: pass it to `fetch` and the like, so the
   * work stops when the attempt has already been counted as failed.
   */
  readonly signal: AbortSignal;
}

/**
 * What a handler returns: nothing (or `{ ok: true }`) when it worked; `{ ok: false, retryable }` when it did
 * not. A handler that throws counts as a retryable failure.
 */
export type ActionOutcome =
  | undefined
  | { readonly ok: true }
  | { readonly ok: false; readonly retryable: boolean; readonly message: string; readonly error?: ErrorInfo };

/**
 * A side effect: receives params parsed by its schema. Returning nothing is success; only an outcome with
 * `ok: false` is a failure, so a handler may return whatever its last call gave.
 */
export type ActionHandler<P = unknown> = (
  params: P,
  context: ActionContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: `async () => {}` returns Promise<void>, and must type-check.
) => ActionOutcome | void | Promise<ActionOutcome | void>;

/**
 * An action type: its handler, the zod schema its params must match (checked at load and again when it runs),
 * and optionally its own retry policy.
 *
 * @example
 * ```ts
 * const slack: ActionDefinition<{ channel: string; text: string }> = {
 *   handler: async (p) => { await post(p.channel, p.text); },
 *   params: z.object({ channel: z.string(), text: z.string() }),
 * };
 * ```
 */
export interface ActionDefinition<P = unknown> {
  readonly handler: ActionHandler<P>;
  readonly params: z.ZodType<P>;
  readonly retry?: RetryOverrides;
  /**
   * How long one attempt may take before it counts as a retryable failure (`action_timeout`) and its
   * `signal` is aborted. Default {@link DEFAULT_ACTION_TIMEOUT_MS}; `Infinity` for a handler that bounds its
   * own work (the built-in `http` action, whose requests carry their `timeoutMs`).
   */
  readonly timeoutMs?: number;
  /**
   * Top-level params that are URLs (the `http` action's `url`): a template inside one renders its value
   * percent-encoded, so event data cannot move the request to another path (`../admin`) or add a query.
   */
  readonly urlParams?: ReadonlyArray<string>;
}

/** What `engine.registerAction` takes besides the handler and its params schema. */
export type ActionOptions = Pick<ActionDefinition, 'retry' | 'timeoutMs' | 'urlParams'>;

/** `engine.registerAction`: adds a custom action type. */
export type RegisterAction = <P>(
  name: string,
  handler: ActionHandler<P>,
  params: z.ZodType<P>,
  options?: ActionOptions,
) => void;

/**
 * How long an attempt of an action may take unless its definition says otherwise: a handler that never
 * settles would otherwise hold its job `running` and its runner's round open for ever.
 */
export const DEFAULT_ACTION_TIMEOUT_MS = 60_000;
