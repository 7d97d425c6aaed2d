import type { EngineEventName, EngineEvents } from '../bus.js';
import type { Clock } from '../clock.js';
import { describeError } from '../internal/describe.js';
import { syncFaceOf } from '../internal/syncFace.js';
import type { RetryPolicy } from '../rules/types.js';
import type { ActionJob, AuditEntry, Store } from '../store.js';
import { type AttemptEnd, attemptNow } from './attempt.js';
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
  /**
   * `kick`, told how many jobs were just committed. Against a store whose jobs run in-process (the memory
   * store), once a few hundred have piled up since the last round, the round starts after the current
   * ingest instead of after the current turn.
   */
  fired(count: number): void;
  /** Resolves when no job is running and none is due at the clock's now. */
  drain(): Promise<void>;
  /** Makes a dead job pending again with a fresh set of attempts; false when it is not dead. */
  retryDead(id: string): Promise<boolean>;
  close(): void;
}

type Ended = Omit<AttemptEnd, 'status'> & { readonly status: ActionJob['status'] };

/**
 * Jobs fired since the last round past which a round starts at once. A host that ingests in a tight loop (a
 * replay, a backlog) never yields to the event loop, so a round started by `setImmediate` would wait for
 * the loop's end with every job held in memory; a round per few hundred jobs keeps them few, and costs
 * little more than one round at the end (a round per job cost more than it saved).
 */
const PILE = 256;

