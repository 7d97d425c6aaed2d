import { matchesState } from 'xstate';
import type { EngineEventName, EngineEvents } from '../bus.js';
import type { Clock } from '../clock.js';
import type { ErrorCode, ErrorInfo } from '../errors.js';
import type { RetryPolicy } from '../rules/types.js';
import type { ActionJob, AuditEntry, Store } from '../store.js';
import { backoff } from './schedule.js';
import type { ActionDefinition, ActionOutcome, LogSink } from './types.js';

/** Dependencies of {@link createJobRunner}. */
export interface JobRunnerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly actions: ReadonlyMap<string, ActionDefinition>;
  readonly retryFor: (job: ActionJob) => RetryPolicy;
  readonly random: () => number;
  readonly emit: <E extends EngineEventName>(event: E, ...args: EngineEvents[E]) => void;
  readonly log: LogSink;
  /** Jobs claimed per round. Default 256; everything due for the in-process memory store. */
  readonly batch?: number;
  /** Jobs run at once. Default 32. */
  readonly concurrency?: number;
}

/** Runs due jobs from the store: at least once, with retries, dead letters and `whileIn` cancellation. */
export interface JobRunner {
  /** Runs due jobs soon (after the current turn). */
  kick(): void;
  /** Resolves when no job is running and none is due at the clock's now. */
  drain(): Promise<void>;
  /** Makes a dead job pending again with a fresh set of attempts; false when it is not dead. */
  retryDead(id: string): Promise<boolean>;
  close(): void;
}

type EndKind = 'action.succeeded' | 'action.failed' | 'action.dead' | 'action.cancelled';
type Ended = { status: ActionJob['status']; kind: EndKind; error: ErrorInfo | undefined };

function errorOf(code: ErrorCode, message: string): ErrorInfo {
  return { code, message, path: [] };
}

async function invoke(
  def: ActionDefinition,
  params: unknown,
  ctx: Parameters<ActionDefinition['handler']>[1],
) {
  try {
    const out = def.handler(params, ctx);
    // Handlers that finish at once (log, emit) skip the extra turn an await costs.
    return out instanceof Promise ? ((await out) as ActionOutcome) : out;
  } catch (error) {
    return { ok: false, retryable: true, message: (error as Error)?.message ?? String(error) } as const;
  }
}

