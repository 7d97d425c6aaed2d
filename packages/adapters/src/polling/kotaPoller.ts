import { parseTimestamp } from '@policyflow/core';
import { isRecord, ProviderApiError } from './errors.js';
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
 * Page sizes of the sweeps that re-read a run of ties longer than a page: Kota's largest first, then others,
 * since the order of ties can depend on the page asked for.
 */
const SWEEP_SIZES = [100, 99, 98, 97] as const;

/** Kota's 400 for a `created_after` past its retention (its problem+json names the parameter). */
function refusesCreatedAfter(error: unknown): boolean {
  if (!(error instanceof ProviderApiError) || error.httpStatus !== 400) return false;
  const body = error.body;
  if (isRecord(body) && isRecord(body.errors)) return 'created_after' in body.errors;
  return error.message.includes('created_after');
}

/** The newest readable `created` of a page, or -Infinity. */
function newestOf(items: ReadonlyArray<KotaEvent>): number {
  let top = Number.NEGATIVE_INFINITY;
  for (const e of items) {
    const c = createdOf(e);
    if (c > top && Number.isFinite(c)) top = c;
  }
  return top;
}

/**
 * One Kota pass: reads `GET /events?order_direction=asc&created_after=<checkpoint − overlap>`, de-duplicates by
 * id, ingests each page in (created, id) order and checkpoints after each page.
 *
 * Kota does not promise an order among equal timestamps, so paging one query by page number can repeat some
 * events of a tie group that straddles a page boundary and skip others. Instead, each next page is page 1 of
 * `created_after=<newest created of the last page − 1 ms>`: every event older than that page's newest was on
 * it, and the query returns the newest's whole tie group again (the ids already seen are skipped). Only when a
 * whole page lies within that millisecond (a tie group larger than a page) does the pass page by number; it
 * then counts the positions of the run and re-reads them, with other page sizes, until it has as many ids as
 * positions, or reports a `gap`.
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
    /** Kota rejects a created_after older than its retention: a minute inside it allows for differing clocks. */
    const floor = horizon + 60_000;
    let from = checkpoint === undefined ? since : checkpoint - overlapMs;
    /** Whether events were lost to the retention (then the checkpoint moves to the start, to say so once). */
    let retentionGap = false;
    const reportGap = (message: string): void => {
      summary.gap = true;
      rt.engine.emit('gap', { provider: rt.provider, checkpoint: raw ?? '', message });
    };
    if (checkpoint !== undefined && checkpoint < horizon) {
      retentionGap = true;
      reportGap(
        `the Kota checkpoint (${new Date(checkpoint).toISOString()}) is older than Kota's ${retentionDays}-day retention: events between it and ${new Date(horizon).toISOString()} may be lost; reconcile them by other means`,
      );
    } else if (checkpoint === undefined && since !== undefined && since < horizon) {
      // Asked to start where Kota no longer has events: the start moves inside the window below, so say so.
      retentionGap = true;
      reportGap(
        `since (${new Date(since).toISOString()}) is older than Kota's ${retentionDays}-day retention: events between it and ${new Date(horizon).toISOString()} cannot be read; reconcile them by other means`,
      );
    } else if (checkpoint !== undefined && checkpoint < horizon + warnMs) {
      rt.engine.emit('warning', {
        code: 'poll_checkpoint_near_retention',
        message: `the Kota checkpoint (${new Date(checkpoint).toISOString()}) is within ${Math.ceil((checkpoint - horizon) / DAY)} day(s) of Kota's retention horizon; poll more often or events will be lost`,
      });
    }
    if (from !== undefined && from < floor) {
      // Start a minute inside the retention, but never after a checkpoint (or since) that is still inside it:
      // the events just after it are still at Kota. The checkpoint's own millisecond is read again (its ties).
      const anchor =
        checkpoint !== undefined
          ? checkpoint >= horizon
            ? checkpoint - 1
            : undefined
          : since !== undefined && since >= horizon
            ? since
            : undefined;
      from = anchor === undefined ? floor : Math.max(from, Math.min(floor, Math.max(horizon, anchor)));
    }
    let newest = checkpoint ?? Number.NEGATIVE_INFINITY;
    let saved = checkpoint;
    summary.checkpoint = raw;

    const fetchPage = (
      after: number | undefined,
      page: number,
      size = pageSize,
    ): Promise<KotaPage<KotaEvent>> =>
      rt.call(summary, () =>
        client.listEvents(
          {
            orderDirection: 'asc',
            page,
            pageSize: size,
            ...(after === undefined ? {} : { createdAfter: new Date(after).toISOString() }),
            ...(options.version === undefined ? {} : { version: options.version }),
          },
          rt.signal === undefined ? {} : { signal: rt.signal },
        ),
      );

    const ingest = async (events: ReadonlyArray<KotaEvent>): Promise<void> => {
      const fresh: Dated[] = [];
      // `seen` grows only after a successful ingest, so a page that failed is fetched and ingested again.
      const inPage = new Set<string>();
      for (const event of events) {
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
    };

    /**
     * Re-reads the first `end` positions of the query `after` (a run paged by number) until `ids` holds `end`
     * ids; returns the events it found. Each sweep uses another page size: ties may be ordered by the page asked.
     */
    const completeRun = async (
      after: number | undefined,
      end: number,
      ids: Set<string>,
    ): Promise<KotaEvent[]> => {
      const found: KotaEvent[] = [];
      for (const size of SWEEP_SIZES) {
        for (let p = 1; (p - 1) * size < end && ids.size < end; p++) {
          const r = await fetchPage(after, p, size);
          summary.fetched += r.items.length;
          r.items.forEach((event, i) => {
            if ((p - 1) * size + i < end && !ids.has(event.id)) {
              ids.add(event.id);
              found.push(event);
            }
          });
          if (!r.has_next_page) break;
        }
        if (ids.size >= end) break;
      }
      if (ids.size < end) {
        const at = after === undefined ? 'the start of its window' : new Date(after).toISOString();
        reportGap(
          `Kota listed ${end} events from ${at} on with more equal timestamps than a page holds, but only ${ids.size} different ids could be read from them (in any order Kota gave): some may be lost (unless Kota listed some twice); reconcile them by other means`,
        );
      }
      return found;
    };

    let after = from;
    let page = 1;
    /** Ids at the positions read so far of a run paged by number (undefined when not in one). */
    let run: Set<string> | undefined;
    let first: KotaPage<KotaEvent>;
    try {
      first = await fetchPage(after, page);
    } catch (error) {
      // Started just inside the retention and Kota's clock says it is past: it is a gap after all.
      if (after === undefined || after >= floor || !refusesCreatedAfter(error)) throw error;
      retentionGap = true;
      reportGap(
        `Kota refused created_after=${new Date(after).toISOString()} as past its ${retentionDays}-day retention: events between it and ${new Date(floor).toISOString()} may be lost; reconcile them by other means`,
      );
      after = floor;
      first = await fetchPage(after, page);
    }
    from = after;
    let pending: Promise<KotaPage<KotaEvent>> = Promise.resolve(first);
    for (;;) {
      const result = await pending;
      summary.fetched += result.items.length;
      const items = result.items;
      let next: { readonly after: number | undefined; readonly page: number } | undefined;
      if (result.has_next_page && items.length > 0) {
        const moved = newestOf(items) - 1;
        // Page 1 from just before this page's newest event; if that is no later (a tie run longer than a
        // page), page on by number. The first query without created_after stays a minute inside retention.
        next = moved > (after ?? floor) ? { after: moved, page: 1 } : { after, page: page + 1 };
      }
      let batch: ReadonlyArray<KotaEvent> = items;
      if (next !== undefined && next.page > 1) {
        run ??= new Set();
        for (const e of items) run.add(e.id);
      } else if (run !== undefined) {
        // Leaving a run: its positions up to the next query's start (or to the end) must all have been read.
        const cut = next?.after;
        let inPage = 0;
        while (inPage < items.length && (cut === undefined || !(createdOf(items[inPage]!) > cut))) inPage++;
        const end = (page - 1) * pageSize + inPage;
        for (let i = 0; i < inPage; i++) run.add(items[i]!.id);
        if (run.size < end) batch = [...items, ...(await completeRun(after, end, run))];
        run = undefined;
      }
      // Fetch the next page while this one is ingested.
      if (next !== undefined) {
        pending = fetchPage(next.after, next.page);
        pending.catch(() => undefined);
      }
      await ingest(batch);
      if (next === undefined) break;
      after = next.after;
      page = next.page;
    }
    if (retentionGap && saved === checkpoint && from !== undefined) {
      // Nothing newer arrived: move the checkpoint to the horizon so the same gap is reported once.
      const value = JSON.stringify({ created: new Date(from).toISOString() } satisfies KotaCheckpoint);
      await store.setCheckpoint(rt.checkpointName, value);
      summary.checkpoint = value;
    }
    const keepFrom = newest - overlapMs;
    for (const [id, created] of seen) if (created < keepFrom) seen.delete(id);
  };
}
