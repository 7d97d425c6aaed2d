import { matchesState } from 'xstate';
import { type Clock, systemClock } from '../clock.js';
import type { ErrorCode, ErrorInfo } from '../errors.js';
import type { ActionJob, ResourceSnapshot, Store } from '../store.js';
import { fastParamsOf } from './fastParams.js';
import {
  type ActionContext,
  type ActionDefinition,
  type ActionOutcome,
  DEFAULT_ACTION_TIMEOUT_MS,
} from './types.js';

/** How one attempt of a job ended. `pending`: a retryable failure with attempts left. */
export interface AttemptEnd {
  readonly status: Extract<ActionJob['status'], 'succeeded' | 'cancelled' | 'dead' | 'pending'>;
  readonly kind: 'action.succeeded' | 'action.failed' | 'action.dead' | 'action.cancelled';
  readonly error: ErrorInfo | undefined;
}

function errorOf(code: ErrorCode, message: string): ErrorInfo {
  return { code, message, path: [] };
}

type Timer = Pick<Clock, 'setTimeout'>;

/**
 * The handler's context. Its `signal`'s controller is made on first use: most handlers never look, and the
 * log and emit actions run once per fired rule. A class, so every attempt's context has one shape with the
 * getter on its prototype: an object literal that spreads the base and adds a getter is built by a slow path.
 */
class AttemptContext implements ActionContext {
  readonly job: ActionJob;
  readonly attempt: number;
  readonly now: ActionContext['now'];
  readonly emit: ActionContext['emit'];
  readonly log: ActionContext['log'];
  #controller: AbortController | undefined;
  #aborted: Error | undefined;

  constructor(base: Omit<ActionContext, 'signal'>) {
    this.job = base.job;
    this.attempt = base.attempt;
    this.now = base.now;
    this.emit = base.emit;
    this.log = base.log;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted !== undefined) this.#controller.abort(this.#aborted);
    }
    return this.#controller.signal;
  }

  /** Aborts the signal, now if a handler holds it, or as it is made. */
  static abort(context: AttemptContext, reason: Error): void {
    context.#aborted = reason;
    context.#controller?.abort(reason);
  }
}

/** `pending` settled, or a retryable `action_timeout` once `ms` pass first (and the handler's signal aborted). */
function within(
  pending: Promise<unknown>,
  ms: number,
  timer: Timer,
  abort: (reason: Error) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const cancel = timer.setTimeout(() => {
      const message = `the action did not finish within ${ms} ms`;
      abort(new Error(message));
      resolve({ ok: false, retryable: true, message, error: errorOf('action_timeout', message) });
    }, ms);
    pending.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}

/**
 * Only `{ ok: false }` is a failure. A handler typed `void` (or written in JS) may return what its last
 * call did, a `Response` or a row, say, and that is a success, not a failure without a message.
 */
function outcomeOf(value: unknown): ActionOutcome {
  if (typeof value !== 'object' || value === null || (value as { ok?: unknown }).ok !== false)
    return undefined;
  const failed = value as { retryable?: unknown; message?: unknown; error?: ErrorInfo };
  const message = typeof failed.message === 'string' ? failed.message : 'the action reported a failure';
  return failed.error === undefined
    ? { ok: false, retryable: failed.retryable === true, message }
    : { ok: false, retryable: failed.retryable === true, message, error: failed.error };
}

function invoke(
  def: ActionDefinition,
  params: unknown,
  base: Omit<ActionContext, 'signal'>,
  timer: Timer,
): ActionOutcome | Promise<ActionOutcome> {
  const context = new AttemptContext(base);
  const ms = def.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  let out: unknown;
  try {
    out = def.handler(params, context);
  } catch (error) {
    return thrown(error);
  }
  // Handlers that finish at once (log, emit) skip the extra turn an await costs, and need no timer.
  if (!(out instanceof Promise)) return outcomeOf(out);
  const settled = Number.isFinite(ms)
    ? within(out, ms, timer, (reason) => AttemptContext.abort(context, reason))
    : out;
  return settled.then(outcomeOf, thrown);
}

function thrown(error: unknown): ActionOutcome {
  return { ok: false, retryable: true, message: (error as Error)?.message ?? String(error) };
}

