import { createWorker, type Delivery, type Worker } from '@policyflow/adapters/postgres';
import { type ActionDefinition, kota, type RuleSpec, ten99policy } from '@policyflow/core';

/** Options of {@link startWorkers}. */
export interface ClusterOptions {
  /** PostgreSQL connection string. */
  readonly url: string;
  /** Schema of the store (pg-boss uses `<schema>_boss`). */
  readonly schema: string;
  readonly workers: number;
  readonly rules?: ReadonlyArray<RuleSpec>;
  readonly actions?: Readonly<Record<string, ActionDefinition>>;
}

/** Workers sharing one PostgreSQL, and a producer to feed them. */
export interface Cluster {
  readonly workers: ReadonlyArray<Worker>;
  /** What a webhook receiver or poller calls instead of `engine.ingest`: durable once it resolves. */
  enqueue(deliveries: ReadonlyArray<Delivery>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `workers` scale-out workers on one PostgreSQL. In production each runs in its own process or
 * container (`src/main.ts`); here they share one so the example can show them together. Every worker takes
 * ingest jobs keyed by resource (pg-boss `key_strict_fifo`): one resource's events apply in order, whichever
 * worker takes them, while different resources run in parallel. Actions are pg-boss jobs sent in the same
 * transaction as the snapshot that fired them.
 *
 * @example
 * ```ts
 * const cluster = await startWorkers({ url: process.env.DATABASE_URL!, schema: 'policyflow', workers: 3 });
 * await cluster.enqueue([{ provider: 'kota', payload: body, source: 'webhook' }]);
 * ```
 */
export async function startWorkers(options: ClusterOptions): Promise<Cluster> {
  const workers: Worker[] = [];
  for (let i = 0; i < options.workers; i++) {
    // One at a time: the first creates the schema (migrations run under an advisory lock anyway).
    workers.push(
      await createWorker({
        url: options.url,
        schema: options.schema,
        max: 4,
        pollingIntervalSeconds: 0.5,
        retry: { attempts: 3, baseMs: 200, maxMs: 1000 },
        engine: {
          providers: [kota(), ten99policy()],
          ...(options.rules ? { rules: options.rules } : {}),
          ...(options.actions ? { actions: options.actions } : {}),
          logSink: () => {},
        },
      }),
    );
  }
  return {
    workers,
    enqueue: (deliveries) => workers[0]!.queue.enqueue(deliveries),
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
