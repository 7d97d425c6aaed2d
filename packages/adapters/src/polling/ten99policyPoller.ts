import { hashEventBody, parseTimestamp } from '@policyflow/core';
import type { MutableSummary, PassRuntime } from './runtime.js';
import type { Ten99PolicyClient, Ten99PolicyEvent } from './ten99policy.js';

/** 1099Policy-specific poller options. */
export interface Ten99PolicyPollOptions {
  /** 1–100. Default 100. */
  readonly pageSize?: number;
  /**
   * Walk back with `starting_after=<oldest id so far>` (default), or `none` when the API ignores it: then
   * only the newest page is visible and a checkpoint older than it is reported as a gap.
   */
  readonly cursor?: 'starting_after' | 'none';
  /** Stop walking back at events this much older than the checkpoint, if its event was never found. Default 300. */
  readonly overlapSeconds?: number;
  /** Bound on pages in one pass (a guard against an API that never ends). Default 100 000. */
  readonly maxPages?: number;
  /** Events ingested per checkpoint write. Default 100. */
  readonly batchSize?: number;
}

/**
 * The 1099Policy checkpoint: the newest event ingested, and (epoch ms) the time of the newest ingested event whose
 * time could be read, when there is one.
 */
interface Ten99PolicyCheckpoint {
  readonly id: string;
  readonly created?: number;
}

const idOf = (e: Ten99PolicyEvent): string => e.id ?? hashEventBody(e);

/**
 * An event's time (epoch ms) as the engine's envelope reader finds it: `created`, or `created_at` when
 * `created` is missing or null; ISO-8601 or Unix seconds. Undefined when unreadable.
 */
function createdOf(e: Ten99PolicyEvent): number | undefined {
  const created: unknown = e.created;
  return parseTimestamp(created === undefined || created === null ? e.created_at : created);
}

function readCheckpoint(raw: string | undefined): Ten99PolicyCheckpoint | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as { id?: unknown; created?: unknown };
    if (typeof value.id !== 'string') return undefined;
    // An older pass wrote `null` for an event without a readable time: the id is still good.
    return typeof value.created === 'number' && Number.isFinite(value.created)
      ? { id: value.id, created: value.created }
      : { id: value.id };
  } catch {
    return undefined;
  }
}

/** Why a walk back stopped. */
type WalkEnd = 'checkpoint' | 'passed' | 'since' | 'end' | 'cursor-ignored' | 'no-cursor' | 'max-pages';

/**
 * One 1099Policy pass: `GET /api/v1/events` is newest first, so walk back page by page until the checkpoint's
 * event (or the end, or an event older than the checkpoint), then ingest what was collected oldest first,
 * writing the checkpoint after each batch so a crash resumes where it stopped.
 *
 * @example
 * ```ts
 * const pass = ten99policyPass(client, { pageSize: 100 }, undefined); // createPoller wires it up
 * ```
 */
export function ten99policyPass(
  client: Ten99PolicyClient,
  options: Ten99PolicyPollOptions,
  since: number | undefined,
) {
  const pageSize = options.pageSize ?? 100;
  const cursorMode = options.cursor ?? 'starting_after';
  const overlapMs = (options.overlapSeconds ?? 300) * 1000;
  const maxPages = options.maxPages ?? 100_000;
  const batchSize = options.batchSize ?? 100;
  let warnedCursor = false;

  return async (rt: PassRuntime, summary: MutableSummary): Promise<void> => {
    const store = rt.engine.store;
    const raw = await store.getCheckpoint(rt.checkpointName);
    summary.checkpoint = raw;
    const checkpoint = readCheckpoint(raw);
    const collected: Ten99PolicyEvent[] = [];
    const inPass = new Set<string>();
    let cursor: string | undefined;
    let firstId: string | undefined;
    let end: WalkEnd = 'max-pages';

    walk: for (let pages = 0; pages < maxPages; pages++) {
      const page = await rt.call(summary, () =>
        client.listEvents(
          { limit: pageSize, ...(cursor === undefined ? {} : { startingAfter: cursor }) },
          rt.signal === undefined ? {} : { signal: rt.signal },
        ),
      );
      summary.fetched += page.length;
      if (page.length === 0) {
        end = 'end';
        break;
      }
      if (cursor !== undefined && idOf(page[0]!) === firstId) {
        end = 'cursor-ignored';
        break;
      }
      firstId ??= idOf(page[0]!);
      for (const event of page) {
        const id = idOf(event);
        if (checkpoint && id === checkpoint.id) {
          end = 'checkpoint';
          break walk;
        }
        // Only a time that can be read, and is really older, ends the walk: an event without one is collected.
        const created = createdOf(event);
        if (
          created !== undefined &&
          checkpoint?.created !== undefined &&
          created < checkpoint.created - overlapMs
        ) {
          end = 'passed';
          break walk;
        }
        if (created !== undefined && since !== undefined && created < since) {
          end = 'since';
          break walk;
        }
        if (!inPass.has(id)) {
          inPass.add(id);
          collected.push(event);
        }
      }
      if (cursorMode === 'none') {
        end = 'cursor-ignored';
        break;
      }
      // The API knows events by their ids only: a body hash (of an event sent without one) is no cursor.
      cursor = page.findLast((e) => typeof e.id === 'string' && e.id !== '')?.id;
      if (cursor === undefined) {
        end = 'no-cursor';
        break;
      }
    }

    if (end === 'cursor-ignored' && cursorMode !== 'none' && !warnedCursor) {
      warnedCursor = true;
      rt.engine.emit('warning', {
        code: 'poll_cursor_ignored',
        message:
          "1099Policy's GET /events ignored starting_after; only the newest page can be polled (set cursor: 'none')",
      });
    }
    const lostOlder = end === 'cursor-ignored' || end === 'no-cursor' || end === 'max-pages' || end === 'end';
    if (checkpoint && lostOlder) {
      summary.gap = true;
      rt.engine.emit('gap', {
        provider: rt.provider,
        checkpoint: raw ?? '',
        message: `the 1099Policy checkpoint event ${checkpoint.id} was not found walking back (${end}); events between it and the oldest one seen may be lost`,
      });
    }

    collected.reverse();
    // The checkpoint's time: that of the newest event ingested whose time can be read (an event without one
    // keeps the time before it).
    let lastTime = checkpoint?.created;
    for (let i = 0; i < collected.length; i += batchSize) {
      const batch = collected.slice(i, i + batchSize);
      await rt.ingest(summary, batch);
      for (const e of batch) lastTime = createdOf(e) ?? lastTime;
      const last = batch[batch.length - 1]!;
      const value = JSON.stringify({
        id: idOf(last),
        ...(lastTime === undefined ? {} : { created: lastTime }),
      } satisfies Ten99PolicyCheckpoint);
      await store.setCheckpoint(rt.checkpointName, value);
      summary.checkpoint = value;
    }
  };
}