/** What {@link attemptAction} needs. */
export interface AttemptOptions {
  readonly actions: ReadonlyMap<string, ActionDefinition>;
  /** Where `whileIn` reads the resource. */
  readonly store: Pick<Store, 'getResource'>;
  readonly lastTry: boolean;
  /** What the handler is given; its `signal` is added here. */
  readonly context: Omit<ActionContext, 'signal'>;
  /** Where the attempt's timeout is timed. Default: the system clock. */
  readonly clock?: Timer;
}

/**
 * One attempt of one action job: the unknown-type, `whileIn` and params checks, then the handler. Core's job
 * runner and the pg-boss action worker both call it, so an action means the same wherever it runs; they
 * differ only in who schedules the retry.
 *
 * @example
 * ```ts
 * const end = await attemptAction(job, { actions, store, lastTry: job.attempts + 1 >= job.maxAttempts, context });
 * if (end.status === 'pending') scheduleRetry(job);
 * ```
 */
export async function attemptAction(job: ActionJob, options: AttemptOptions): Promise<AttemptEnd> {
  return attemptNow(job, options);
}

/**
 * {@link attemptAction} without a turn where none is needed: an action whose handler answers at once, against a
 * store with a synchronous face, ends before this returns (the job runner's common case: log and emit).
 *
 * @example
 * ```ts
 * const end = attemptNow(job, options);
 * const ended = end instanceof Promise ? await end : end;
 * ```
 */
export function attemptNow(job: ActionJob, options: AttemptOptions): AttemptEnd | Promise<AttemptEnd> {
  const def = options.actions.get(job.type);
  if (def === undefined) {
    const error = errorOf('unknown_action', `no action type '${job.type}' is registered`);
    return { status: 'dead', kind: 'action.dead', error };
  }
  // A `whileIn` job reads its resource through the port (its async face): such jobs are delayed, and few.
  if (job.whileIn !== undefined && job.resourceKey !== undefined) {
    return options.store
      .getResource(job.resourceKey)
      .then((snapshot) => stillIn(job, snapshot) ?? attemptParsed(job, def, options));
  }
  return attemptParsed(job, def, options);
}

/** The cancellation of a `whileIn` job whose resource has left that state; undefined while it is still there. */
function stillIn(job: ActionJob, snapshot: ResourceSnapshot | undefined): AttemptEnd | undefined {
  if (snapshot !== undefined && matchesState(job.whileIn!, snapshot.state)) return undefined;
  const error = errorOf('action_failed', `the resource left '${job.whileIn}' before the job came due`);
  return { status: 'cancelled', kind: 'action.cancelled', error };
}

function attemptParsed(
  job: ActionJob,
  def: ActionDefinition,
  options: AttemptOptions,
): AttemptEnd | Promise<AttemptEnd> {
  const fast = fastParamsOf(def)?.(job.params);
  if (fast !== undefined) return invokeParsed(def, fast, options);
  const parsed = def.params.safeParse(job.params);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`)
      .join('; ');
    const error = errorOf('action_params_invalid', `params of '${job.type}' do not match: ${message}`);
    return { status: 'dead', kind: 'action.dead', error };
  }
  return invokeParsed(def, parsed.data, options);
}

function invokeParsed(
  def: ActionDefinition,
  params: unknown,
  options: AttemptOptions,
): AttemptEnd | Promise<AttemptEnd> {
  const outcome = invoke(def, params, options.context, options.clock ?? systemClock);
  return outcome instanceof Promise
    ? outcome.then((o) => endOf(o, options.lastTry))
    : endOf(outcome, options.lastTry);
}

// Shared: every attempt that works ends the same way, and its end is only read.
const SUCCEEDED: AttemptEnd = Object.freeze({
  status: 'succeeded',
  kind: 'action.succeeded',
  error: undefined,
});

function endOf(outcome: ActionOutcome, lastTry: boolean): AttemptEnd {
  if (outcome === undefined || outcome.ok) return SUCCEEDED;
  const error = outcome.error ?? errorOf('action_failed', outcome.message);
  return outcome.retryable && !lastTry
    ? { status: 'pending', kind: 'action.failed', error }
    : { status: 'dead', kind: 'action.dead', error };
}
