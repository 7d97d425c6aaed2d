import { ProviderApiError } from './errors.js';

/** The `fetch` the clients use; injectable for tests and proxies. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Per-call options of the API clients. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** What a client needs to reach one provider. */
export interface HttpContext {
  readonly provider: string;
  readonly label: string;
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly parseError: (body: unknown) => { code: string | undefined; message: string | undefined };
}

/**
 * `Retry-After`: delta-seconds or an HTTP-date → ms from now.
 *
 * @example
 * ```ts
 * parseRetryAfter('2', Date.now()); // 2000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Builds `baseUrl + path + ?query`, leaving out undefined values.
 *
 * @example
 * ```ts
 * buildUrl('https://api.kota.io', '/events', { page: 2, version: undefined }); // 'https://api.kota.io/events?page=2'
 * ```
 */
export function buildUrl(
  baseUrl: string,
  path: string,
  query: Record<string, string | number | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

function authMessage(ctx: HttpContext, status: number, detail: string | undefined): string {
  return (
    `${ctx.label}'s API refused the credentials (${status}${detail ? `: ${detail}` : ''}). ` +
    'Check the apiKey and that it belongs to this environment (test or live); polling stops until it is fixed.'
  );
}

/**
 * The body as JSON, or as text when it is not JSON. It gives up when `signal` aborts: `fetch` stops a body
 * it streams then, but a `fetch` a host injected may not, and a stalled body must not stall the poller.
 */
async function readBody(response: Response, signal: AbortSignal): Promise<unknown> {
  const text = await new Promise<string>((resolve, reject) => {
    const abort = (): void => {
      response.body?.cancel(signal.reason).catch(() => {});
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    response.text().then(
      (t) => {
        signal.removeEventListener('abort', abort);
        resolve(t);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sends one request and returns the parsed JSON body, or throws a typed {@link ProviderApiError}.
 *
 * @example
 * ```ts
 * const page = await requestJson(ctx, 'GET', buildUrl(ctx.baseUrl, '/events', { page: 1 }));
 * ```
 */
export async function requestJson(
  ctx: HttpContext,
  method: 'GET' | 'POST',
  url: string,
  options: CallOptions = {},
): Promise<unknown> {
  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  let body: unknown;
  // The body arrives after the status line: a timeout or a reset while it streams is a failure without an
  // answer too, and as retryable as one before the headers.
  let stage = 'before an answer';
  try {
    response = await ctx.fetch(url, { method, headers: ctx.headers, signal });
    stage = `while reading its ${response.status} answer`;
    body = await readBody(response, signal);
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ProviderApiError(`${method} ${url} failed ${stage}: ${(cause as Error).message}`, {
      provider: ctx.provider,
      httpStatus: 0,
      providerCode: undefined,
      retryAfterMs: undefined,
      body: undefined,
      cause,
    });
  }
  if (response.ok) return body;
  const { code, message } = ctx.parseError(body);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.now());
  const text =
    response.status === 401 || response.status === 403
      ? authMessage(ctx, response.status, message)
      : `${ctx.label} ${method} ${new URL(url).pathname} answered ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  throw new ProviderApiError(text, {
    provider: ctx.provider,
    httpStatus: response.status,
    providerCode: code,
    retryAfterMs,
    body,
  });
}
