import type { EngineEventName, EngineEvents } from '../bus.js';
import type { Clock } from '../clock.js';
import type { RetryPolicy } from '../rules/types.js';
import type { ActionJob, AuditEntry, Store } from '../store.js';
import { type AttemptEnd, attemptAction } from './attempt.js';
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

/** The claims a runner holds, renewed while their attempts run. */
interface Leases {
  /** The job starts its attempt: its lease is renewed from now on. */
  hold(job: ActionJob): void;
  /** The attempt ended (its outcome is about to be written): renewal stops. True when its loss was reported. */
  release(job: ActionJob): boolean;
  close(): void;
}

/** Reports a claim that no longer stands: another runner took the job back, and this attempt's outcome is dropped. */
function reportLost(emit: JobRunnerOptions['emit'], job: ActionJob): void {
  emit('warning', {
    code: 'lease_lost',
    message: `action runner: job ${job.id} was taken back while its attempt ran; its outcome is dropped`,
  });
}

const NO_LEASES: Leases = { hold() {}, release: () => false, close() {} };

/**
 * A store that takes jobs back after a lease (`reclaimJobs`) would take back an attempt that is merely slow:
 * while attempts run, their leases are renewed every third of the lease. A renewal moves only the lease's
 * end, never the claim the attempt's outcome is fenced on, so it never has to be waited for.
 */
function createLeases(options: JobRunnerOptions): Leases {
  const { store, clock } = options;
  const leaseMs = store.jobLeaseMs;
  if (store.renewJobs === undefined || leaseMs === undefined) return NO_LEASES;
  const renewJobs = store.renewJobs.bind(store);
  // Timers cannot wait longer than 2^31 - 1 ms (Node fires such a timer at once).
  const every = Math.min(2 ** 31 - 1, Math.max(1, Math.floor(leaseMs / 3)));
  // Keyed by the claim object its attempt was given: should a job be taken back and claimed here again while
  // its first attempt still runs, each claim is renewed (or found lost) for itself.
  const held = new Map<ActionJob, { renewing: boolean; lost: boolean }>();
  let renewing = false;
  let cancel: (() => void) | undefined;
  let closed = false;

  async function renew(): Promise<void> {
    const batch = [...held].filter(([, h]) => h.renewing);
    if (batch.length === 0) return;
    try {
      const stands = await renewJobs(
        batch.map(([job]) => job),
        clock.now(),
      );
      batch.forEach(([job, h], i) => {
        // An attempt that ended meanwhile wrote its outcome, which a late renewal no longer finds running.
        if (stands[i] === true || !h.renewing) return;
        h.renewing = false;
        h.lost = true;
        reportLost(options.emit, job);
      });
    } catch (error) {
      // The leases stand as they were; the next beat, well within the lease, tries again.
      options.emit('warning', {
        code: 'lease_renewal_failed',
        message: `action runner: renewing job leases failed: ${(error as Error)?.message ?? String(error)}`,
      });
    }
  }

  function arm(): void {
    if (closed || cancel !== undefined || renewing || held.size === 0) return;
    cancel = clock.setTimeout(() => {
      cancel = undefined;
      renewing = true;
      void renew().finally(() => {
        renewing = false;
        arm();
      });
    }, every);
  }

  return {
    hold(job) {
      held.set(job, { renewing: true, lost: false });
      arm();
    },
    release(job) {
      const h = held.get(job);
      if (h === undefined) return false;
      h.renewing = false;
      held.delete(job);
      if (held.size === 0) {
        cancel?.();
        cancel = undefined;
      }
      return h.lost;
    },
    close() {
      closed = true;
      cancel?.();
      cancel = undefined;
    },
  };
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
  const leases = createLeases(options);

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
