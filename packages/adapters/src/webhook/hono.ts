import type { WebhookHandler } from './handler.js';

/** The slice of a Hono context the adapter uses (no runtime dependency on Hono). */
export interface HonoLikeContext {
  readonly req: { readonly raw: Request };
}

/**
 * A Hono handler: Hono already speaks Web `Request`/`Response`, so this passes the raw request through.
 * Do not call `c.req.json()` or a validator before it: the body would be consumed and deliveries answered
 * 500 `body_already_parsed`.
 *
 * @example
 * ```ts
 * app.post('/webhooks/kota', toHonoHandler(handle));
 * ```
 */
export function toHonoHandler(handle: WebhookHandler): (c: HonoLikeContext) => Promise<Response> {
  return (c) => handle(c.req.raw);
}
