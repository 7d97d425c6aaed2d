import { isPolicyflowError } from '@policyflow/core';
import { createFakeProvider, type FakeProvider } from '@policyflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kotaClient,
  ProviderApiError,
  parseKotaProblem,
  parseRetryAfter,
  parseTen99PolicyError,
  ten99policyClient,
} from '../../src/polling/index.js';
import { kotaEvent, policyEvent } from '../support/engine.js';

let fake: FakeProvider;
const NOW = Date.now();
beforeAll(async () => {
  fake = await createFakeProvider();
  fake.addEvents(
    'kota',
    [0, 1, 2].map((n) => kotaEvent(n, { createdMs: NOW - 60_000 + n, group: 'gr_1', step: n })),
  );
  fake.addEvents(
    'ten99policy',
    [0, 1, 2].map((n) => policyEvent(n)),
  );
});
afterAll(() => fake.close());

async function caught(promise: Promise<unknown>): Promise<ProviderApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderApiError);
  return error as ProviderApiError;
}

describe('kotaClient', () => {
  it('lists, retrieves and replays events', async () => {
    const client = kotaClient({ baseUrl: `${fake.url}/`, apiKey: fake.apiKey });
    const page = await client.listEvents({
      orderDirection: 'asc',
      pageSize: 2,
      createdAfter: new Date(NOW - 3_600_000),
    });
    expect(page.items.map((e) => e.type)).toEqual(['group.created', 'group.ready']);
    expect(page).toMatchObject({ page: 1, page_size: 2, total_count: 3, has_next_page: true });
    const one = await client.retrieveEvent(page.items[0]!.id);
    expect(one).toEqual(page.items[0]);
    expect(await client.replayEvent(one.id)).toEqual({ event_id: one.id, deliveries: [] });
  });

  it('raises typed errors from problem+json', async () => {
    const client = kotaClient({ baseUrl: fake.url, apiKey: 'pk_test_wrong' });
    const auth = await caught(client.listEvents());
    expect(auth.code).toBe('provider_auth_failed');
    expect(auth.httpStatus).toBe(401);
    expect(auth.providerCode).toBe('unauthorized');
    expect(auth.message).toMatch(
      /Kota's API refused the credentials \(401: Unauthorized: The API key is missing or invalid\)/,
    );
    const good = kotaClient({ baseUrl: fake.url, apiKey: fake.apiKey });
    const missing = await caught(good.retrieveEvent('evt_missing'));
    expect([missing.code, missing.httpStatus, missing.providerCode, missing.retryable]).toEqual([
      'not_found',
      404,
      'not_found',
      false,
    ]);
    const bad = await caught(good.listEvents({ createdAfter: 'yesterday' }));
    expect(bad.code).toBe('provider_api_error');
    expect(bad.message).toMatch(/created_after: must be an ISO-8601 date-time/);
    await expect(good.listEvents({ pageSize: 101 })).rejects.toSatisfy((e) =>
      isPolicyflowError(e, 'invalid_argument'),
    );
  });

  it('reports 429 with Retry-After as retryable, and network failures with status 0', async () => {
    fake.setApiFaults({ rateLimit: 1, retryAfterSeconds: 3 });
    try {
      const limited = await caught(kotaClient({ baseUrl: fake.url, apiKey: fake.apiKey }).listEvents());
      expect([limited.code, limited.retryAfterMs, limited.retryable]).toEqual(['rate_limited', 3000, true]);
    } finally {
      fake.setApiFaults({});
    }
    const down = await caught(kotaClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' }).listEvents());
    expect([down.httpStatus, down.retryable]).toEqual([0, true]);
  });
});

describe('ten99policyClient', () => {
  it('lists newest first with cursors and retrieves, sending bearer auth and the environment', async () => {
    const seen: Array<Record<string, string>> = [];
    const client = ten99policyClient({
      baseUrl: `${fake.url}/api/v1`,
      apiKey: fake.apiKey,
      fetch: (url, init) => {
        seen.push(init.headers as Record<string, string>);
        return fetch(url, init);
      },
    });
    const newest = await client.listEvents({ limit: 2 });
    expect(newest.map((e) => e.id)).toEqual(['ev_00000002', 'ev_00000001']);
    expect((await client.listEvents({ limit: 2, startingAfter: 'ev_00000001' })).map((e) => e.id)).toEqual([
      'ev_00000000',
    ]);
    expect((await client.retrieveEvent('ev_00000000')).id).toBe('ev_00000000');
    expect(seen[0]).toMatchObject({
      authorization: `Bearer ${fake.apiKey}`,
      'ten99policy-environment': 'production',
    });
  });

  it('raises typed errors from { message, error_code }', async () => {
    const auth = await caught(ten99policyClient({ baseUrl: fake.url, apiKey: 't9sk_test_x' }).listEvents());
    expect([auth.code, auth.providerCode]).toEqual(['provider_auth_failed', 'invalid_api_key']);
    expect(auth.message).toMatch(/1099Policy's API refused the credentials/);
    const client = ten99policyClient({ baseUrl: fake.url, apiKey: fake.apiKey });
    const missing = await caught(client.retrieveEvent('ev_nope'));
    expect([missing.code, missing.providerCode]).toEqual(['not_found', 'invalid_event_id']);
    fake.setApiFaults({ serverError: 1 });
    try {
      const boom = await caught(client.listEvents());
      expect([boom.code, boom.providerCode, boom.retryable]).toEqual([
        'provider_api_error',
        'general_error',
        true,
      ]);
    } finally {
      fake.setApiFaults({});
    }
  });
});

describe('error parsing', () => {
  it('reads problem details, message objects and Retry-After forms', () => {
    expect(
      parseKotaProblem({ title: 'Bad Request', detail: 'invalid', errors: { 'data.id': ['is required'] } }),
    ).toEqual({
      code: undefined,
      message: 'Bad Request: invalid: data.id: is required',
    });
    expect(
      parseTen99PolicyError({ message: { limit: 'too big', page: 2 }, error_code: 'invalid_input' }),
    ).toEqual({
      code: 'invalid_input',
      message: 'limit: too big, page: 2',
    });
    expect(parseTen99PolicyError('upstream down')).toEqual({ code: undefined, message: 'upstream down' });
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter(new Date(now + 4000).toUTCString(), now)).toBe(4000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('an answer whose body fails', () => {
  /** A 200 whose body sends `[` and then errors, or never goes on. */
  function fetchOf(body: 'reset' | 'stall'): () => Promise<Response> {
    return async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode('['));
            if (body === 'reset') c.error(new TypeError('terminated'));
          },
        }),
        { status: 200 },
      );
  }

  it('is a retryable failure without an answer, reset or stalled past the timeout', async () => {
    const reset = await caught(ten99policyClient({ apiKey: 'k', fetch: fetchOf('reset') }).listEvents());
    expect([reset.httpStatus, reset.retryable, reset.code]).toEqual([0, true, 'provider_api_error']);
    expect(reset.message).toMatch(/failed while reading its 200 answer: terminated$/);
    const client = kotaClient({
      baseUrl: 'http://kota.test',
      apiKey: 'k',
      fetch: fetchOf('stall'),
      timeoutMs: 20,
    });
    const stalled = await caught(client.listEvents());
    expect([stalled.httpStatus, stalled.retryable]).toEqual([0, true]);
    expect(stalled.message).toMatch(/failed while reading its 200 answer/);
  });
});
