import { type Catalog, type EventSource, normalizeEvent } from '@policyflow/core';
import type { PgBoss } from 'pg-boss';
import { ingestQueueName, shardOf } from './boss.js';
import { orderedUuid } from './ids.js';

/** What an ingest job carries: the delivery as received, so the worker runs the whole pipeline on it. */
export interface IngestPayload {
  readonly provider: string;
  readonly source: EventSource;
  readonly receivedAt: number;
  /** The body as text. */
  readonly body: string;
}

/** One delivery to enqueue. */
export interface Delivery {
  readonly payload: unknown;
  readonly provider: string;
  readonly source?: EventSource;
  readonly receivedAt?: number;
}

function text(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return new TextDecoder().decode(payload);
  return JSON.stringify(payload);
}

/**
 * The FIFO key of a delivery: its resource key, so one resource's events apply in order while different
 * resources run in parallel. Deliveries without a resource (unhandled, invalid) have no order to keep and are
 * keyed by their event id, or spread by a fresh id.
 *
 * @example
 * ```ts
 * orderKey(catalogs, 'kota', body); // 'kota/employer_quote/erhq_1'
 * ```
 */
export function orderKey(catalogs: ReadonlyMap<string, Catalog>, provider: string, body: string): string {
  const catalog = catalogs.get(provider);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `invalid/${orderedUuid()}`;
  }
  if (catalog === undefined) return `invalid/${orderedUuid()}`;
  const n = normalizeEvent(catalog, parsed);
  if (!n.ok) return `invalid/${n.partial?.id ?? orderedUuid()}`;
  return n.event.resource?.key ?? `${provider}/~/${n.event.id}`;
}

/** A stateless producer of ingest jobs: what webhook receivers and pollers call instead of `engine.ingest`. */
export interface IngestQueue {
  /** Queues deliveries (one statement for the lot); resolves once they are durable. */
  enqueue(deliveries: ReadonlyArray<Delivery>): Promise<void>;
}

/**
 * Creates an {@link IngestQueue} on a started pg-boss. Needs the catalogs only to find each delivery's
 * resource key; it keeps no state, so any number of receivers can run. `shards` must match the workers'.
 *
 * @example
 * ```ts
 * const queue = ingestQueue(boss, [kota()]);
 * await queue.enqueue([{ payload: req.body, provider: 'kota', source: 'webhook' }]);
 * ```
 */
export function ingestQueue(
  boss: PgBoss,
  providers: ReadonlyArray<Catalog>,
  options: { readonly shards?: number } = {},
): IngestQueue {
  const catalogs = new Map(providers.map((c) => [c.provider, c]));
  const shards = Math.max(1, options.shards ?? 1);
  return {
    async enqueue(deliveries) {
      if (deliveries.length === 0) return;
      const byShard = new Map<number, Array<{ id: string; data: IngestPayload; singletonKey: string }>>();
      for (const d of deliveries) {
        const body = text(d.payload);
        const data: IngestPayload = {
          provider: d.provider,
          source: d.source ?? 'webhook',
          receivedAt: d.receivedAt ?? Date.now(),
          body,
        };
        const key = orderKey(catalogs, d.provider, body);
        const shard = shardOf(key, shards);
        const list = byShard.get(shard) ?? [];
        // Ordered ids: jobs of one insert share created_on, and pg-boss breaks that tie by id.
        list.push({ id: orderedUuid(), data, singletonKey: key });
        byShard.set(shard, list);
      }
      await Promise.all([...byShard].map(([shard, jobs]) => boss.insert(ingestQueueName(shard), jobs)));
    },
  };
}
