import type { Clock, Engine, ErrorCode, ErrorInfo, IngestStatus } from '@policyflow/core';
import { errorCodes, isPolicyflowError, PolicyflowError, systemClock } from '@policyflow/core';
import { type HeaderSource, readHeader } from './headers.js';
import type { SignatureScheme } from './schemes.js';
import { DEFAULT_TOLERANCE_SECONDS, failureInfo } from './verify.js';

/**
 * Default body limit: 1 MiB.
 *
 * @example
 * ```ts
 * createWebhookHandler({ engine, provider, scheme, secrets, maxBodyBytes: 4 * DEFAULT_MAX_BODY_BYTES });
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Where a stateless receiver sends verified deliveries instead of ingesting them: `ingestQueue(boss, providers)`
 * of `@policyflow/adapters/postgres` is one. Workers then ingest (and record invalid events).
 */
export interface WebhookQueue {
  enqueue(
    deliveries: ReadonlyArray<{
      readonly payload: unknown;
      readonly provider: string;
      readonly source?: string;
      readonly receivedAt?: number;
    }>,
  ): Promise<void>;
}

/** Options of {@link createWebhookHandler}: an `engine` to ingest into, or a `queue` to enqueue on. */
export type WebhookHandlerOptions = WebhookHandlerCommon &
  (
    | { readonly engine: Engine; readonly queue?: never }
    | { readonly queue: WebhookQueue; readonly engine?: never }
  );

/** Options of {@link createWebhookHandler} other than its sink. */
export interface WebhookHandlerCommon {
  /** The catalog's provider name (`kota`, `ten99policy`, …). */
  readonly provider: string;
  readonly scheme: SignatureScheme;
  /** Every secret currently valid; during a rotation, list the old and the new one. */
  readonly secrets: ReadonlyArray<string>;
  /** How far either side of now a signed timestamp may be. Default 300. */
  readonly toleranceSeconds?: number;
  /** Larger bodies are answered 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Accepted media types. Default `application/json` and any `application/*+json`. */
  readonly contentTypes?: ReadonlyArray<string>;
  /** Defaults to the engine's clock (the system clock with a queue). */
  readonly clock?: Pick<Clock, 'now'>;
  /** The `source` recorded with each event. Default `webhook`. */
  readonly source?: string;
  /**
   * Called for every delivery answered without ingesting (4xx/5xx other than 422), for logs and metrics.
   * `cause` is the error behind a 5xx (a queue that refused, say): the answer itself never carries its text.
   */
  readonly onReject?: (rejection: {
    readonly status: number;
    readonly code: string;
    readonly message: string;
    readonly cause?: unknown;
  }) => void;
}

/** The JSON body of an answer. */
export type WebhookReply =
  | { readonly status: Exclude<IngestStatus, 'invalid'> | 'queued'; readonly eventId: string | undefined }
  | { readonly status: 'invalid'; readonly eventId: string | undefined; readonly error: ErrorInfo }
  | { readonly error: { readonly code: ErrorCode | 'internal'; readonly message: string } };

/** A framework-neutral answer: adapters write it out. */
export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: WebhookReply;
}

/** A request as the handler needs it; each adapter builds one from its framework's request. */
export interface RawDelivery {
  readonly method: string;
  readonly headers: HeaderSource;
  /**
   * Reads the raw body. Resolves `undefined` once more than `limit` bytes arrive (the caller answers 413);
   * rejects with `body_already_parsed` when a framework consumed it first.
   */
  readBody(limit: number): Promise<Uint8Array | undefined>;
}

/**
 * A webhook endpoint: call it with a Web `Request`, get a `Response`. `process` is the same logic without
 * Web objects; the node:http, Express and Fastify adapters use it.
 */
export interface WebhookHandler {
  (request: Request): Promise<Response>;
  process(delivery: RawDelivery): Promise<WebhookAnswer>;
  readonly provider: string;
  readonly maxBodyBytes: number;
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });

function isJsonMediaType(value: string): boolean {
  return value === 'application/json' || (value.startsWith('application/') && value.endsWith('+json'));
}

