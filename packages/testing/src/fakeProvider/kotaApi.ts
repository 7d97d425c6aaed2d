import { type FakeAnswer, jsonAnswer, kotaProblem } from './http.js';
import { type EventLog, type LoggedEvent, parseIsoMillis } from './log.js';

const DAY = 86_400_000;

/** How the fake Kota API behaves where Kota's docs leave it open. */
export interface FakeKotaOptions {
  /** Events older than this are gone, and `created_after` may not reach further back. Default 30. */
  readonly retentionDays?: number;
  /** Whether `created_after` includes events at exactly that instant (undocumented). Default true. */
  readonly createdAfterInclusive?: boolean;
  /** Order equal timestamps by a seeded hash instead of arrival (undocumented stability). Default false. */
  readonly shuffleTies?: boolean;
}

function isV2(e: LoggedEvent): boolean {
  const v = String(e.body.version ?? e.body.api_version ?? '').toLowerCase();
  return v === 'v2' || v === '2' || v === '2.0';
}

function intParam(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * `GET /events` with Kota's paged envelope, `order_direction`, `created_after`, `version`, `page`, `page_size`.
 * A zone-less `created_after` is UTC, as the events' own zone-less times are.
 *
 * @example
 * ```ts
 * listKotaEvents(log, new URL('http://x/events?page=1&page_size=100&order_direction=asc'), Date.now(), {});
 * ```
 */
export function listKotaEvents(log: EventLog, url: URL, now: number, options: FakeKotaOptions): FakeAnswer {
  const q = url.searchParams;
  const page = intParam(q.get('page'), 1);
  const pageSize = intParam(q.get('page_size'), 10);
  const errors: Record<string, string[]> = {};
  if (page === undefined || page < 1) errors.page = ['must be an integer >= 1'];
  if (pageSize === undefined || pageSize < 1 || pageSize > 100)
    errors.page_size = ['must be an integer from 1 to 100'];
  const direction = q.get('order_direction') ?? 'desc';
  if (direction !== 'asc' && direction !== 'desc') errors.order_direction = ["must be 'asc' or 'desc'"];
  const version = q.get('version');
  if (version !== null && version !== 'v1' && version !== 'v2') errors.version = ["must be 'v1' or 'v2'"];
  const horizon = now - (options.retentionDays ?? 30) * DAY;
  const afterText = q.get('created_after');
  let after = horizon;
  let exclusive = false;
  if (afterText !== null) {
    // Read as the stored events' times are: a zone-less value is UTC, not the host's time.
    const ms = parseIsoMillis(afterText);
    if (Number.isNaN(ms)) errors.created_after = ['must be an ISO-8601 date-time'];
    else if (ms < horizon) errors.created_after = ['is limited to the last 30 days'];
    else {
      after = ms;
      exclusive = options.createdAfterInclusive === false;
    }
  }
  if (Object.keys(errors).length > 0) {
    return kotaProblem(400, 'invalid_request', 'Bad Request', 'The request is invalid', errors);
  }
  const all = log.all();
  const from = log.lowerBound(after, exclusive);
  // Without a version filter the window is a range of the sorted log: no copy of the whole log per request.
  const items = version === null ? undefined : all.slice(from).filter((e) => isV2(e) === (version === 'v2'));
  const total = items ? items.length : all.length - from;
  const at = (i: number): LoggedEvent =>
    items
      ? items[direction === 'asc' ? i : total - 1 - i]!
      : all[direction === 'asc' ? from + i : all.length - 1 - i]!;
  const size = pageSize!;
  const start = (page! - 1) * size;
  const parts: string[] = [];
  for (let i = start; i < Math.min(total, start + size); i++) parts.push(at(i).json);
  const body =
    `{"items":[${parts.join(',')}],"page":${page},"page_size":${size},` +
    `"total_count":${total},"has_next_page":${start + size < total},"has_previous_page":${page! > 1}}`;
  return jsonAnswer(body);
}

/**
 * `GET /events/{id}`: 404 problem+json when unknown or past retention.
 *
 * @example
 * ```ts
 * getKotaEvent(log, 'evt_1', Date.now(), {});
 * ```
 */
export function getKotaEvent(log: EventLog, id: string, now: number, options: FakeKotaOptions): FakeAnswer {
  const event = log.get(id);
  if (!event || event.created < now - (options.retentionDays ?? 30) * DAY) {
    return kotaProblem(404, 'not_found', 'Not Found', `No event with id ${id}`);
  }
  return jsonAnswer(event.json);
}
