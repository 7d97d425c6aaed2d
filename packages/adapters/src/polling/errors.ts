import { type ErrorCode, PolicyflowError } from '@policyflow/core';

/** Details of a provider API failure. */
export interface ProviderApiErrorDetails {
  readonly provider: string;
  /** The API's HTTP status; 0 when the request never got an answer (network failure, timeout). */
  readonly httpStatus: number;
  /** The provider's own code: Kota's `error_code`/problem `type`, 1099Policy's `error_code`. */
  readonly providerCode: string | undefined;
  /** From `Retry-After`, in ms, when the answer carried one. */
  readonly retryAfterMs: number | undefined;
  readonly body: unknown;
  readonly cause?: unknown;
}

/**
 * A provider's API answered with an error (or not at all). `code` is `provider_auth_failed` for 401/403,
 * `rate_limited` for 429, `not_found` for 404 and `provider_api_error` otherwise; `retryable` says whether
 * trying again may help (429, 5xx, 408 and network failures).
 *
 * @example
 * ```ts
 * try { await client.retrieveEvent('evt_x'); }
 * catch (e) { if (e instanceof ProviderApiError && e.httpStatus === 404) console.log(e.providerCode); } // 'not_found'
 * ```
 */
export class ProviderApiError extends PolicyflowError {
  readonly provider: string;
  /** The API's HTTP status (`status` is the webhook-answer status every PolicyflowError has). */
  readonly httpStatus: number;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly body: unknown;

  constructor(message: string, details: ProviderApiErrorDetails) {
    super(codeFor(details.httpStatus), message, details.cause === undefined ? {} : { cause: details.cause });
    this.provider = details.provider;
    this.httpStatus = details.httpStatus;
    this.providerCode = details.providerCode;
    this.retryAfterMs = details.retryAfterMs;
    this.body = details.body;
  }

  /** Whether a later attempt may succeed. */
  get retryable(): boolean {
    const s = this.httpStatus;
    return s === 0 || s === 408 || s === 429 || s >= 500;
  }
}

function codeFor(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'provider_auth_failed';
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'not_found';
  return 'provider_api_error';
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ "data.id": ["is required"] }` → `data.id: is required`. */
function describeErrorsMap(errors: unknown): string | undefined {
  if (!isRecord(errors)) return undefined;
  const parts = Object.entries(errors).map(
    ([path, msgs]) => `${path}: ${Array.isArray(msgs) ? msgs.join(', ') : String(msgs)}`,
  );
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * Reads Kota's RFC 9457 problem+json (`{type, title, status, detail, errors?, error_code?}`).
 *
 * @example
 * ```ts
 * parseKotaProblem({ title: 'Not Found', detail: 'no event', error_code: 'not_found' }); // { code: 'not_found', … }
 * ```
 */
export function parseKotaProblem(body: unknown): { code: string | undefined; message: string | undefined } {
  if (!isRecord(body))
    return { code: undefined, message: typeof body === 'string' && body ? body : undefined };
  const code =
    typeof body.error_code === 'string'
      ? body.error_code
      : typeof body.type === 'string'
        ? body.type
        : undefined;
  const parts = [body.title, body.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
  const errors = describeErrorsMap(body.errors);
  if (errors) parts.push(errors);
  return { code, message: parts.length > 0 ? parts.join(': ') : undefined };
}

/**
 * Reads 1099Policy's `{ message, error_code }`; `message` may be an object, joined as `key: value`.
 *
 * @example
 * ```ts
 * parseTen99PolicyError({ message: 'Invalid event id', error_code: 'invalid_event_id' });
 * ```
 */
export function parseTen99PolicyError(body: unknown): {
  code: string | undefined;
  message: string | undefined;
} {
  if (!isRecord(body))
    return { code: undefined, message: typeof body === 'string' && body ? body : undefined };
  const code = typeof body.error_code === 'string' ? body.error_code : undefined;
  const raw = body.message;
  const message =
    typeof raw === 'string'
      ? raw
      : isRecord(raw)
        ? Object.entries(raw)
            .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(', ')
        : undefined;
  return { code, message };
}