function mediaType(header: string | undefined): string {
  if (header === undefined) return '';
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

function errorAnswer(code: ErrorCode, message: string, extraHeaders?: Record<string, string>): WebhookAnswer {
  return {
    status: errorCodes[code].status,
    headers: extraHeaders ? { ...JSON_HEADERS, ...extraHeaders } : JSON_HEADERS,
    body: { error: { code, message } },
  };
}

/**
 * Creates a webhook endpoint for one provider. Checks, in order: method (405), content type (415), size
 * (413), signature (401), JSON (400); then ingests and answers 200 `{ status, eventId }` only once the
 * engine has durably recorded the event, 422 for an invalid event (recorded as such), 503 when the engine
 * is closing, overloaded or its store failed, so the provider retries. Nothing is stored for a delivery
 * answered 4xx except the invalid-event record of a 422.
 *
 * @example
 * ```ts
 * const handle = createWebhookHandler({ engine, provider: 'ten99policy',
 *   scheme: stripeStyle({ header: 'ten99policy-signature' }), secrets: [process.env.T99_SECRET!] });
 * Bun.serve({ fetch: handle }); // or toNodeListener(handle), toExpressHandler(handle), …
 * ```
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const { engine, queue, provider, scheme } = options;
  if (engine === undefined && queue === undefined) {
    throw new PolicyflowError('invalid_argument', 'give an engine to ingest into or a queue to enqueue on', {
      path: ['engine'],
    });
  }
  if (engine !== undefined && engine.catalog(provider) === undefined) {
    throw new PolicyflowError('invalid_argument', `the engine has no provider '${provider}'`, {
      path: ['provider'],
    });
  }
  if (options.secrets.length === 0 || options.secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new PolicyflowError('invalid_argument', 'secrets must list at least one non-empty secret', {
      path: ['secrets'],
    });
  }
  const verify = scheme.verifier(options.secrets);
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const accepted = options.contentTypes?.map((t) => t.toLowerCase());
  const clock = options.clock ?? engine?.clock ?? systemClock;
  const source = options.source ?? 'webhook';
  const onReject = options.onReject;

  function reject(answer: WebhookAnswer, cause?: unknown): WebhookAnswer {
    if (onReject && 'error' in answer.body) {
      const { code, message } = answer.body.error;
      onReject(
        cause === undefined
          ? { status: answer.status, code, message }
          : { status: answer.status, code, message, cause },
      );
    }
    return answer;
  }

  async function process(delivery: RawDelivery): Promise<WebhookAnswer> {
    const receivedAt = clock.now();
    if (delivery.method !== 'POST') {
      return reject({
        status: 405,
        headers: { ...JSON_HEADERS, allow: 'POST' },
        body: { error: { code: 'invalid_argument', message: 'webhooks are delivered with POST' } },
      });
    }
    const type = mediaType(readHeader(delivery.headers, 'content-type'));
    if (accepted ? !accepted.includes(type) : !isJsonMediaType(type)) {
      return reject(errorAnswer('unsupported_media_type', 'the body must be application/json'));
    }
    const declared = Number(readHeader(delivery.headers, 'content-length'));
    if (declared > maxBodyBytes) return reject(tooLarge(maxBodyBytes));
    let body: Uint8Array | undefined;
    try {
      body = await delivery.readBody(maxBodyBytes);
    } catch (error) {
      if (isPolicyflowError(error)) return reject(errorAnswer(error.code, error.message));
      throw error;
    }
    if (body === undefined) return reject(tooLarge(maxBodyBytes));

    const outcome = await verify({ headers: delivery.headers, body }, { now: receivedAt, toleranceSeconds });
    if (!outcome.ok) {
      const info = failureInfo(outcome.code);
      return reject(errorAnswer(info.code, info.message));
    }

    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return reject(errorAnswer('invalid_json', 'the body is not valid JSON'));
    }
    return engine === undefined
      ? enqueue(text, parsed, receivedAt)
      : ingest(engine, text, parsed, receivedAt);
  }

  /** Stateless mode: answer 202 once the delivery is durable in the queue; a worker ingests it. */
  async function enqueue(text: string, parsed: unknown, receivedAt: number): Promise<WebhookAnswer> {
    try {
      await queue!.enqueue([{ payload: text, provider, source, receivedAt }]);
    } catch (error) {
      // The queue's own error may name its database or tables: the sender gets none of it, onReject all of it.
      const answer = errorAnswer('store_failure', 'the queue did not accept the delivery', {
        'retry-after': '1',
      });
      return reject(answer, error);
    }
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as { id?: unknown }).id : undefined;
    return {
      status: 202,
      headers: JSON_HEADERS,
      body: { status: 'queued', eventId: typeof id === 'string' ? id : undefined },
    };
  }

  async function ingest(
    engine: Engine,
    text: string,
    parsed: unknown,
    receivedAt: number,
  ): Promise<WebhookAnswer> {
    try {
      // The raw text travels with the parsed body, so an invalid event's record keeps the body byte for byte
      // and the engine does not parse it a second time.
      const result = await engine.ingest(text, { provider, source, receivedAt, parsed });
      if (result.status === 'invalid') {
        const error = result.error ?? { code: 'invalid_envelope', message: 'invalid event', path: [] };
        return {
          status: 422,
          headers: JSON_HEADERS,
          body: { status: 'invalid', eventId: result.eventId, error },
        };
      }
      return { status: 200, headers: JSON_HEADERS, body: { status: result.status, eventId: result.eventId } };
    } catch (error) {
      if (isPolicyflowError(error)) {
        const status = errorCodes[error.code].status;
        const retry = status === 503 ? { 'retry-after': '1' } : undefined;
        return reject(errorAnswer(error.code, error.message, retry), error);
      }
      engine.emit('warning', { code: 'webhook_internal_error', message: String(error) });
      const answer: WebhookAnswer = {
        status: 500,
        headers: JSON_HEADERS,
        body: { error: { code: 'internal', message: 'internal error' } },
      };
      return reject(answer, error);
    }
  }

  const handle = async (request: Request): Promise<Response> => {
    const answer = await process(fromRequest(request));
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
  };
  return Object.assign(handle, { process, provider, maxBodyBytes });
}

function tooLarge(limit: number): WebhookAnswer {
  return errorAnswer('payload_too_large', `the body is larger than ${limit} bytes`, { connection: 'close' });
}

/**
 * Builds a {@link RawDelivery} from a Web `Request`, reading its stream no further than the limit.
 *
 * @example
 * ```ts
 * const answer = await handle.process(fromRequest(request));
 * ```
 */
export function fromRequest(request: Request): RawDelivery {
  return {
    method: request.method,
    headers: request.headers,
    async readBody(limit) {
      if (request.bodyUsed) {
        throw new PolicyflowError(
          'body_already_parsed',
          'the request body was already read before the webhook handler ran (a body parser or c.req.json()); ' +
            'the signature is over the raw bytes, so mount the webhook handler before anything reads the body',
        );
      }
      if (request.body === null) return new Uint8Array(0);
      return readStream(request.body, limit);
    },
  };
}

async function readStream(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  return Buffer.concat(chunks, size);
}
