import { type FakeSignature, signatureHeaders } from './sign.js';

/** Faults injected into a batch of webhook deliveries. Probabilities are 0–1, drawn from the seeded PRNG. */
export interface DeliveryFaults {
  /** Never send the event (a poller has to find it). */
  readonly drop?: number;
  /** Send the event twice. */
  readonly duplicate?: number;
  /** Shuffle deliveries within windows of this many (0 or 1: keep order). */
  readonly reorderWindow?: number;
  /** Wait before each send: fixed ms or a `[min, max]` range. */
  readonly delayMs?: number | readonly [number, number];
  /** Added to the signed timestamp, as a sender with a wrong clock would. */
  readonly skewSeconds?: number;
}

/** Options of `FakeProvider.deliver`. */
export interface DeliverOptions {
  /** Where to POST. */
  readonly url: string;
  readonly provider: 'kota' | 'ten99policy';
  /** Event bodies, in the order the provider would send them. Defaults to every event the fake holds. */
  readonly events?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly faults?: DeliveryFaults;
  /** Redeliveries after a 429/5xx answer (honouring the receiver's Retry-After). Default 3. */
  readonly retries?: number;
  /** Pause between redeliveries when the receiver sends no Retry-After. Default 10 ms. */
  readonly retryDelayMs?: number;
  /** Deliveries in flight at once. Default 1 (strictly in the planned order). */
  readonly concurrency?: number;
  /** Override the signature scheme or secret for this batch. */
  readonly signature?: FakeSignature;
  readonly secret?: string;
}

/** What happened to one planned delivery. */
export interface DeliveryOutcome {
  readonly eventId: string;
  /** The last answer's status; 0 when the request failed outright. */
  readonly status: number;
  readonly attempts: number;
}

/**
 * The report of one `deliver()` call. An event without an id is reported under the id the engine gives it
 * (`hashEventBody`), so the ids can be looked up in the engine's ledger.
 */
export interface DeliveryReport {
  /** HTTP requests made, retries included. */
  readonly requests: number;
  readonly outcomes: ReadonlyArray<DeliveryOutcome>;
  /** Ids of events answered 2xx (once per planned delivery: a duplicated event appears twice). */
  readonly delivered: ReadonlyArray<string>;
  readonly dropped: ReadonlyArray<string>;
  readonly duplicated: ReadonlyArray<string>;
  /** Deliveries whose last answer was not 2xx. */
  readonly failed: ReadonlyArray<DeliveryOutcome>;
}

/** What the delivery loop needs from the fake. */
export interface DeliveryContext {
  readonly random: () => number;
  readonly now: () => number;
  readonly signatureFor: (provider: 'kota' | 'ten99policy') => { signature: FakeSignature; secret: string };
  readonly idOf: (provider: 'kota' | 'ten99policy', body: Readonly<Record<string, unknown>>) => string;
}

const wait = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();

function planDeliveries(
  events: ReadonlyArray<Readonly<Record<string, unknown>>>,
  faults: DeliveryFaults,
  random: () => number,
  idOf: (body: Readonly<Record<string, unknown>>) => string,
): { plan: Array<Readonly<Record<string, unknown>>>; dropped: string[]; duplicated: string[] } {
  const plan: Array<Readonly<Record<string, unknown>>> = [];
  const dropped: string[] = [];
  const duplicated: string[] = [];
  for (const event of events) {
    if (faults.drop && random() < faults.drop) {
      dropped.push(idOf(event));
      continue;
    }
    plan.push(event);
    if (faults.duplicate && random() < faults.duplicate) {
      duplicated.push(idOf(event));
      plan.push(event);
    }
  }
  const window = faults.reorderWindow ?? 0;
  if (window > 1) {
    for (let start = 0; start < plan.length; start += window) {
      const end = Math.min(plan.length, start + window);
      for (let i = end - 1; i > start; i--) {
        const j = start + Math.floor(random() * (i - start + 1));
        [plan[i], plan[j]] = [plan[j]!, plan[i]!];
      }
    }
  }
  return { plan, dropped, duplicated };
}

function delayOf(faults: DeliveryFaults, random: () => number): number {
  const d = faults.delayMs;
  if (d === undefined) return 0;
  if (typeof d === 'number') return d;
  return d[0] + Math.floor(random() * (d[1] - d[0] + 1));
}

function retryAfterMs(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? Math.min(seconds * 1000, 5000) : fallback;
}

/**
 * Delivers signed webhooks to `options.url` with the requested faults.
 *
 * @example
 * ```ts
 * const report = await deliverWebhooks(ctx, { url, provider: 'kota', events, faults: { drop: 0.1 } });
 * ```
 */
export async function deliverWebhooks(
  ctx: DeliveryContext,
  options: DeliverOptions,
  all: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Promise<DeliveryReport> {
  const faults = options.faults ?? {};
  const idOf = (body: Readonly<Record<string, unknown>>): string => ctx.idOf(options.provider, body);
  const { plan, dropped, duplicated } = planDeliveries(options.events ?? all, faults, ctx.random, idOf);
  const configured = ctx.signatureFor(options.provider);
  const signature = options.signature ?? configured.signature;
  const secret = options.secret ?? configured.secret;
  const retries = options.retries ?? 3;
  const delays = plan.map(() => delayOf(faults, ctx.random));
  const outcomes: DeliveryOutcome[] = new Array(plan.length);
  let requests = 0;
  let sequence = 0;

  async function send(body: string, deliveryId: string): Promise<Response | undefined> {
    requests += 1;
    const timestamp = Math.floor(ctx.now() / 1000) + (faults.skewSeconds ?? 0);
    const headers = {
      'content-type': 'application/json',
      ...signatureHeaders(signature, secret, deliveryId, timestamp, body),
    };
    try {
      return await fetch(options.url, { method: 'POST', headers, body });
    } catch {
      return undefined;
    }
  }

  async function deliverOne(index: number): Promise<void> {
    const event = plan[index]!;
    const body = JSON.stringify(event);
    const eventId = idOf(event);
    const deliveryId = `msg_${(sequence++).toString(36)}_${eventId}`;
    await wait(delays[index]!);
    let status = 0;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const res = await send(body, deliveryId);
      status = res?.status ?? 0;
      const retryAfter = res?.headers.get('retry-after') ?? null;
      await res?.body?.cancel();
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || attempts > retries) break;
      await wait(retryAfterMs(retryAfter, options.retryDelayMs ?? 10));
    }
    outcomes[index] = { eventId, status, attempts };
  }

  const concurrency = Math.max(1, options.concurrency ?? 1);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, plan.length) }, async () => {
    while (next < plan.length) await deliverOne(next++);
  });
  await Promise.all(workers);
  const ok = (o: DeliveryOutcome): boolean => o.status >= 200 && o.status < 300;
  return {
    requests,
    outcomes,
    delivered: outcomes.filter(ok).map((o) => o.eventId),
    dropped,
    duplicated,
    failed: outcomes.filter((o) => !ok(o)),
  };
}
