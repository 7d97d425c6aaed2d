import type { FetchLike } from '../../src/polling/index.js';

/** What the mock knows of a request when it orders a tie group. */
export interface TieQuery {
  readonly page: number;
  readonly size: number;
  /** The how-manieth request this is (0-based). */
  readonly call: number;
}

export interface KotaMockOptions {
  /** The server's clock, for the retention check. */
  readonly now: number;
  /** Default 30. */
  readonly retentionDays?: number;
  /** Whether `created_after` includes events at exactly that instant. Default false. */
  readonly inclusive?: boolean;
  /** Orders the events of one timestamp for one request (Kota promises nothing here). Default: as given. */
  readonly tieOrder?: (
    ties: ReadonlyArray<Record<string, unknown>>,
    query: TieQuery,
  ) => Record<string, unknown>[];
}

export interface KotaMock {
  readonly fetch: FetchLike;
  /** The `created_after` and `page` of each request, in order. */
  readonly requests: Array<{
    readonly createdAfter: string | null;
    readonly page: number;
    readonly size: number;
  }>;
  events: Array<Record<string, unknown>>;
}

const createdMs = (e: Record<string, unknown>): number => Date.parse(String(e.created_at ?? e.created));

/**
 * An in-memory Kota `GET /events` (ascending only) that sorts by `created` and lets the test order ties per
 * request: a server with no stable order for equal timestamps. No socket at all.
 */
export function kotaMock(events: ReadonlyArray<Record<string, unknown>>, options: KotaMockOptions): KotaMock {
  const mock: KotaMock = {
    events: [...events],
    requests: [],
    fetch: async (input) => {
      const url = new URL(String(input));
      const q = url.searchParams;
      const page = Number(q.get('page') ?? 1);
      const size = Number(q.get('page_size') ?? 10);
      const after = q.get('created_after');
      const call = mock.requests.length;
      mock.requests.push({ createdAfter: after, page, size });
      const horizon = options.now - (options.retentionDays ?? 30) * 86_400_000;
      if (after !== null && Date.parse(after) < horizon) {
        const body = {
          type: 'https://docs.kota.io/errors/invalid_request',
          title: 'Bad Request',
          status: 400,
          errors: { created_after: ['is limited to the last 30 days'] },
        };
        return new Response(JSON.stringify(body), {
          status: 400,
          headers: { 'content-type': 'application/problem+json' },
        });
      }
      const from = after === null ? horizon : Date.parse(after);
      const kept = mock.events.filter((e) => {
        const c = createdMs(e);
        return c >= horizon && (options.inclusive ? c >= from : c > from);
      });
      const byTime = new Map<number, Record<string, unknown>[]>();
      for (const e of kept) {
        const c = createdMs(e);
        const group = byTime.get(c) ?? [];
        group.push(e);
        byTime.set(c, group);
      }
      const ordered = [...byTime.keys()]
        .sort((a, b) => a - b)
        .flatMap((t) => options.tieOrder?.(byTime.get(t)!, { page, size, call }) ?? byTime.get(t)!);
      const items = ordered.slice((page - 1) * size, page * size);
      const body = {
        items,
        page,
        page_size: size,
        total_count: ordered.length,
        has_next_page: page * size < ordered.length,
        has_previous_page: page > 1,
      };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    },
  };
  return mock;
}

/** A seeded Fisher–Yates shuffle. */
export function shuffled<T>(items: ReadonlyArray<T>, random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
