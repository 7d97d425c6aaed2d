import { PolicyflowError } from '@policyflow/core';
import { parseTen99PolicyError } from './errors.js';
import { buildUrl, type CallOptions, type FetchLike, type HttpContext, requestJson } from './http.js';

/** One event as 1099Policy's `GET /api/v1/events` returns it; extra fields are kept. */
export interface Ten99PolicyEvent {
  readonly id?: string;
  readonly type: string;
  readonly created: number | string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** Query of `GET /api/v1/events` (newest first). */
export interface Ten99PolicyEventQuery {
  /** 1–100. */
  readonly limit?: number;
  /** Events older than this event id (documented for other lists; assumed here). */
  readonly startingAfter?: string;
  /** Events newer than this event id. */
  readonly endingBefore?: string;
}

/** Options of {@link ten99policyClient}. */
export interface Ten99PolicyClientOptions {
  /** Default `https://api.1099policy.com`; a trailing `/api/v1` is accepted too. */
  readonly baseUrl?: string;
  /** `t9sk_test_…`, sent as a bearer token. */
  readonly apiKey: string;
  /** Sent as `Ten99Policy-Environment`, as the SDKs do. Default: derived from the key (`_test_` → sandbox). */
  readonly environment?: 'sandbox' | 'production';
  readonly fetch?: FetchLike;
  /** Per-request timeout. Default 30 s. */
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A 1099Policy events API client. */
export interface Ten99PolicyClient {
  readonly provider: 'ten99policy';
  listEvents(query?: Ten99PolicyEventQuery, options?: CallOptions): Promise<Ten99PolicyEvent[]>;
  retrieveEvent(eventId: string, options?: CallOptions): Promise<Ten99PolicyEvent>;
}

/**
 * A client for 1099Policy's events API: list (a bare array, newest first) and retrieve, with bearer auth and
 * typed errors parsed from `{ message, error_code }`.
 *
 * @example
 * ```ts
 * const client = ten99policyClient({ apiKey: process.env.T99_API_KEY! });
 * const newest = await client.listEvents({ limit: 100 });
 * ```
 */
export function ten99policyClient(options: Ten99PolicyClientOptions): Ten99PolicyClient {
  if (!options.apiKey) {
    throw new PolicyflowError('invalid_argument', 'ten99policyClient needs an apiKey', { path: ['apiKey'] });
  }
  const environment = options.environment ?? (options.apiKey.includes('_test_') ? 'sandbox' : 'production');
  const ctx: HttpContext = {
    provider: 'ten99policy',
    label: '1099Policy',
    baseUrl: `${(options.baseUrl ?? 'https://api.1099policy.com').replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1`,
    headers: {
      accept: 'application/json',
      'ten99policy-environment': environment,
      ...options.headers,
      authorization: `Bearer ${options.apiKey}`,
    },
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 30_000,
    now: Date.now,
    parseError: parseTen99PolicyError,
  };
  return {
    provider: 'ten99policy',
    async listEvents(query = {}, call) {
      if (query.limit !== undefined && (query.limit < 1 || query.limit > 100)) {
        throw new PolicyflowError('invalid_argument', 'limit must be 1–100', { path: ['limit'] });
      }
      const url = buildUrl(ctx.baseUrl, '/events', {
        limit: query.limit,
        starting_after: query.startingAfter,
        ending_before: query.endingBefore,
      });
      const body = await requestJson(ctx, 'GET', url, call);
      if (!Array.isArray(body)) {
        throw new PolicyflowError(
          'provider_api_error',
          "1099Policy's GET /api/v1/events answered without an array",
        );
      }
      return body as Ten99PolicyEvent[];
    },
    async retrieveEvent(eventId, call) {
      return (await requestJson(
        ctx,
        'GET',
        `${ctx.baseUrl}/events/${encodeURIComponent(eventId)}`,
        call,
      )) as Ten99PolicyEvent;
    },
  };
}
