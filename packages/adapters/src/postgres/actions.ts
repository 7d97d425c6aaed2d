import {
  type ActionDefinition,
  type ActionJob,
  type AuditEntry,
  attemptAction,
  builtinActions,
  consoleLogSink,
  DEFAULT_RETRY,
  type Engine,
  type ErrorInfo,
  type LogSink,
  type RetryPolicy,
  type Store,
} from '@policyflow/core';
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import { bossDb, queues } from './boss.js';
import { uuidOf } from './ids.js';
import type { JobsHook } from './write.js';

/** What an action job carries in pg-boss: its idempotency key; the job itself lives in the store's table. */
export interface ActionPayload {
  readonly id: string;
}

/**
 * The store hook that sends the jobs a commit inserted to pg-boss on that same transaction: pg-boss then
 * owns when they run (`startAfter` = `runAt`), retries with exponential backoff and dead letters. The pg-boss
 * job id is derived from the idempotency key, so a job can never be queued twice.
 *
 * @example
 * ```ts
 * const store = await createSqlStore(client, { onJobs: sendActionsHook(() => boss) });
 * ```
 */
export function sendActionsHook(boss: () => PgBoss, retry: RetryPolicy = DEFAULT_RETRY): JobsHook {
  return async (tx, jobs, redrive) => {
    await boss().insert(
      queues.actions,
      jobs.map((j) => ({
        id: uuidOf(redrive ? `${j.id}@${j.updatedAt}` : j.id),
        data: { id: j.id } satisfies ActionPayload,
        startAfter: new Date(j.runAt),
        retryLimit: Math.max(0, j.maxAttempts - 1),
        retryDelay: Math.max(1, Math.round(retry.baseMs / 1000)),
        retryBackoff: true,
        retryDelayMax: Math.max(1, Math.round(retry.maxMs / 1000)),
        deadLetter: queues.actionsDead,
      })),
      { db: bossDb(tx) },
    );
  };
}

/** Options of {@link runActionJobs}. */
export interface ActionWorkerOptions {
  readonly store: Store;
  readonly actions: ReadonlyMap<string, ActionDefinition>;
  readonly emit?: Engine['emit'];
  readonly log?: LogSink;
  readonly now?: () => number;
}

type Ended = { status: ActionJob['status']; kind: AuditEntry['kind']; error?: ErrorInfo };

/** One attempt of one job, through core's `attemptAction`; pg-boss schedules the retries. */
async function attempt(
  job: ActionJob,
  n: number,
  lastTry: boolean,
  o: ActionWorkerOptions,
): Promise<Ended & { result: JobResult['status'] }> {
  const ended = await attemptAction(job, {
    actions: o.actions,
    store: o.store,
    lastTry,
    context: {
      job,
      attempt: n,
      now: o.now ?? Date.now,
      emit: o.emit ?? (() => {}),
      log: o.log ?? consoleLogSink,
    },
  });
  const result: JobResult['status'] =
    ended.status === 'pending' ? 'failed' : ended.status === 'dead' ? 'deadletter' : 'completed';
  return { status: ended.status, kind: ended.kind, result, ...(ended.error ? { error: ended.error } : {}) };
}

const FINAL = new Set<ActionJob['status']>(['succeeded', 'cancelled', 'dead']);

/**
 * Runs a batch of pg-boss action jobs and maps each outcome onto the store's job row and audit, so
 * `listJobs`, `engine.deadLetters()` and `engine.audit()` read the same as with core's runner. pg-boss does
 * the retrying: a retryable failure is reported `failed` (pg-boss schedules the next attempt with backoff),
 * the last one or a permanent one `deadletter` (pg-boss moves it to the dead-letter queue).
 *
 * @example
 * ```ts
 * await boss.work(queues.actions, { includeMetadata: true, perJobResults: true, batchSize: 20 },
 *   (jobs) => runActionJobs(jobs, { store, actions }));
 * ```
 */
export async function runActionJobs(
  jobs: ReadonlyArray<JobWithMetadata<ActionPayload>>,
  o: ActionWorkerOptions,
): Promise<JobResult[]> {
  return Promise.all(
    jobs.map(async (bj): Promise<JobResult> => {
      const job = await o.store.getJob(bj.data.id);
      // Already settled (a redelivery after a crash between our write and pg-boss's): nothing to do again.
      if (job === undefined || FINAL.has(job.status)) return { id: bj.id, status: 'completed' };
      const n = bj.retryCount + 1;
      const ended = await attempt(job, n, bj.retryCount >= bj.retryLimit, o);
      const at = (o.now ?? Date.now)();
      const next: ActionJob = {
        ...job,
        status: ended.status,
        attempts: ended.kind === 'action.cancelled' ? job.attempts : n,
        lastError: ended.error,
        updatedAt: at,
      };
      const audit: AuditEntry = {
        at,
        resourceKey: job.resourceKey,
        eventId: job.eventId,
        kind: ended.kind,
        rule: job.rule,
        jobId: job.id,
        ...(ended.error ? { error: ended.error } : {}),
      };
      await o.store.updateJob(next, [audit]);
      o.emit?.(
        ended.kind as 'action.succeeded',
        ended.error ? { job: next, error: ended.error } : { job: next },
      );
      return { id: bj.id, status: ended.result, ...(ended.error ? { output: ended.error } : {}) };
    }),
  );
}

/**
 * Action types by name: the built-ins plus the host's, as the engine registers them.
 *
 * @example
 * ```ts
 * const registry = actionRegistry({ sink: { handler, params: z.object({ key: z.string() }) } });
 * ```
 */
export function actionRegistry(
  custom: Readonly<Record<string, ActionDefinition>> = {},
): Map<string, ActionDefinition> {
  return new Map([...builtinActions, ...Object.entries(custom)]);
}

/** Options of {@link workActions}. */
export interface WorkActionsOptions extends Omit<ActionWorkerOptions, 'actions'> {
  /** The host's action types (the built-ins are added). */
  readonly actions?: Readonly<Record<string, ActionDefinition>>;
  /** Jobs run at once. Default 20. */
  readonly concurrency?: number;
  /** Seconds between polls when nothing is due. Default 0.5. */
  readonly pollingIntervalSeconds?: number;
}

/**
 * Runs action jobs from pg-boss in this process (any number of processes may do so). Used by `createWorker`;
 * call it yourself next to a PGlite store created with `actionQueue`.
 *
 * @example
 * ```ts
 * const store = await createPgliteStore({ path: './.policyflow', actionQueue: true });
 * const engine = createEngine({ providers: [kota()], store, rules, actions });
 * await workActions(store.boss!, { store, actions, emit: engine.emit });
 * ```
 */
export async function workActions(boss: PgBoss, options: WorkActionsOptions): Promise<string> {
  const actions = actionRegistry(options.actions);
  const batchSize = options.concurrency ?? 20;
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 0.5;
  return boss.work<ActionPayload, unknown, WorkOptionsFor>(
    queues.actions,
    { includeMetadata: true, perJobResults: true, batchSize, pollingIntervalSeconds },
    (jobs: JobWithMetadata<ActionPayload>[]) => runActionJobs(jobs, { ...options, actions }),
  );
}

type WorkOptionsFor = {
  includeMetadata: true;
  perJobResults: true;
  batchSize: number;
  pollingIntervalSeconds: number;
};
