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

// Runs `fn` over `items` with at most `limit` unfinished at once, every item even when one fails (the first
// failure is thrown once all have settled). An item `fn` finishes at once (it returns no promise) holds no
// place, and while every item does, the pool runs in this turn and returns nothing to await: a round of jobs
// whose actions answer at once (log, emit) must not yield, or a host ingesting in a loop gets a turn between
// two claims, commits one more job, and the runner claims and runs its jobs one or two at a time.
function pool<T>(
  items: ReadonlyArray<T>,
  limit: number,
  fn: (item: T) => void | Promise<void>,
): void | Promise<void> {
  const state: PoolState = { running: new Set(), failed: false, failure: undefined };
  for (let i = 0; i < items.length; i++) {
    if (startItem(state, fn, items[i]!) !== undefined) return poolFrom(items, i, limit, fn, state);
  }
  if (state.failed) throw state.failure;
}

interface PoolState {
  readonly running: Set<Promise<void>>;
  failed: boolean;
  failure: unknown;
}

function fail(state: PoolState, error: unknown): void {
  if (state.failed) return;
  state.failed = true;
  state.failure = error;
}

/** Starts one item: its promise while it runs, or undefined once it has finished (or thrown). */
function startItem<T>(
  state: PoolState,
  fn: (item: T) => void | Promise<void>,
  item: T,
): Promise<void> | undefined {
  let p: void | Promise<void>;
  try {
    p = fn(item);
  } catch (error) {
    fail(state, error);
    return undefined;
  }
  if (p === undefined) return undefined;
  const settled: Promise<void> = p.then(
    () => {
      state.running.delete(settled);
    },
    (error: unknown) => {
      state.running.delete(settled);
      fail(state, error);
    },
  );
  state.running.add(settled);
  return settled;
}

// The pool past the first item that did not finish at once (`items[from]`, started and running).
async function poolFrom<T>(
  items: ReadonlyArray<T>,
  from: number,
  limit: number,
  fn: (item: T) => void | Promise<void>,
  state: PoolState,
): Promise<void> {
  const { running } = state;
  if (running.size >= limit) await Promise.race(running);
  for (let i = from + 1; i < items.length; i++) {
    startItem(state, fn, items[i]!);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (state.failed) throw state.failure;
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

  async function rounds(): Promise<void> {
    do {
      again = false;
      piled = 0;
      await reclaim();
      for (;;) {
        const jobs =
          syncJobs === undefined
            ? await store.claimJobs(clock.now(), batch)
            : syncJobs.claimJobs(clock.now(), batch);
        if (jobs.length === 0) break;
        const running = pool(jobs, concurrency, runOne);
        if (running !== undefined) await running;
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

  // A store that fails mid-round leaves the jobs to the next round; the host hears of it on the bus.
  function startAndReport(): void {
    start().catch((error: unknown) => {
      emit('warning', {
        code: 'runner_error',
        message: `action runner: ${describeError(error)}`,
      });
    });
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