// Two literals rather than a spread of `{ error }` or `{}`: an entry per finished job, one shape for each case.
function auditOf(job: ActionJob, ended: Ended, at: number): AuditEntry {
  const { resourceKey, eventId, rule, id: jobId } = job;
  const error = ended.error;
  return error === undefined
    ? { at, resourceKey, eventId, kind: ended.kind, rule, jobId }
    : { at, resourceKey, eventId, kind: ended.kind, rule, jobId, error };
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
  // Jobs claimed and not started yet (the memory store hands out every due job at once), and the attempts that
  // have not finished. A round never waits for an attempt: one that hangs holds its own place of `concurrency`
  // only, and the jobs fired or come due meanwhile are claimed and run beside it.
  const waiting: ActionJob[] = [];
  let waitingFrom = 0;
  let running = 0;
  let idleWaiters: Array<() => void> = [];
  let piled = 0;
  let closed = false;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let cancelTimer: (() => void) | undefined;
  let timerAt: number | undefined;
  const leases = createLeases(store, clock, emit);
  // A store with a synchronous face for jobs (the memory store) is claimed from and written to without a turn.
  const face = syncFaceOf(store);
  const syncJobs =
    face?.claimJobs !== undefined && face.updateJob !== undefined
      ? { claimJobs: face.claimJobs.bind(face), updateJob: face.updateJob.bind(face) }
      : undefined;

  function finish(job: ActionJob, attempt: number, ended: Ended, runAt = job.runAt): void | Promise<void> {
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
    const audit = auditOf(job, ended, now);
    if (syncJobs !== undefined)
      return written(job, next, ended, reported, syncJobs.updateJob(next, [audit], job));
    return store.updateJob(next, [audit], job).then((stored) => written(job, next, ended, reported, stored));
  }

  function written(job: ActionJob, next: ActionJob, ended: Ended, reported: boolean, stored: unknown): void {
    // A job taken back after its lease ran out belongs to the runner that took it: this outcome is dropped.
    if (stored === false) {
      if (!reported) reportLost(emit, job);
      return;
    }
    emit(ended.kind, ended.error ? { job: next, error: ended.error } : { job: next });
  }

  function runOne(job: ActionJob): void | Promise<void> {
    leases.hold(job);
    const attempt = job.attempts + 1;
    let ended: AttemptEnd | Promise<AttemptEnd>;
    try {
      ended = attemptNow(job, {
        actions,
        store,
        lastTry: attempt >= job.maxAttempts,
        context: { job, attempt, now: clock.now, emit, log: options.log },
        clock,
      });
    } catch (error) {
      return lost(job, error);
    }
    if (ended instanceof Promise)
      return ended.then(
        (e) => settle(job, attempt, e),
        (error: unknown) => lost(job, error),
      );
    return settle(job, attempt, ended);
  }

  // The store failed (a `whileIn` look-up): the job stays running, and its lease must run out so that a
  // runner takes it back; renewing it for ever would strand it.
  function lost(job: ActionJob, error: unknown): never {
    leases.release(job);
    throw error;
  }

  function settle(job: ActionJob, attempt: number, ended: AttemptEnd): void | Promise<void> {
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

  // A job whose attempt failed to run (a store failure in its `whileIn` look-up) stays running for its lease to
  // run out; the host hears of it. Other jobs go on.
  function report(error: unknown): void {
    emit('warning', { code: 'runner_error', message: `action runner: ${describeError(error)}` });
  }

  /** Starts `job`'s attempt. One that finishes at once (log, emit against the memory store) holds no place. */
  function launch(job: ActionJob): void {
    let attempt: void | Promise<void>;
    try {
      attempt = runOne(job);
    } catch (error) {
      report(error);
      return;
    }
    if (attempt === undefined) return;
    running += 1;
    attempt.then(settled, (error: unknown) => {
      report(error);
      settled();
    });
  }

  function settled(): void {
    running -= 1;
    startWaiting();
    if (running === 0 && waitingFrom === waiting.length && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
    // A place is free: whatever came due while it was taken is claimed now.
    kick();
  }

  function startWaiting(): void {
    while (running < concurrency && waitingFrom < waiting.length) launch(waiting[waitingFrom++]!);
    if (waitingFrom === waiting.length) {
      waiting.length = 0;
      waitingFrom = 0;
    }
  }

  /** Resolves once no attempt is running and no claimed job waits to start. */
  function whenIdle(): Promise<void> {
    if (running === 0 && waitingFrom === waiting.length) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  // While every claimed job finishes at once, a round claims again in the same turn: a round whose actions all
  // answer at once must not yield, or a host ingesting in a loop gets a turn between two claims, commits one
  // more job, and the runner claims and runs its jobs one or two at a time.
  async function claimAndStart(): Promise<void> {
    for (;;) {
      if (closed || waitingFrom < waiting.length) return;
      // A shared store's claim is a lease: claim no more than can start. The memory store's is not.
      const room = concurrency - running;
      if (store.kind !== 'memory' && room <= 0) return;
      const limit = store.kind === 'memory' ? batch : Math.min(batch, room);
      const jobs =
        syncJobs === undefined
          ? await store.claimJobs(clock.now(), limit)
          : syncJobs.claimJobs(clock.now(), limit);
      if (jobs.length === 0) return;
      for (const job of jobs) waiting.push(job);
      startWaiting();
    }
  }

  async function rounds(): Promise<void> {
    // `again` is read once more after `schedule`: a kick while it awaited the store found the loop running and
    // only set `again`, and `schedule` had asked for the next due job before that kick's jobs were written.
    do {
      do {
        again = false;
        piled = 0;
        await reclaim();
        await claimAndStart();
      } while (again && !closed);
      await schedule();
    } while (again && !closed);
  }

  function start(): Promise<void> {
    if (loop === undefined) {
      const current: Promise<void> = rounds().finally(() => {
        if (loop !== current) return;
        loop = undefined;
        // A kick between the loop's last look at `again` and this moment found it running: it runs again.
        if (again && !closed) startAndReport();
      });
      loop = current;
    } else {
      again = true;
    }
    return loop;
  }

  // A store that fails mid-round leaves the jobs to the next round; the host hears of it on the bus.
  function startAndReport(): void {
    start().catch(report);
  }

  function kick(): void {
    if (closed || immediate !== undefined) return;
    immediate = setImmediate(() => {
      immediate = undefined;
      startAndReport();
    });
  }

  // A microtask cannot be cancelled as the immediate is: a close in between is checked here.
  function startUnlessClosed(): void {
    if (!closed) startAndReport();
  }

  function fired(count: number): void {
    piled += count;
    if (syncJobs !== undefined && piled >= PILE && !closed) {
      piled = 0;
      queueMicrotask(startUnlessClosed);
      return;
    }
    kick();
  }

  return {
    kick,
    fired,
    async drain() {
      for (;;) {
        if (closed) return;
        await start();
        await whenIdle();
        // An attempt that ended kicked a round for the next turn (to claim what came due, and to set the timer
        // of a retry): it runs now, so that a drain returns with the runner's timer set.
        if (immediate !== undefined) {
          clearImmediate(immediate);
          immediate = undefined;
          continue;
        }
        const due = await store.nextJobDueAt();
        if (loop === undefined && running === 0 && (due === undefined || due > clock.now())) return;
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
