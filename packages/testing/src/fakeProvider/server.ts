import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashEventBody } from '@policyflow/core';
import { type DeliverOptions, type DeliveryReport, deliverWebhooks } from './deliver.js';
import { type FakeAnswer, jsonAnswer, kotaProblem, ten99Error, writeFake } from './http.js';
import { type FakeKotaOptions, getKotaEvent, listKotaEvents } from './kotaApi.js';
import { EventLog } from './log.js';
import { seededRandom } from './random.js';
import type { FakeSignature } from './sign.js';
import { type FakeTen99PolicyOptions, getTen99Event, listTen99Events } from './ten99policyApi.js';

/** The two providers the fake serves. */
export type FakeProviderName = 'kota' | 'ten99policy';

/** Faults of the fake's events APIs (not of webhook deliveries). Probabilities are 0–1 per request. */
export interface ApiFaults {
  /** Answer 429. */
  readonly rateLimit?: number;
  /** Once a 429 fires, this many requests in a row get one (a storm). Default 1. */
  readonly rateLimitBurst?: number;
  /**
   * `Retry-After` on the 429 answers (`rateLimit`), in seconds; `null` to send none. Default 1. The 500
   * answers of `serverError` never carry one.
   */
  readonly retryAfterSeconds?: number | null;
  /** Answer 500, without `Retry-After`. */
  readonly serverError?: number;
}

/** Options of {@link createFakeProvider}. */
export interface FakeProviderOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** The bearer token both APIs accept. Default `test_key`. */
  readonly apiKey?: string;
  /** Seed of every random choice (faults, tie order). Default 1. */
  readonly seed?: number;
  /** The fake's clock (epoch ms): retention and signed timestamps use it. Default `Date.now`. */
  readonly now?: () => number;
  readonly kota?: FakeKotaOptions;
  readonly ten99policy?: FakeTen99PolicyOptions;
  readonly apiFaults?: ApiFaults;
  /** Webhook secrets. Defaults: `whsec_fake_kota`, `whsec_fake_ten99policy`. */
  readonly secrets?: Partial<Record<FakeProviderName, string>>;
  /** Signature schemes. Defaults: Stripe-style in `x-kota-webhook-signature` / `ten99policy-signature`. */
  readonly signatures?: Partial<Record<FakeProviderName, FakeSignature>>;
  /** Endpoints Kota's `POST /events/{id}/replay` delivers to. */
  readonly webhookEndpoints?: Partial<Record<FakeProviderName, ReadonlyArray<string>>>;
}

/** Request counters, for asserting on retries and storms. */
export interface FakeProviderStats {
  readonly requests: number;
  readonly rateLimited: number;
  readonly serverErrors: number;
  readonly unauthorized: number;
}

/**
 * A running fake of both providers.
 *
 * @example
 * ```ts
 * const fake = await createFakeProvider();
 * fake.addEvents('kota', events);
 * const client = kotaClient({ baseUrl: fake.url, apiKey: fake.apiKey });
 * await fake.close();
 * ```
 */
export interface FakeProvider {
  /** `http://127.0.0.1:<port>`: Kota's base URL, and 1099Policy's (its paths start `/api/v1`). */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly secrets: Readonly<Record<FakeProviderName, string>>;
  /** Adds events (any order; they are kept sorted by created). */
  addEvents(provider: FakeProviderName, events: ReadonlyArray<Readonly<Record<string, unknown>>>): void;
  /** The events held, oldest first. */
  events(provider: FakeProviderName): ReadonlyArray<Readonly<Record<string, unknown>>>;
  setApiFaults(faults: ApiFaults): void;
  stats(): FakeProviderStats;
  /** Delivers signed webhooks with faults; see {@link DeliverOptions}. */
  deliver(options: DeliverOptions): Promise<DeliveryReport>;
  close(): Promise<void>;
}

// An event without an id gets the id the engine gives it, so a report's ids can be looked up in its ledger.
function defaultId(body: Readonly<Record<string, unknown>>): string {
  return typeof body.id === 'string' ? body.id : hashEventBody(body);
}

/**
 * Starts a fake Kota + 1099Policy on 127.0.0.1: `GET /events`, `GET /events/{id}`, `POST /events/{id}/replay`
 * (Kota) and `GET /api/v1/events`, `GET /api/v1/events/{id}` (1099Policy) with their real shapes, pagination
 * and error bodies; and `deliver()` to send signed webhooks with drops, duplicates, reordering, delays and
 * clock skew. Signs with node:crypto only.
 *
 * @example
 * ```ts
 * const fake = await createFakeProvider({ apiFaults: { rateLimit: 0.2, rateLimitBurst: 5 } });
 * fake.addEvents('ten99policy', [{ id: 'ev_1', type: 'policy.active', created: 1700000000, data: { id: 'pl_1' } }]);
 * await fake.deliver({ url: 'http://127.0.0.1:3000/webhooks/ten99policy', provider: 'ten99policy' });
 * ```
 */
