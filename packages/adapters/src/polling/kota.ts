import { PolicyflowError } from '@policyflow/core';
import { parseKotaProblem } from './errors.js';
import { buildUrl, type CallOptions, type FetchLike, type HttpContext, requestJson } from './http.js';

/** One event as Kota's `GET /events` returns it (`EventResponse`); extra fields are kept. */
export interface KotaEvent {
  readonly id: string;
  readonly type: string;
  readonly platform_id?: string;
  readonly created?: string;
  readonly created_at?: string;
  readonly api_version?: string;
  readonly version?: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** Kota's paged envelope. */
export interface KotaPage<T> {
  readonly items: ReadonlyArray<T>;
  readonly page: number;
  readonly page_size: number;
  readonly total_count: number;
  readonly has_next_page: boolean;
  readonly has_previous_page: boolean;
}

/** Query of `GET /events`. */
export interface KotaEventQuery {
  /** Only events created after this instant (Kota limits it to the last 30 days). */
  readonly createdAfter?: Date | number | string;
  /** Default `desc` at Kota; pollers use `asc`. */
  readonly orderDirection?: 'asc' | 'desc';
  readonly version?: 'v1' | 'v2';
  readonly page?: number;
  /** 1–100. */
  readonly pageSize?: number;
}

/** The answer of `POST /events/{id}/replay`. */
export interface KotaReplayResult {
  readonly event_id: string;
  readonly deliveries: ReadonlyArray<{
    readonly delivery_id: string;
    readonly success: boolean;
    readonly response_status_code?: number;
    readonly elapsed_time_ms: number;
  }>;
}

/** Options of {@link kotaClient}. */
export interface KotaClientOptions {
  /** Default `https://api.kota.io`; the test environment is `https://test.api.kota.io`. */
  readonly baseUrl?: string;
  /** `pk_test_…` / `pk_live_…`, sent as a bearer token. */
  readonly apiKey: string;
  readonly fetch?: FetchLike;
  /** Per-request timeout. Default 30 s. */
  readonly timeoutMs?: number;
  /** Extra headers (e.g. `X-Platform-Id` with dashboard tokens). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A Kota events API client. */
export interface KotaClient {
  readonly provider: 'kota';
  listEvents(query?: KotaEventQuery, options?: CallOptions): Promise<KotaPage<KotaEvent>>;
  retrieveEvent(eventId: string, options?: CallOptions): Promise<KotaEvent>;
  /** New deliveries to every matching endpoint; one attempt, no automatic retries (Kota's rule). */
  replayEvent(eventId: string, options?: CallOptions): Promise<KotaReplayResult>;
}

function isoOf(value: Date | number | string): string {
  if (typeof value === 'string') return value;
  return (typeof value === 'number' ? new Date(value) : value).toISOString();
}

function assertPage(body: unknown): KotaPage<KotaEvent> {
  const page = body as KotaPage<KotaEvent> | undefined;
  if (!page || !Array.isArray(page.items) || typeof page.has_next_page !== 'boolean') {
    throw new PolicyflowError('provider_api_error', "Kota's GET /events answered without a paged envelope");
  }
  return page;
}

/**
 * A client for Kota's events API: list (paged), retrieve and replay, with bearer auth and typed errors parsed
 * from problem+json.
 *
 * @example
 * ```ts
 * const client = kotaClient({ baseUrl: 'https://test.api.kota.io', apiKey: process.env.KOTA_API_KEY! });
 * const page = await client.listEvents({ orderDirection: 'asc', pageSize: 100 });
 * ```
 */
export function kotaClient(options: KotaClientOptions): KotaClient {
  if (!options.apiKey)
    throw new PolicyflowError('invalid_argument', 'kotaClient needs an apiKey', { path: ['apiKey'] });
  const ctx: HttpContext = {
    provider: 'kota',
    label: 'Kota',
    baseUrl: (options.baseUrl ?? 'https://api.kota.io').replace(/\/+$/, ''),
    headers: { accept: 'application/json', ...options.headers, authorization: `Bearer ${options.apiKey}` },
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 30_000,
    now: Date.now,
    parseError: parseKotaProblem,
  };
  const eventPath = (id: string): string => `/events/${encodeURIComponent(id)}`;
  return {
    provider: 'kota',
    async listEvents(query = {}, call) {
      if (query.pageSize !== undefined && (query.pageSize < 1 || query.pageSize > 100)) {
        throw new PolicyflowError('invalid_argument', 'pageSize must be 1–100', { path: ['pageSize'] });
      }
      const url = buildUrl(ctx.baseUrl, '/events', {
        created_after: query.createdAfter === undefined ? undefined : isoOf(query.createdAfter),
        order_direction: query.orderDirection,
        version: query.version,
        page: query.page,
        page_size: query.pageSize,
      });
      return assertPage(await requestJson(ctx, 'GET', url, call));
    },
    async retrieveEvent(eventId, call) {
      return (await requestJson(ctx, 'GET', `${ctx.baseUrl}${eventPath(eventId)}`, call)) as KotaEvent;
    },
    async replayEvent(eventId, call) {
      return (await requestJson(
        ctx,
        'POST',
        `${ctx.baseUrl}${eventPath(eventId)}/replay`,
        call,
      )) as KotaReplayResult;
    },
  };
}
