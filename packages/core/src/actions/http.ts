import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ActionDefinition, ActionOutcome } from './types.js';

/**
 * Params of the built-in `http` action.
 *
 * @example
 * ```ts
 * httpParams.parse({ url: 'https://hooks.example.com' }).method; // 'POST'
 * ```
 */
export const httpParams = z.object({
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
  timeoutMs: z.number().int().positive().default(10_000),
  /** A Standard Webhooks secret (`whsec_<base64>`): the request is signed when it is set. */
  secret: z.string().startsWith('whsec_').optional(),
});

/** Parsed `http` params. */
export type HttpParams = z.output<typeof httpParams>;

/**
 * Standard Webhooks signature headers for one request: `webhook-id`, `webhook-timestamp` (seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the secret's bytes).
 *
 * @example
 * ```ts
 * signStandardWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_1', 1_700_000_000, '{"a":1}');
 * ```
 */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

// Messages end up in dead letters, events and audit lines: they name the URL by origin and path only, since
// credentials and query strings (`?api_key=`) are where secrets ride.
function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function refuse(message: string): ActionOutcome {
  return { ok: false, retryable: false, message };
}

// A path segment that is `.` or `..` (or their percent-encoded forms, which URL parsing treats the same, and
// with `\\` a separator in http(s) URLs): the parsed URL would name another path than the text shows, and a
// value templated in (`/tenants/{{event.data.tenant}}`) could move the request up the tree.
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

function hasDotSegment(text: string): boolean {
  // `https:host/..` parses as `https://host/..`: the slashes after the scheme are optional here.
  const path = /^[a-z][a-z\d+.-]*:[/\\]{0,2}[^/\\?#]*([^?#]*)/i.exec(text)?.[1] ?? '';
  return path.split(/[/\\]/).some((segment) => DOT_SEGMENT.test(segment));
}

/**
 * The request's headers. Names are case-insensitive: a rule's `Content-Type` or `Idempotency-Key` replaces the
 * default rather than joining it, and the signature's headers replace any of the rule's. A header that is not
 * valid is a reason (its name and value are not quoted: a value may be a token).
 */
function headersOf(p: HttpParams, id: string, seconds: number, body: string | undefined): Headers | string {
  const headers = new Headers({ 'content-type': 'application/json', 'idempotency-key': id });
  try {
    for (const [name, value] of Object.entries(p.headers)) headers.set(name, value);
  } catch {
    return 'a header param is not a valid HTTP header';
  }
  if (p.secret !== undefined) {
    for (const [name, value] of Object.entries(signStandardWebhook(p.secret, id, seconds, body ?? '')))
      headers.set(name, value);
  }
  return headers;
}

// A request that cannot be built fails the same way on every attempt, so it fails at once.
function target(p: HttpParams): URL | ActionOutcome {
  let url: URL;
  try {
    url = new URL(p.url);
  } catch {
    // The text is not quoted: a URL that does not parse may still hold a secret.
    return refuse(`${p.method}: the url param is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse(`${p.method}: the url param is a '${url.protocol}' URL; only http: and https: are sent`);
  }
  if (url.username !== '' || url.password !== '') {
    return refuse(
      `${p.method} ${redactUrl(url)}: the URL carries credentials, which fetch refuses; send them in a header`,
    );
  }
  if (hasDotSegment(p.url)) {
    return refuse(`${p.method} ${redactUrl(url)}: the url param has a '.' or '..' path segment`);
  }
  return url;
}

async function send(
  p: HttpParams,
  url: URL,
  headers: Headers,
  body: string | undefined,
): Promise<ActionOutcome> {
  const where = `${p.method} ${redactUrl(url)}`;
  let request: Request;
  try {
    request = new Request(url, {
      method: p.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(p.timeoutMs),
      redirect: 'manual',
    });
  } catch {
    // Its error may quote the URL or a header value (a token, say), and every attempt would fail the same way.
    return refuse(`${where}: the request could not be built`);
  }
  let response: Response;
  try {
    response = await fetch(request);
  } catch (error) {
    const e = error as Error;
    // The cause is the socket's error (`connect ECONNREFUSED 127.0.0.1:8080`): it names the address, not the URL.
    const why =
      e.name === 'TimeoutError'
        ? `timed out after ${p.timeoutMs} ms`
        : ((e.cause as Error | undefined)?.message ?? 'the request failed');
    return { ok: false, retryable: true, message: `${where}: ${why}` };
  }
  // The body is read and dropped so the connection can be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { ok: true };
  return {
    ok: false,
    retryable: retryableStatus(response.status),
    message: `${where} answered ${response.status}`,
  };
}

/**
 * The built-in `http` action: sends the rendered body as JSON with an `Idempotency-Key` (the job id).
 * 2xx succeeds; 408, 429, 5xx, timeouts and network errors are retried; other statuses fail at once, and so
 * does a request that cannot be built (a URL that is not http or https, or that carries credentials).
 *
 * @example
 * ```yaml
 * - { type: http, params: { url: "https://hooks.example.com/q", body: { quote: "{{resource.id}}" }, secret: "${HOOK_SECRET}" } }
 * ```
 */
export const httpAction: ActionDefinition<HttpParams> = {
  params: httpParams as z.ZodType<HttpParams>,
  // Each request carries its own `timeoutMs` (a param, so a rule can give a slow endpoint longer).
  timeoutMs: Number.POSITIVE_INFINITY,
  // Values templated into the URL are percent-encoded: event data cannot move the request elsewhere.
  urlParams: ['url'],
  async handler(p, ctx) {
    const url = target(p);
    if (!(url instanceof URL)) return url;
    const body = p.body === undefined || p.method === 'GET' ? undefined : JSON.stringify(p.body);
    const headers = headersOf(p, ctx.job.id, Math.floor(ctx.now() / 1000), body);
    if (!(headers instanceof Headers)) return refuse(`${p.method} ${redactUrl(url)}: ${headers}`);
    return send(p, url, headers, body);
  },
};
