import { createHmac } from 'node:crypto';
import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { providerEvent, signedDelivery, signPayload } from '../../src/index.js';
import { acme } from '../helpers.js';

const NOW = Date.UTC(2025, 0, 1);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function verifyStripe(payload: string, header: string, secret: string): number | undefined {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  const mac = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
  return mac === parts.v1 ? t : undefined;
}

function verifyStandard(payload: string, h: Readonly<Record<string, string>>, secret: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${h['webhook-id']}.${h['webhook-timestamp']}.${payload}`;
  return h['webhook-signature'] === `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

describe('signedDelivery', () => {
  fcTest.prop([
    signedDelivery(
      providerEvent(acme).map((e) => e.body),
      { secret: SECRET, now: NOW, scheme: 'stripe' },
    ),
  ])('Stripe-style deliveries verify with HMAC-SHA256 over "t.body", t = now + skew', (d) => {
    const t = verifyStripe(d.payload, d.headers['ten99policy-signature']!, SECRET);
    expect(t).toBe(d.timestamp);
    expect(t! - NOW / 1000).toBe(d.skewSeconds);
    expect(Math.abs(d.skewSeconds)).toBeLessThanOrEqual(600);
  });

  fcTest.prop([
    signedDelivery(
      { a: 1 },
      { secret: SECRET, now: NOW, scheme: 'standard-webhooks', minSkewSeconds: -5, maxSkewSeconds: 5 },
    ),
  ])('Standard Webhooks deliveries verify with the base64 key of the whsec_ secret', (d) => {
    expect(verifyStandard(d.payload, d.headers, SECRET)).toBe(true);
    expect(Number(d.headers['webhook-timestamp'])).toBe(d.timestamp);
    expect(Math.abs(d.skewSeconds)).toBeLessThanOrEqual(5);
  });

  test('a custom header name, and a signature that breaks when the body changes', () => {
    const headers = signPayload({
      scheme: 'stripe',
      secret: 's',
      payload: '{"a":1}',
      timestamp: 1,
      header: 'x-kota-webhook-signature',
    });
    expect(verifyStripe('{"a":1}', headers['x-kota-webhook-signature']!, 's')).toBe(1);
    expect(verifyStripe('{"a":2}', headers['x-kota-webhook-signature']!, 's')).toBeUndefined();
  });

  test('both schemes are drawn when none is fixed', () => {
    const schemes = new Set(
      fc
        .sample(signedDelivery('{}', { secret: SECRET, now: NOW }), { numRuns: 50, seed: 1 })
        .map((d) => d.scheme),
    );
    expect([...schemes].sort()).toEqual(['standard-webhooks', 'stripe']);
  });
});
