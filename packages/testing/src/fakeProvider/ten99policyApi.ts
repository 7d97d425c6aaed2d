import { type FakeAnswer, jsonAnswer, ten99Error } from './http.js';
import type { EventLog } from './log.js';

/** How the fake 1099Policy API behaves where its docs leave it open. */
export interface FakeTen99PolicyOptions {
  /** Whether `starting_after`/`ending_before` work on `/events` (unconfirmed). Default true. */
  readonly honourCursors?: boolean;
  /** Page size without `limit`: 10 per the reference, 20 per the prose. Default 10. */
  readonly defaultLimit?: number;
}

/**
 * `GET /api/v1/events`: a bare array, newest first, `limit` 1–100, cursors by event id.
 *
 * @example
 * ```ts
 * listTen99Events(log, new URL('http://x/api/v1/events?limit=100'), {});
 * ```
 */
export function listTen99Events(log: EventLog, url: URL, options: FakeTen99PolicyOptions): FakeAnswer {
  const q = url.searchParams;
  const limitText = q.get('limit');
  const limit = limitText === null ? (options.defaultLimit ?? 10) : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return ten99Error(400, 'invalid_input', 'limit must be an integer between 1 and 100');
  }
  const all = log.all();
  // Newest first: position p (oldest first) is at n-1-p.
  let end = all.length; // exclusive bound in oldest-first positions
  let start: number | undefined;
  const honour = options.honourCursors ?? true;
  const after = honour ? q.get('starting_after') : null;
  const before = honour ? q.get('ending_before') : null;
  if (after !== null) {
    const at = log.positionOf(after);
    if (at === undefined) return ten99Error(400, 'invalid_event_id', `No such event: ${after}`);
    end = at;
  } else if (before !== null) {
    const at = log.positionOf(before);
    if (at === undefined) return ten99Error(400, 'invalid_event_id', `No such event: ${before}`);
    start = at + 1;
    end = Math.min(all.length, start + limit);
  }
  const from = start ?? Math.max(0, end - limit);
  const parts: string[] = [];
  for (let i = end - 1; i >= from; i--) parts.push(all[i]!.json);
  return jsonAnswer(`[${parts.join(',')}]`);
}

/**
 * `GET /api/v1/events/{id}`.
 *
 * @example
 * ```ts
 * getTen99Event(log, 'ev_1');
 * ```
 */
export function getTen99Event(log: EventLog, id: string): FakeAnswer {
  const event = log.get(id);
  return event ? jsonAnswer(event.json) : ten99Error(404, 'invalid_event_id', `No such event: ${id}`);
}
