import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

/** The adapters project has no global fast-check setup, so the seed is fixed here. */
const SEED = 42;

import { standardWebhooks, stripeStyle } from '../../src/webhook/index.js';

const NOW = 1_750_000_000_000;
const ctx = { now: NOW, toleranceSeconds: 300 };
const secretArb = fc
  .uint8Array({ minLength: 16, maxLength: 48 })
  .map((b) => `whsec_${Buffer.from(b).toString('base64')}`);
// Webhook bodies are JSON, so UTF-8 text (the package decodes the body as UTF-8 before signing).
const bodyArb = fc
  .string({ unit: 'binary', maxLength: 300 })
  .map((s) => new Uint8Array(Buffer.from(s, 'utf8')));
const skewArb = fc.integer({ min: -300, max: 300 });

describe('signature schemes (properties)', () => {
  it('Standard Webhooks: whatever the package signs verifies; any flipped body byte does not', async () => {
    const scheme = standardWebhooks();
    await fc.assert(
      fc.asyncProperty(secretArb, bodyArb, skewArb, fc.nat(), async (secret, body, skew, flip) => {
        const ts = NOW / 1000 + skew;
        const payload = Buffer.from(body);
        const headers = {
          'webhook-id': 'msg_prop',
          'webhook-timestamp': String(ts),
          'webhook-signature': new Webhook(secret).sign('msg_prop', new Date(ts * 1000), payload),
        };
        const verify = scheme.verifier([secret]);
        expect((await verify({ headers, body: payload }, ctx)).ok).toBe(true);
        if (payload.length > 0) {
          const tampered = Buffer.from(payload);
          const at = flip % tampered.length;
          tampered[at] = tampered[at]! ^ 1;
          expect(await verify({ headers, body: tampered }, ctx)).toEqual({
            ok: false,
            code: 'signature_invalid',
          });
        }
      }),
      { seed: SEED },
    );
  });

  it('Stripe-style: an independent HMAC verifies, and our signature verifies with the package-free check', async () => {
    const scheme = stripeStyle({ header: 'x-sig' });
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), bodyArb, skewArb, async (secret, body, skew) => {
        const t = NOW / 1000 + skew;
        const payload = Buffer.from(body);
        const mac = createHmac('sha256', Buffer.from(secret, 'utf8'))
          .update(Buffer.concat([Buffer.from(`${t}.`), payload]))
          .digest('hex');
        const outcome = await scheme.verifier([secret])(
          { headers: { 'x-sig': `t=${t},v1=${mac}` }, body: payload },
          ctx,
        );
        expect(outcome).toEqual({ ok: true, timestamp: t });
        expect(scheme.sign!(payload, secret, { timestamp: t })).toEqual({ 'x-sig': `t=${t},v1=${mac}` });
      }),
      { seed: SEED },
    );
  });
});
