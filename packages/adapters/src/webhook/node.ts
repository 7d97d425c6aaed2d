import type { IncomingMessage, ServerResponse } from 'node:http';
import { PolicyflowError } from '@policyflow/core';
import type { RawDelivery, WebhookAnswer, WebhookHandler } from './handler.js';

/** A node request a framework may have decorated with a parsed `body` (Express, Koa, Fastify's raw…). */
type NodeRequest = IncomingMessage & { body?: unknown };

function alreadyParsed(framework: string, fix: string): PolicyflowError {
  return new PolicyflowError(
    'body_already_parsed',
    `${framework} parsed the request body before the webhook handler ran, so the signature can no longer be ` +
      `checked over the raw bytes. ${fix}`,
  );
}

/** Reads a node request's body, stopping (and answering 413) once it exceeds the limit. */
function readNodeBody(
  req: NodeRequest,
  limit: number,
  framework: string,
  fix: string,
): Promise<Uint8Array | undefined> {
  const pre = req.body;
  if (pre !== undefined) {
    if (pre instanceof Uint8Array) return Promise.resolve(pre.byteLength > limit ? undefined : pre);
    if (typeof pre === 'string') {
      const bytes = Buffer.from(pre, 'utf8');
      return Promise.resolve(bytes.byteLength > limit ? undefined : bytes);
    }
    return Promise.reject(alreadyParsed(framework, fix));
  }
  if (req.readableEnded) return Promise.reject(alreadyParsed(framework, fix));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Stop buffering; the answer closes the connection so the client cannot stream on forever.
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    // A client that hangs up mid-body: nothing to answer, but the promise must not dangle.
    const onClose = (): void => onError(new Error('the request closed before its body ended'));
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Builds the handler's delivery from a node:http request (also Express's and Fastify's `request.raw`).
 *
 * @example
 * ```ts
 * const answer = await handle.process(fromNodeRequest(req));
 * ```
 */
export function fromNodeRequest(
  req: NodeRequest,
  framework = 'A body parser',
  fix = 'Mount the webhook handler before any body parser.',
): RawDelivery {
  return {
    method: req.method ?? 'GET',
    headers: req.headers,
    readBody: (limit) => readNodeBody(req, limit, framework, fix),
  };
}

/**
 * Writes an answer to a node:http response.
 *
 * @example
 * ```ts
 * writeAnswer(res, await handle.process(fromNodeRequest(req)));
 * ```
 */
export function writeAnswer(res: ServerResponse, answer: WebhookAnswer): void {
  const payload = JSON.stringify(answer.body);
  const headers: string[] = ['content-length', String(Buffer.byteLength(payload))];
  for (const name in answer.headers) headers.push(name, answer.headers[name]!);
  res.writeHead(answer.status, headers);
  res.end(payload);
}

function writeFailure(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  writeAnswer(res, {
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: { error: { code: 'internal', message: 'internal error' } },
  });
}

/**
 * A `node:http` request listener.
 *
 * @example
 * ```ts
 * http.createServer(toNodeListener(createWebhookHandler({ engine, provider: 'kota', scheme: kotaSignature(), secrets })))
 *   .listen(3000);
 * ```
 */
export function toNodeListener(handle: WebhookHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle.process(fromNodeRequest(req)).then(
      (answer) => writeAnswer(res, answer),
      (error: unknown) => writeFailure(res, error),
    );
  };
}

/** The slice of Express's request/response/next the adapter uses (no runtime dependency on Express). */
type ExpressLikeRequest = IncomingMessage & { body?: unknown };
type ExpressNext = (error?: unknown) => void;

/**
 * An Express route handler. Mount it before `express.json()`, or give the route `express.raw({ type: '*\/*' })`;
 * if a JSON parser already ran, every delivery is answered 500 `body_already_parsed` saying so.
 *
 * @example
 * ```ts
 * app.post('/webhooks/kota', toExpressHandler(handle));
 * app.use(express.json()); // after the webhook route
 * ```
 */
export function toExpressHandler(
  handle: WebhookHandler,
): (req: ExpressLikeRequest, res: ServerResponse, next: ExpressNext) => void {
  const fix =
    "Register the webhook route before app.use(express.json()), or give it express.raw({ type: '*/*' }) so the raw bytes reach it.";
  return (req, res, next) => {
    handle.process(fromNodeRequest(req, 'express.json() (or another body parser)', fix)).then(
      (answer) => writeAnswer(res, answer),
      (error: unknown) => next(error),
    );
  };
}
