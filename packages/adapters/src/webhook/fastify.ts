import type { IncomingMessage } from 'node:http';
import { PolicyflowError } from '@policyflow/core';
import type { WebhookAnswer, WebhookHandler } from './handler.js';

/** The slice of a Fastify request/reply the adapter uses (no runtime dependency on Fastify). */
export interface FastifyLikeRequest {
  readonly raw: IncomingMessage;
  readonly body?: unknown;
}
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(payload: string): FastifyLikeReply;
}

/** The slice of a Fastify instance {@link fastifyWebhook} uses. */
export interface FastifyLikeInstance {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (req: unknown, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(
    path: string,
    handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<FastifyLikeReply>,
  ): unknown;
}

const FIX =
  "Register the route through app.register(fastifyWebhook(handle, { path })), or in its plugin call app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body)).";

function send(reply: FastifyLikeReply, answer: WebhookAnswer): FastifyLikeReply {
  return reply
    .code(answer.status)
    .headers({ ...answer.headers })
    .send(JSON.stringify(answer.body));
}

/**
 * A Fastify route handler. Fastify parses JSON itself, so the route needs a raw-buffer content parser;
 * {@link fastifyWebhook} sets one up. With Fastify's JSON parser in place, deliveries get a clear
 * `body_already_parsed` 500.
 *
 * @example
 * ```ts
 * app.post('/webhooks/kota', toFastifyHandler(handle)); // in a context with a buffer parser
 * ```
 */
export function toFastifyHandler(
  handle: WebhookHandler,
): (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<FastifyLikeReply> {
  return async (request, reply) => {
    const body = request.body;
    const answer = await handle.process({
      method: request.raw.method ?? 'GET',
      headers: request.raw.headers,
      async readBody(limit) {
        if (body instanceof Uint8Array) return body.byteLength > limit ? undefined : body;
        if (typeof body === 'string') {
          const bytes = Buffer.from(body, 'utf8');
          return bytes.byteLength > limit ? undefined : bytes;
        }
        if (body === undefined || body === null) return new Uint8Array(0);
        throw new PolicyflowError(
          'body_already_parsed',
          `Fastify parsed the request body before the webhook handler ran, so the signature can no longer be checked over the raw bytes. ${FIX}`,
        );
      },
    });
    return send(reply, answer);
  };
}

/**
 * A Fastify plugin: one POST route whose context keeps bodies as raw buffers (any content type, so the
 * handler itself answers 415), leaving the rest of the app's JSON parsing alone.
 *
 * @example
 * ```ts
 * await app.register(fastifyWebhook(handle, { path: '/webhooks/ten99policy' }));
 * ```
 */
export function fastifyWebhook(
  handle: WebhookHandler,
  options: { readonly path: string },
): (app: FastifyLikeInstance) => Promise<void> {
  const route = toFastifyHandler(handle);
  return async (app) => {
    app.removeAllContentTypeParsers();
    // One byte over the limit still reaches the handler, so it answers 413 in its own format.
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: handle.maxBodyBytes + 1 },
      (_req, body, done) => done(null, body),
    );
    app.post(options.path, route);
  };
}
