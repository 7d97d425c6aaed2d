import { parseTimestamp } from '@policyflow/core';
import type { KotaClient, KotaEvent, KotaPage } from './kota.js';
import type { MutableSummary, PassRuntime } from './runtime.js';

const DAY = 86_400_000;

/** Kota-specific poller options. */
export interface KotaPollOptions {
  /** Re-read this far behind the checkpoint: `created_after`'s edge is undocumented and timestamps tie. Default 300. */
  readonly overlapSeconds?: number;
  /** 1–100. Default 100. */
  readonly pageSize?: number;
  /** `GET /events?version=`; default: the versions of your registered endpoints (Kota's default). */
  readonly version?: 'v1' | 'v2';
  /** Kota keeps events 30 days. */
  readonly retentionDays?: number;
  /** Warn when the checkpoint is this close to the retention horizon. Default 3. */
  readonly warnDays?: number;
}

/** The Kota checkpoint: the newest `created` ingested (ISO-8601). */
interface KotaCheckpoint {
  readonly created: string;
}

function createdOf(event: KotaEvent): number {
  return parseTimestamp(event.created ?? event.created_at) ?? Number.POSITIVE_INFINITY;
}

interface Dated {
  readonly event: KotaEvent;
  readonly created: number;
}

/** Stable order by (created, id): Kota does not promise a stable order for equal timestamps. */
function byCreatedThenId(a: Dated, b: Dated): number {
  const d = a.created - b.created;
  if (d !== 0) return d;
  return a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0;
}

function readCheckpoint(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseTimestamp((JSON.parse(raw) as KotaCheckpoint).created);
  } catch {
    return parseTimestamp(raw);
  }
}

/**
 * One Kota pass: pages `GET /events?order_direction=asc&created_after=<checkpoint − overlap>` to the end,
 * de-duplicates by id, ingests each page in (created, id) order and checkpoints after each page.
 *
 * @example
 * ```ts
 * const pass = kotaPass(client, { overlapSeconds: 300 }, undefined); // createPoller wires it up
 * ```
 */
export function kotaPass(client: KotaClient, options: KotaPollOptions, since: number | undefined) {
  const overlapMs = (options.overlapSeconds ?? 300) * 1000;
  const pageSize = options.pageSize ?? 100;
  const retentionDays = options.retentionDays ?? 30;
  const retentionMs = retentionDays * DAY;
  const warnMs = (options.warnDays ?? 3) * DAY;
  /** Ids seen recently (id → created), so the overlap window is not ingested again on every pass. */
  const seen = new Map<string, number>();

  return async (rt: PassRuntime, summary: MutableSummary): Promise<void> => {
    const store = rt.engine.store;
    const raw = await store.getCheckpoint(rt.checkpointName);
    const checkpoint = readCheckpoint(raw);
    const now = rt.now();
    const horizon = now - retentionMs;
    let from = checkpoint === undefined ? since : checkpoint - overlapMs;
    if (checkpoint !== undefined && checkpoint < horizon) {
      summary.gap = true;
      rt.engine.emit('gap', {
        provider: rt.provider,
        checkpoint: raw ?? '',
        message: `the Kota checkpoint (${new Date(checkpoint).toISOString()}) is older than Kota's ${retentionDays}-day retention: events between it and ${new Date(horizon).toISOString()} may be lost; reconcile them by other means`,
      });
    } else if (checkpoint === undefined && since !== undefined && since < horizon) {
      // Asked to start where Kota no longer has events: the start moves inside the window below, so say so.
      summary.gap = true;
      rt.engine.emit('gap', {
        provider: rt.provider,
        checkpoint: '',
        message: `since (${new Date(since).toISOString()}) is older than Kota's ${retentionDays}-day retention: events between it and ${new Date(horizon).toISOString()} cannot be read; reconcile them by other means`,
      });
    } else if (checkpoint !== undefined && checkpoint < horizon + warnMs) {
      rt.engine.emit('warning', {
        code: 'poll_checkpoint_near_retention',
        message: `the Kota checkpoint (${new Date(checkpoint).toISOString()}) is within ${Math.ceil((checkpoint - horizon) / DAY)} day(s) of Kota's retention horizon; poll more often or events will be lost`,
      });
    }
    // Kota rejects a created_after older than its retention; start a minute inside it.
    if (from !== undefined && from < horizon + 60_000) from = horizon + 60_000;
    const createdAfter = from === undefined ? undefined : new Date(from).toISOString();
    let newest = checkpoint ?? Number.NEGATIVE_INFINITY;
    let saved = checkpoint;
    summary.checkpoint = raw;

    const fetchPage = (page: number): Promise<KotaPage<KotaEvent>> =>
      rt.call(summary, () =>
        client.listEvents(
          {
            orderDirection: 'asc',
            page,
            pageSize,
            ...(createdAfter === undefined ? {} : { createdAfter }),
            ...(options.version === undefined ? {} : { version: options.version }),
          },
          rt.signal === undefined ? {} : { signal: rt.signal },
        ),
      );

    let page = 1;
    let pending = fetchPage(page);
    for (;;) {
      const result = await pending;
      // Fetch the next page while this one is ingested.
      if (result.has_next_page) {
        pending = fetchPage(page + 1);
        pending.catch(() => undefined);
      }
      summary.fetched += result.items.length;
      const fresh: Dated[] = [];
      // `seen` grows only after a successful ingest, so a page that failed is fetched and ingested again.
      const inPage = new Set<string>();
      for (const event of result.items) {
        if (seen.has(event.id) || inPage.has(event.id)) continue;
        inPage.add(event.id);
        fresh.push({ event, created: createdOf(event) });
      }
      fresh.sort(byCreatedThenId);
      await rt.ingest(
        summary,
        fresh.map((d) => d.event),
      );
      for (const { event, created } of fresh) {
        seen.set(event.id, created);
        if (created > newest && Number.isFinite(created)) newest = created;
      }
      if (Number.isFinite(newest) && newest !== saved) {
        saved = newest;
        const value = JSON.stringify({ created: new Date(newest).toISOString() } satisfies KotaCheckpoint);
        await store.setCheckpoint(rt.checkpointName, value);
        summary.checkpoint = value;
      }
      if (!result.has_next_page || result.items.length === 0) break;
      page += 1;
    }
    if (summary.gap && saved === checkpoint && from !== undefined) {
      // Nothing newer arrived: move the checkpoint to the horizon so the same gap is reported once.
      const value = JSON.stringify({ created: new Date(from).toISOString() } satisfies KotaCheckpoint);
      await store.setCheckpoint(rt.checkpointName, value);
      summary.checkpoint = value;
    }
    const keepFrom = newest - overlapMs;
    for (const [id, created] of seen) if (created < keepFrom) seen.delete(id);
  };
}
