import { matchesState } from 'xstate';
import type { ErrorCode, ErrorInfo } from '../errors.js';
import type { ActionJob, Store } from '../store.js';
import type { ActionContext, ActionDefinition, ActionOutcome } from './types.js';

/** How one attempt of a job ended. `pending`: a retryable failure with attempts left. */
export interface AttemptEnd {
  readonly status: Extract<ActionJob['status'], 'succeeded' | 'cancelled' | 'dead' | 'pending'>;
  readonly kind: 'action.succeeded' | 'action.failed' | 'action.dead' | 'action.cancelled';
  readonly error: ErrorInfo | undefined;
}

function errorOf(code: ErrorCode, message: string): ErrorInfo {
  return { code, message, path: [] };
}

async function invoke(def: ActionDefinition, params: unknown, ctx: ActionContext): Promise<ActionOutcome> {
  try {
    const out = def.handler(params, ctx);
    // Handlers that finish at once (log, emit) skip the extra turn an await costs.
    return out instanceof Promise ? ((await out) as ActionOutcome) : out;
  } catch (error) {
    return { ok: false, retryable: true, message: (error as Error)?.message ?? String(error) };
  }
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
export async function attemptAction(
  job: ActionJob,
  options: {
    readonly actions: ReadonlyMap<string, ActionDefinition>;
    readonly store: Pick<Store, 'getResource'>;
    readonly lastTry: boolean;
    readonly context: ActionContext;
  },
): Promise<AttemptEnd> {
  const def = options.actions.get(job.type);
  if (def === undefined) {
    const error = errorOf('unknown_action', `no action type '${job.type}' is registered`);
    return { status: 'dead', kind: 'action.dead', error };
  }
  if (job.whileIn !== undefined && job.resourceKey !== undefined) {
    const snapshot = await options.store.getResource(job.resourceKey);
    if (snapshot === undefined || !matchesState(job.whileIn, snapshot.state)) {
      const error = errorOf('action_failed', `the resource left '${job.whileIn}' before the job came due`);
      return { status: 'cancelled', kind: 'action.cancelled', error };
    }
  }
  const parsed = def.params.safeParse(job.params);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`)
      .join('; ');
    const error = errorOf('action_params_invalid', `params of '${job.type}' do not match: ${message}`);
    return { status: 'dead', kind: 'action.dead', error };
  }
  const outcome = await invoke(def, parsed.data, options.context);
  if (outcome === undefined || outcome.ok)
    return { status: 'succeeded', kind: 'action.succeeded', error: undefined };
  const error = outcome.error ?? errorOf('action_failed', outcome.message);
  return outcome.retryable && !options.lastTry
    ? { status: 'pending', kind: 'action.failed', error }
    : { status: 'dead', kind: 'action.dead', error };
}
