import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  customScheme,
  kotaSignature,
  type SignatureScheme,
  standardWebhooks,
  stripeStyle,
  ten99policySignature,
  verifyDelivery,
} from '../../src/webhook/index.js';

const NOW = 1_750_000_000_000;
const ctx = { now: NOW, toleranceSeconds: 300 };
const body = '{"id":"ev_1","type":"policy.active","created":1750000000,"data":{"id":"pl_1"}}';
const bytes = Buffer.from(body);
const SW_SECRET = `whsec_${Buffer.from('a-32-byte-secret-for-testing-123').toString('base64')}`;

/** An independent Stripe-style signer, straight from the spec: t=<unix>,v1=<hex hmac-sha256(secret, "{t}.{body}")>. */
function independentStripeHeader(secret: string, t: number, payload: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  mac.update(`${t}.${payload}`, 'utf8');
  return `t=${t},v1=${mac.digest('hex')}`;
}

describe('standardWebhooks() conformance with the standardwebhooks package', () => {
  const scheme = standardWebhooks();

  it('verifies deliveries the package signs', async () => {
    const peer = new Webhook(SW_SECRET);
    const ts = new Date(NOW);
    const headers = {
      'webhook-id': 'msg_p1',
      'webhook-timestamp': String(Math.floor(NOW / 1000)),
      'webhook-signature': peer.sign('msg_p1', ts, body),
    };
    const outcome = await scheme.verifier([SW_SECRET])({ headers, body: bytes }, ctx);
    expect(outcome).toEqual({ ok: true, timestamp: NOW / 1000, deliveryId: 'msg_p1' });
  });

  it('signs deliveries the package verifies', () => {
    const headers = scheme.sign!(body, SW_SECRET, {
      id: 'msg_ours',
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect(new Webhook(SW_SECRET).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('accepts any matching v1 among several signatures and any of several secrets', async () => {
    const other = `whsec_${Buffer.from('another-secret-another-secret-00').toString('base64')}`;
    const headers = scheme.sign!(body, SW_SECRET, { id: 'm', timestamp: NOW / 1000 });
    headers['webhook-signature'] =
      `v1,${Buffer.alloc(32).toString('base64')} v1a,xyz ${headers['webhook-signature']}`;
    const outcome = await scheme.verifier([other, SW_SECRET])({ headers, body: bytes }, ctx);
    expect(outcome.ok).toBe(true);
  });

  it('reports a missing header, a bad signature and a stale timestamp distinctly', async () => {
    const verify = scheme.verifier([SW_SECRET]);
    const good = scheme.sign!(body, SW_SECRET, { id: 'm', timestamp: NOW / 1000 });
    expect(await verify({ headers: { ...good, 'webhook-signature': '' }, body: bytes }, ctx)).toEqual({
      ok: false,
      code: 'signature_missing',
    });
    expect(await verify({ headers: good, body: Buffer.from(`${body} `) }, ctx)).toEqual({
      ok: false,
      code: 'signature_invalid',
    });
    const late = scheme.sign!(body, SW_SECRET, { id: 'm', timestamp: NOW / 1000 - 301 });
    expect(await verify({ headers: late, body: bytes }, ctx)).toEqual({
      ok: false,
      code: 'timestamp_out_of_tolerance',
    });
    const early = scheme.sign!(body, SW_SECRET, { id: 'm', timestamp: NOW / 1000 + 301 });
    expect(await verify({ headers: early, body: bytes }, ctx)).toEqual({
      ok: false,
      code: 'timestamp_out_of_tolerance',
    });
  });

  it('reads svix-* headers when asked to', async () => {
    const svix = standardWebhooks({ headerPrefix: 'svix' });
    const headers = svix.sign!(body, SW_SECRET, { id: 'm', timestamp: NOW / 1000 });
    expect(Object.keys(headers).sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp']);
    expect((await svix.verifier([SW_SECRET])({ headers, body: bytes }, ctx)).ok).toBe(true);
  });
});

describe('stripeStyle()', () => {
  const secret = 'whsec_test_secret';
  const t = NOW / 1000;

  it('verifies headers from an independent implementation of the spec', async () => {
    for (const scheme of [ten99policySignature(), kotaSignature()]) {
      const header = scheme.headers[0]!;
      const headers = { [header]: independentStripeHeader(secret, t, body) };
      expect(await scheme.verifier([secret])({ headers, body: bytes }, ctx)).toEqual({
        ok: true,
        timestamp: t,
      });
    }
  });

  it('signs what the independent implementation produces', () => {
    const scheme = stripeStyle({ header: 'ten99policy-signature' });
    expect(scheme.sign!(body, secret, { timestamp: t })).toEqual({
      'ten99policy-signature': independentStripeHeader(secret, t, body),
    });
  });

  it('accepts several v1 values and rotated secrets; rejects tampering and skew both ways', async () => {
    const scheme = ten99policySignature();
    const verify = scheme.verifier(['old_secret', secret]);
    const real = independentStripeHeader(secret, t, body).split(',')[1]!;
    const headers = { 'ten99policy-signature': `t=${t},v1=${'0'.repeat(64)},v0=abc,${real}` };
    expect((await verify({ headers, body: bytes }, ctx)).ok).toBe(true);
    expect(await verify({ headers, body: Buffer.from(body.replace('ev_1', 'ev_2')) }, ctx)).toEqual({
      ok: false,
      code: 'signature_invalid',
    });
    for (const skew of [-301, 301]) {
      const h = { 'ten99policy-signature': independentStripeHeader(secret, t + skew, body) };
      expect(await verify({ headers: h, body: bytes }, ctx)).toEqual({
        ok: false,
        code: 'timestamp_out_of_tolerance',
      });
    }
    const edge = { 'ten99policy-signature': independentStripeHeader(secret, t + 300, body) };
    expect((await verify({ headers: edge, body: bytes }, ctx)).ok).toBe(true);
  });

  it('rejects malformed headers without throwing', async () => {
    const verify = ten99policySignature().verifier([secret]);
    for (const value of [
      'garbage',
      't=abc,v1=00',
      `t=${t}`,
      `v1=${'a'.repeat(64)}`,
      `t=${t},v1=${'z'.repeat(64)}`,
    ]) {
      const outcome = await verify({ headers: { 'ten99policy-signature': value }, body: bytes }, ctx);
      expect(outcome).toEqual({ ok: false, code: 'signature_invalid' });
    }
    expect(await verify({ headers: {}, body: bytes }, ctx)).toEqual({ ok: false, code: 'signature_missing' });
  });

  it('supports base64 digests, base64 secrets and a custom signed string', async () => {
    const key = Buffer.from('raw-key-bytes');
    const scheme = stripeStyle({
      header: 'x-sig',
      encoding: 'base64',
      secretEncoding: 'base64',
      signedPayload: (ts, b) => `${ts}:${Buffer.from(b).toString('utf8')}`,
    });
    const mac = createHmac('sha256', key).update(`${t}:${body}`).digest('base64');
    const headers = { 'x-sig': `t=${t},v1=${mac}` };
    const outcome = await scheme.verifier([`whsec_${key.toString('base64')}`])({ headers, body: bytes }, ctx);
    expect(outcome.ok).toBe(true);
  });
});

describe('customScheme()', () => {
  it('maps booleans and outcomes, sync or async', async () => {
    const scheme = customScheme('shared-token', async ({ header, secrets }) =>
      secrets.includes(header('x-token') ?? ''),
    );
    const verify = scheme.verifier(['s3cret']);
    expect(await verify({ headers: { 'X-Token': 's3cret' }, body: bytes }, ctx)).toEqual({ ok: true });
    expect(await verify({ headers: { 'x-token': 'nope' }, body: bytes }, ctx)).toEqual({
      ok: false,
      code: 'signature_invalid',
    });
    const missing = customScheme('m', () => ({ ok: false, code: 'signature_missing' }));
    expect(await missing.verifier(['x'])({ headers: {}, body: bytes }, ctx)).toEqual({
      ok: false,
      code: 'signature_missing',
    });
  });
});

describe('verifyDelivery()', () => {
  it('checks a stored delivery against the time it was received, not now', async () => {
    const scheme = ten99policySignature();
    const receivedAt = Date.UTC(2024, 0, 1);
    const t = receivedAt / 1000 - 2;
    const stored = {
      scheme,
      secrets: ['s'],
      headers: { 'ten99policy-signature': independentStripeHeader('s', t, body) },
      body,
    };
    expect(await verifyDelivery({ ...stored, receivedAt })).toEqual({
      ok: true,
      timestamp: t,
      deliveryId: undefined,
    });
    const later = await verifyDelivery({ ...stored, receivedAt: Date.now() });
    expect(later.ok ? 'ok' : later.error.code).toBe('timestamp_out_of_tolerance');
    const wrong = await verifyDelivery({ ...stored, secrets: ['other'], receivedAt });
    expect(wrong.ok ? 'ok' : wrong.error).toEqual({
      code: 'signature_invalid',
      message: 'the webhook signature did not verify',
      path: [],
    });
  });
});

describe('secrets that yield no key', () => {
  // HMAC with an empty key is a signature anyone can make: such a secret must never reach a verifier.
  const forged = (t: number) => createHmac('sha256', Buffer.alloc(0)).update(`${t}.${body}`).digest('hex');

  it('are refused when the verifier is made, naming the secret by position only', () => {
    const cases: Array<[SignatureScheme, string]> = [
      [standardWebhooks(), 'whsec_'],
      [standardWebhooks(), 'whsec_!!!'],
      [standardWebhooks(), 'not base64'],
      [stripeStyle({ header: 'x-sig', secretEncoding: 'base64' }), 'whsec_'],
      [stripeStyle({ header: 'x-sig' }), ''],
    ];
    for (const [scheme, secret] of cases) {
      let thrown: unknown;
      try {
        scheme.verifier([SW_SECRET, secret]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `${scheme.name} with '${secret}'`).toMatchObject({
        code: 'invalid_argument',
        path: ['secrets', 1],
      });
      expect((thrown as Error).message).not.toContain(SW_SECRET.slice(6));
    }
  });

  it('make verifyDelivery fail rather than accept a signature made with no key', async () => {
    const t = NOW / 1000;
    const delivery = {
      scheme: stripeStyle({ header: 'x-sig', secretEncoding: 'base64' }),
      secrets: ['whsec_'],
      headers: { 'x-sig': `t=${t},v1=${forged(t)}` },
      body,
      receivedAt: NOW,
    };
    await expect(verifyDelivery(delivery)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
