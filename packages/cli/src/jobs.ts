import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionJob, Engine } from '@policyflow/core';

/** Options of {@link settleJobs}. */
export interface SettleOptions {
  /** How long to wait, from now, for jobs to come due (retries, `delay`s); a job due later is left pending. */
  readonly waitMs: number;
  /** Stops the wait (SIGINT/SIGTERM): what has not run by then is left pending. */
  readonly signal?: AbortSignal | undefined;
}

/** Why {@link settleJobs} returned: nothing left to run, the next job is due after the wait, or an abort. */
export type SettleEnd = 'settled' | 'wait_over' | 'interrupted';

/**
 * Runs the engine's action jobs until none is pending or running: the due ones at once, then each time the next
 * one comes due, sleeping in real time until then (`store.nextJobDueAt()`), for at most `waitMs` from now.
 * `engine.drain()` alone returns as soon as the next job is due in the future, a retry's backoff say, and
 * closing the engine then drops it.
 *
 * @example
 * ```ts
 * await replayInto(engine, events, { provider: 'kota' });
 * const end = await settleJobs(engine, { waitMs: 60_000 });
 * ```
 */
export async function settleJobs(engine: Engine, options: SettleOptions): Promise<SettleEnd> {
  const { clock, store } = engine;
  const deadline = clock.now() + options.waitMs;
  for (;;) {
    await engine.drain();
    if (options.signal?.aborted) return 'interrupted';
    const due = await store.nextJobDueAt();
    if (due === undefined) return 'settled';
    if (due > deadline) return 'wait_over';
    const wait = due - clock.now();
    // A Node timer that keeps the process alive (the engine's own are unref'd), stopped by the signal.
    if (wait > 0) {
      await sleep(wait, undefined, options.signal ? { signal: options.signal } : {}).catch(() => {});
    }
  }
}

/** The jobs with these ids as the store holds them now, in order, each id once; unknown ids are skipped. */
export async function jobsById(engine: Engine, ids: Iterable<string>): Promise<ActionJob[]> {
  const out: ActionJob[] = [];
  for (const id of new Set(ids)) {
    const job = await engine.store.getJob(id);
    if (job !== undefined) out.push(job);
  }
  return out;
}

/** How many jobs ended in each status: `{ succeeded, dead, cancelled, pending }` (running counts as pending). */
export function countJobs(jobs: ReadonlyArray<ActionJob>): Record<string, number> {
  const counts: Record<string, number> = { succeeded: 0, dead: 0, cancelled: 0, pending: 0 };
  for (const job of jobs) {
    const status = job.status === 'running' || job.status === 'failed' ? 'pending' : job.status;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/**
 * `1h`, `5m`, `30s`, `250ms`: a rough length of time, for "due in …".
 *
 * @example
 * ```ts
 * formatIn(3_599_900); // '1h'
 * ```
 */
export function formatIn(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.round(ms / 3_600_000);
  if (h < 48) return `${h}h`;
  return `${Math.round(ms / 86_400_000)}d`;
}

function attempts(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

/**
 * What became of one job, for people: `succeeded`, `dead after 3 attempts: <error>`, `pending, due … (in 1h), not
 * run: <why>`.
 *
 * @example
 * ```ts
 * describeJob(job, Date.now(), 'past the --wait of 60s');
 * ```
 */
export function describeJob(job: ActionJob, now: number, notRun: string): string {
  const error = job.lastError?.message;
  switch (job.status) {
    case 'succeeded':
      return job.attempts > 1 ? `succeeded after ${attempts(job.attempts)}` : 'succeeded';
    case 'dead':
      return `dead after ${attempts(job.attempts)}: ${error ?? 'no error recorded'}`;
    case 'cancelled':
      return `cancelled${error ? `: ${error}` : ''}`;
    default: {
      const failed =
        job.attempts > 0
          ? ` after ${job.attempts} failed attempt${job.attempts === 1 ? '' : 's'}${error ? ` (${error})` : ''}`
          : '';
      const due = `due ${new Date(job.runAt).toISOString()} (in ${formatIn(job.runAt - now)})`;
      return `pending${failed}, ${due}, not run: ${notRun}`;
    }
  }
}

/**
 * One `{"job":…}` line of `replay --execute --json`.
 *
 * @example
 * ```ts
 * io.stdout(`${JSON.stringify(jobLine(job))}\n`);
 * ```
 */
export function jobLine(job: ActionJob): Record<string, unknown> {
  return {
    job: {
      idempotencyKey: job.id,
      rule: job.rule,
      type: job.type,
      status: job.status,
      attempts: job.attempts,
      runAt: new Date(job.runAt).toISOString(),
      ...(job.lastError ? { error: job.lastError } : {}),
    },
  };
}