// Runs `fn` over `items` with at most `limit` in flight; the common case (few items) is one Promise.all.
async function pool<T>(
  items: ReadonlyArray<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  if (items.length <= limit) {
    await Promise.all(items.map(fn));
    return;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * Creates the job runner of an engine.
 *
 * @example
 * ```ts
 * const runner = createJobRunner({ store, clock, actions, retryFor: () => DEFAULT_RETRY, random: Math.random, emit, log });
 * runner.kick(); await runner.drain();
 * ```
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { store, clock, actions, emit } = options;
  // The memory store scans all its jobs on every claim, so it is cheapest to claim everything due at once;
  // a shared store hands out small batches so several workers share the work.
  const batch = options.batch ?? (store.kind === 'memory' ? 1_000_000 : 256);
  const concurrency = options.concurrency ?? 32;
  let loop: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let cancelTimer: (() => void) | undefined;
  let timerAt: number | undefined;

  async function finish(job: ActionJob, attempt: number, ended: Ended, runAt = job.runAt): Promise<void> {
    const now = clock.now();
    const next: ActionJob = {
      ...job,
      status: ended.status,
      attempts: attempt,
      runAt,
      lastError: ended.error,
      updatedAt: now,
    };
    const audit: AuditEntry = {
      at: now,
      resourceKey: job.resourceKey,
      eventId: job.eventId,
      kind: ended.kind,
      rule: job.rule,
      jobId: job.id,
      ...(ended.error ? { error: ended.error } : {}),
    };
    await store.updateJob(next, [audit]);
    const notice = ended.error ? { job: next, error: ended.error } : { job: next };
    emit(ended.kind, notice);
  }

  async function stillIn(job: ActionJob): Promise<boolean> {
    if (job.whileIn === undefined || job.resourceKey === undefined) return true;
    const snapshot = await store.getResource(job.resourceKey);
    return snapshot !== undefined && matchesState(job.whileIn, snapshot.state);
  }

  async function runOne(job: ActionJob): Promise<void> {
    const attempt = job.attempts + 1;
    const def = actions.get(job.type);
    if (def === undefined) {
      const error = errorOf('unknown_action', `no action type '${job.type}' is registered`);
      return finish(job, attempt, { status: 'dead', kind: 'action.dead', error });
    }
    if (job.whileIn !== undefined && !(await stillIn(job))) {
      const error = errorOf('action_failed', `the resource left '${job.whileIn}' before the job came due`);
      return finish(job, job.attempts, { status: 'cancelled', kind: 'action.cancelled', error });
    }
    const parsed = def.params.safeParse(job.params);
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`)
        .join('; ');
      const error = errorOf('action_params_invalid', `params of '${job.type}' do not match: ${message}`);
      return finish(job, attempt, { status: 'dead', kind: 'action.dead', error });
    }
    const outcome = await invoke(def, parsed.data, { job, attempt, now: clock.now, emit, log: options.log });
    if (outcome === undefined || outcome.ok) {
      return finish(job, attempt, { status: 'succeeded', kind: 'action.succeeded', error: undefined });
    }
    const error = outcome.error ?? errorOf('action_failed', outcome.message);
    if (outcome.retryable && attempt < job.maxAttempts) {
      const runAt = clock.now() + backoff(options.retryFor(job), attempt, options.random);
      return finish(job, attempt, { status: 'pending', kind: 'action.failed', error }, runAt);
    }
    return finish(job, attempt, { status: 'dead', kind: 'action.dead', error });
  }

  async function schedule(): Promise<void> {
    const due = await store.nextJobDueAt();
    if (closed || due === undefined) return;
    const now = clock.now();
    if (due <= now) return kick();
    if (timerAt !== undefined && timerAt <= due) return;
    cancelTimer?.();
    timerAt = due;
    cancelTimer = clock.setTimeout(() => {
      timerAt = undefined;
      cancelTimer = undefined;
      kick();
    }, due - now);
  }

  async function rounds(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const jobs = await store.claimJobs(clock.now(), batch);
        if (jobs.length === 0) break;
        await pool(jobs, concurrency, runOne);
      }
    } while (again && !closed);
    await schedule();
  }

  function start(): Promise<void> {
    if (loop === undefined) {
      loop = rounds().finally(() => {
        loop = undefined;
      });
    } else {
      again = true;
    }
    return loop;
  }

  function kick(): void {
    if (closed || immediate !== undefined) return;
    immediate = setImmediate(() => {
      immediate = undefined;
      // A store that fails mid-round leaves the jobs to the next round; the host hears of it on the bus.
      start().catch((error: unknown) => {
        emit('warning', {
          code: 'runner_error',
          message: `action runner: ${(error as Error)?.message ?? String(error)}`,
        });
      });
    });
  }

  return {
    kick,
    async drain() {
      for (;;) {
        if (closed) return;
        await start();
        const due = await store.nextJobDueAt();
        if (loop === undefined && (due === undefined || due > clock.now())) return;
      }
    },
    async retryDead(id) {
      const job = await store.getJob(id);
      if (job === undefined || job.status !== 'dead') return false;
      const now = clock.now();
      const maxAttempts = options.retryFor(job).attempts;
      await store.updateJob({
        ...job,
        status: 'pending',
        attempts: 0,
        maxAttempts,
        runAt: now,
        updatedAt: now,
      });
      kick();
      return true;
    },
    close() {
      closed = true;
      cancelTimer?.();
      if (immediate !== undefined) clearImmediate(immediate);
    },
  };
}
