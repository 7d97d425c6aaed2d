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

async function send(
  p: HttpParams,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<ActionOutcome> {
  let response: Response;
  try {
    response = await fetch(p.url, {
      method: p.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(p.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const e = error as Error;
    const why =
      e.name === 'TimeoutError'
        ? `timed out after ${p.timeoutMs} ms`
        : ((e.cause as Error)?.message ?? e.message);
    return { ok: false, retryable: true, message: `${p.method} ${p.url}: ${why}` };
  }
  // The body is read and dropped so the connection can be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { ok: true };
  return {
    ok: false,
    retryable: retryableStatus(response.status),
    message: `${p.method} ${p.url} answered ${response.status}`,
  };
}

/**
 * The built-in `http` action: sends the rendered body as JSON with an `Idempotency-Key` (the job id).
 * 2xx succeeds; 408, 429, 5xx, timeouts and network errors are retried; other statuses fail at once.
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
  async handler(p, ctx) {
    try {
      new URL(p.url);
    } catch {
      return { ok: false, retryable: false, message: `'${p.url}' is not a URL` };
    }
    const body = p.body === undefined || p.method === 'GET' ? undefined : JSON.stringify(p.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': ctx.job.id,
      ...p.headers,
    };
    if (p.secret !== undefined) {
      Object.assign(
        headers,
        signStandardWebhook(p.secret, ctx.job.id, Math.floor(ctx.now() / 1000), body ?? ''),
      );
    }
    return send(p, headers, body);
  },
};