export async function createFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const apiKey = options.apiKey ?? 'test_key';
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const now = options.now ?? Date.now;
  const logs: Record<FakeProviderName, EventLog> = {
    kota: new EventLog(options.kota?.shuffleTies ?? false, seed),
    ten99policy: new EventLog(false, seed),
  };
  const secrets: Record<FakeProviderName, string> = {
    kota: options.secrets?.kota ?? 'whsec_fake_kota',
    ten99policy: options.secrets?.ten99policy ?? 'whsec_fake_ten99policy',
  };
  const signatures: Record<FakeProviderName, FakeSignature> = {
    kota: options.signatures?.kota ?? { kind: 'stripe-style', header: 'x-kota-webhook-signature' },
    ten99policy: options.signatures?.ten99policy ?? { kind: 'stripe-style', header: 'ten99policy-signature' },
  };
  let faults: ApiFaults = options.apiFaults ?? {};
  let storm = 0;
  const stats = { requests: 0, rateLimited: 0, serverErrors: 0, unauthorized: 0 };
  const deliveryContext = {
    random,
    now,
    signatureFor: (p: FakeProviderName) => ({ signature: signatures[p], secret: secrets[p] }),
    idOf: (_p: FakeProviderName, body: Readonly<Record<string, unknown>>) => defaultId(body),
  };

  function injectedFault(isKota: boolean): FakeAnswer | undefined {
    const retryAfter = faults.retryAfterSeconds === undefined ? 1 : faults.retryAfterSeconds;
    const headers: Record<string, string> = retryAfter === null ? {} : { 'retry-after': String(retryAfter) };
    if (storm > 0 || (faults.rateLimit && random() < faults.rateLimit)) {
      storm = storm > 0 ? storm - 1 : Math.max(0, (faults.rateLimitBurst ?? 1) - 1);
      stats.rateLimited += 1;
      const a = isKota
        ? kotaProblem(429, 'rate_limit_exceeded', 'Too Many Requests', 'Rate limit exceeded')
        : ten99Error(429, 'too_many_requests', 'Too many requests');
      return { ...a, headers: { ...a.headers, ...headers } };
    }
    if (faults.serverError && random() < faults.serverError) {
      stats.serverErrors += 1;
      return isKota
        ? kotaProblem(500, 'internal_error', 'Internal Server Error', 'Something went wrong')
        : ten99Error(500, 'general_error', 'Something went wrong');
    }
    return undefined;
  }

  async function replay(id: string): Promise<FakeAnswer> {
    const event = logs.kota.get(id);
    if (!event) return kotaProblem(404, 'not_found', 'Not Found', `No event with id ${id}`);
    const deliveries = [];
    for (const [i, url] of (options.webhookEndpoints?.kota ?? []).entries()) {
      const started = Date.now();
      const report = await deliverWebhooks(
        deliveryContext,
        { url, provider: 'kota', events: [event.body], retries: 0 },
        [],
      );
      const status = report.outcomes[0]?.status ?? 0;
      deliveries.push({
        delivery_id: `evtd_${id.slice(4)}_${i}`,
        success: status >= 200 && status < 300,
        ...(status > 0 ? { response_status_code: status } : {}),
        elapsed_time_ms: Date.now() - started,
      });
    }
    return jsonAnswer(JSON.stringify({ event_id: id, deliveries }));
  }

  async function route(req: IncomingMessage): Promise<FakeAnswer> {
    stats.requests += 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const isTen99 = path.startsWith('/api/v1/');
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      stats.unauthorized += 1;
      return isTen99
        ? ten99Error(401, 'invalid_api_key', 'Invalid API key provided')
        : kotaProblem(401, 'unauthorized', 'Unauthorized', 'The API key is missing or invalid');
    }
    const fault = injectedFault(!isTen99);
    if (fault) return fault;
    const method = req.method ?? 'GET';
    if (isTen99) {
      if (method === 'GET' && path === '/api/v1/events')
        return listTen99Events(logs.ten99policy, url, options.ten99policy ?? {});
      const m = /^\/api\/v1\/events\/([^/]+)$/.exec(path);
      if (method === 'GET' && m) return getTen99Event(logs.ten99policy, decodeURIComponent(m[1]!));
      return ten99Error(404, 'resource_not_found', `No route ${method} ${path}`);
    }
    if (method === 'GET' && path === '/events')
      return listKotaEvents(logs.kota, url, now(), options.kota ?? {});
    const one = /^\/events\/(evt_[^/]+)$/.exec(path);
    if (method === 'GET' && one)
      return getKotaEvent(logs.kota, decodeURIComponent(one[1]!), now(), options.kota ?? {});
    const rp = /^\/events\/(evt_[^/]+)\/replay$/.exec(path);
    if (method === 'POST' && rp) return replay(decodeURIComponent(rp[1]!));
    return kotaProblem(404, 'not_found', 'Not Found', `No route ${method} ${path}`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    route(req).then(
      (answer) => writeFake(res, answer),
      (error: unknown) =>
        writeFake(res, kotaProblem(500, 'internal_error', 'Internal Server Error', String(error))),
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    secrets,
    addEvents(provider, events) {
      logs[provider].add(events, defaultId);
    },
    events(provider) {
      return logs[provider].all().map((e) => e.body);
    },
    setApiFaults(next) {
      faults = next;
      storm = 0;
    },
    stats: () => ({ ...stats }),
    deliver: (deliverOptions) =>
      deliverWebhooks(
        deliveryContext,
        deliverOptions,
        logs[deliverOptions.provider].all().map((e) => e.body),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
