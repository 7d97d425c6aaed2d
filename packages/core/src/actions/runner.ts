import type { EngineEventName, EngineEvents } from '../bus.js';
import type { Clock } from '../clock.js';
import type { RetryPolicy } from '../rules/types.js';
import type { ActionJob, AuditEntry, Store } from '../store.js';
import { type AttemptEnd, attemptAction } from './attempt.js';
import { createLeases, reportLost } from './leases.js';
import { backoff } from './schedule.js';
import type { ActionDefinition, LogSink } from './types.js';

/** Dependencies of {@link createJobRunner}. */
export interface JobRunnerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly actions: ReadonlyMap<string, ActionDefinition>;
  readonly retryFor: (job: ActionJob) => RetryPolicy;
  readonly random: () => number;
  readonly emit: <E extends EngineEventName>(event: E, ...args: EngineEvents[E]) => void;
  readonly log: LogSink;
  /**
   * Jobs claimed per round. Default `concurrency`, so that every claimed job starts at once and its lease
   * (a shared store's) runs from its attempt, not from a wait in this process; everything due for the
   * in-process memory store.
   */
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

type Ended = Omit<AttemptEnd, 'status'> & { readonly status: ActionJob['status'] };

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
  // a shared store hands out what this runner starts at once, so several runners share the work and no
  // claimed job waits here while its lease runs.
  const concurrency = options.concurrency ?? 32;
  const batch = options.batch ?? (store.kind === 'memory' ? 1_000_000 : concurrency);
  let loop: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let cancelTimer: (() => void) | undefined;
  let timerAt: number | undefined;
  const leases = createLeases(store, clock, emit);

  async function finish(job: ActionJob, attempt: number, ended: Ended, runAt = job.runAt): Promise<void> {
    const reported = leases.release(job);
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
    // A job taken back after its lease ran out belongs to the runner that took it: this outcome is dropped.
    if ((await store.updateJob(next, [audit], job)) === false) {
      if (!reported) reportLost(emit, job);
      return;
    }
    const notice = ended.error ? { job: next, error: ended.error } : { job: next };
    emit(ended.kind, notice);
  }

  async function runOne(job: ActionJob): Promise<void> {
    leases.hold(job);
    const attempt = job.attempts + 1;
    let ended: AttemptEnd;
    try {
      ended = await attemptAction(job, {
        actions,
        store,
        lastTry: attempt >= job.maxAttempts,
        context: { job, attempt, now: clock.now, emit, log: options.log },
        clock,
      });
    } catch (error) {
      // The store failed (a `whileIn` look-up): the job stays running, and its lease must run out so that
      // a runner takes it back; renewing it for ever would strand it.
      leases.release(job);
      throw error;
    }
    if (ended.status === 'pending') {
      const runAt = clock.now() + backoff(options.retryFor(job), attempt, options.random);
      return finish(job, attempt, ended, runAt);
    }
    // A cancelled job never ran, so it used no attempt.
    return finish(job, ended.status === 'cancelled' ? job.attempts : attempt, ended);
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

  /** Jobs whose runner died mid-attempt, taken back by the store: reported as the attempt's end. */
  async function reclaim(): Promise<void> {
    for (const job of (await store.reclaimJobs?.(clock.now())) ?? []) {
      const notice = job.lastError ? { job, error: job.lastError } : { job };
      emit(job.status === 'dead' ? 'action.dead' : 'action.failed', notice);
    }
  }

  async function rounds(): Promise<void> {
    do {
      again = false;
      await reclaim();
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
      leases.close();
      cancelTimer?.();
      if (immediate !== undefined) clearImmediate(immediate);
    },
  };
}
