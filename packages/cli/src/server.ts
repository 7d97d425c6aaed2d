import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromNodeRequest, type WebhookHandler, writeAnswer } from '@policyflow/adapters/webhook';
import type { Engine } from '@policyflow/core';
import { type Metrics, sampleGauges } from './metrics.js';

/** What the HTTP server serves. */
export interface ServerOptions {
  readonly engine: Engine;
  /** One webhook handler per provider that has a secret configured (or `--unsigned`). */
  readonly handlers: ReadonlyMap<string, WebhookHandler>;
  readonly metrics: Metrics;
  /** Why a provider has no handler, answered on its webhook path (e.g. "set providers.kota.webhook.secrets"). */
  readonly disabled?: ReadonlyMap<string, string>;
  /** Called before rendering /metrics, to refresh gauges such as poll lag. */
  readonly beforeScrape?: () => void | Promise<void>;
  /**
   * Gets what a request failed on unexpectedly. The client is only told `500 internal error`: the real
   * error (a store's, say) can name hosts, users or queries, which are for the operator's log alone.
   */
  readonly onError: (error: unknown, request: { readonly method: string; readonly path: string }) => void;
}

/** A running server. */
export interface PolicyflowServer {
  readonly server: Server;
  /** `http://127.0.0.1:PORT` once listening. */
  readonly url: string;
  /** Stops accepting connections, waits for in-flight requests, then resolves. */
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function notFound(res: ServerResponse, message: string): void {
  json(res, 404, { error: { code: 'not_found', message } });
}

// The request target's path as sent: not through `URL`, which collapses `.` and `..` segments (also as `%2E`),
// so a resource whose id is `..` could never be read. Undefined when it is not a path at all (`//[`).
function pathOf(target: string | undefined): string | undefined {
  const raw = target ?? '/';
  let parsed: URL;
  try {
    parsed = new URL(raw, 'http://localhost');
  } catch {
    return undefined;
  }
  // An absolute target (`http://host/…`) or one that reads as an authority (`//host/…`) keeps URL's reading.
  if (!raw.startsWith('/') || raw.startsWith('//')) return parsed.pathname;
  const end = raw.search(/[?#]/);
  return end < 0 ? raw : raw.slice(0, end);
}

// Undefined when a segment is not valid percent-encoding (`%ZZ`, a cut-off UTF-8 sequence).
function segmentsOf(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

async function route(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = pathOf(req.url);
  const parts = path === undefined ? undefined : segmentsOf(path);
  if (parts === undefined) {
    req.resume();
    return json(res, 400, {
      error: {
        code: 'invalid_argument',
        message: 'the request path is not a valid, percent-encoded URL path',
      },
    });
  }
  const method = req.method ?? 'GET';
  if (parts[0] === 'webhooks' && parts.length === 2) {
    const provider = parts[1]!;
    const handler = options.handlers.get(provider);
    if (handler) return writeAnswer(res, await handler.process(fromNodeRequest(req)));
    const why = options.disabled?.get(provider);
    req.resume();
    if (why) return json(res, 503, { error: { code: 'invalid_argument', message: why } });
    return json(res, 404, { error: { code: 'unknown_provider', message: `no provider '${provider}'` } });
  }
  if (method !== 'GET') return json(res, 405, { error: { code: 'invalid_argument', message: 'use GET' } });
  if (parts[0] === 'healthz' && parts.length === 1) return json(res, 200, { status: 'ok' });
  if (parts[0] === 'metrics' && parts.length === 1) {
    await sampleGauges(options.engine, options.metrics);
    await options.beforeScrape?.();
    const text = options.metrics.render();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text);
    return;
  }
  if (parts[0] === 'resources' && parts.length === 4) {
    const key = parts.slice(1).join('/');
    const resource = await options.engine.getResource(key);
    if (resource === undefined) return notFound(res, `no resource ${key}`);
    return json(res, 200, resource);
  }
  notFound(
    res,
    'routes: POST /webhooks/:provider, GET /resources/:provider/:lifecycle/:id, /healthz, /metrics',
  );
}

/**
 * Starts the `policyflow serve` HTTP server on `host:port` (port 0 picks a free one).
 *
 * @example
 * ```ts
 * const srv = await startServer({ engine, handlers, metrics, onError: console.error }, 3000, '127.0.0.1');
 * console.log(srv.url);
 * await srv.close();
 * ```
 */
export async function startServer(
  options: ServerOptions,
  port: number,
  host: string,
): Promise<PolicyflowServer> {
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const server = createServer((req, res) => {
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    });
    route(options, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else json(res, 500, { error: { code: 'internal', message: 'internal error' } });
      // The query string stays out of the log: it is the part of a URL that carries tokens.
      options.onError(error, { method: req.method ?? 'GET', path: pathOf(req.url) ?? '?' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      server.closeIdleConnections();
      await closed;
    },
  };
}
