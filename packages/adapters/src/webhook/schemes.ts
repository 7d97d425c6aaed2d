import { createHmac, timingSafeEqual } from 'node:crypto';
import { PolicyflowError } from '@policyflow/core';
import { type HeaderSource, readHeader } from './headers.js';

/** A delivery as a scheme sees it: the headers and the raw body bytes, exactly as received. */
export interface SignedDelivery {
  readonly headers: HeaderSource;
  readonly body: Uint8Array;
}

/** When "now" is for a tolerance check (epoch ms) and how far either side of it a signed timestamp may be. */
export interface VerifyContext {
  readonly now: number;
  readonly toleranceSeconds: number;
}

/** Why a delivery failed verification; each is an error code of `@policyflow/core`. */
export type VerifyFailureCode = 'signature_missing' | 'signature_invalid' | 'timestamp_out_of_tolerance';

/** What a scheme made of one delivery. */
export type SchemeOutcome =
  | { readonly ok: true; readonly timestamp?: number; readonly deliveryId?: string }
  | { readonly ok: false; readonly code: VerifyFailureCode };

/** A verifier bound to its secrets; built once per handler so secrets are decoded once. */
export type Verifier = (
  delivery: SignedDelivery,
  context: VerifyContext,
) => SchemeOutcome | Promise<SchemeOutcome>;

/** Options of a scheme's `sign`. */
export interface SignOptions {
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
  /** Message id (Standard Webhooks' `webhook-id`). */
  readonly id?: string;
}

/**
 * A webhook signature scheme. Built-in: {@link standardWebhooks}, {@link stripeStyle}; your own with
 * {@link customScheme}.
 *
 * @example
 * ```ts
 * const scheme = stripeStyle({ header: 'ten99policy-signature' });
 * const headers = scheme.sign?.('{"id":"ev_1"}', 'whsec_abc'); // { 'ten99policy-signature': 't=…,v1=…' }
 * ```
 */
export interface SignatureScheme {
  readonly name: string;
  /** The header names the scheme reads, lower-case. */
  readonly headers: ReadonlyArray<string>;
  verifier(secrets: ReadonlyArray<string>): Verifier;
  /** Signs a body the way the provider would; for tests, fake providers and replay tools. */
  sign?(body: string | Uint8Array, secret: string, options?: SignOptions): Record<string, string>;
}

const OK: SchemeOutcome = Object.freeze({ ok: true });

function fail(code: VerifyFailureCode): SchemeOutcome {
  return { ok: false, code };
}

/** Checked both ways: a timestamp from the future is as suspect as one from the past. */
function withinTolerance(timestamp: number, context: VerifyContext): boolean {
  return Math.abs(context.now / 1000 - timestamp) <= context.toleranceSeconds;
}

/** Compares in constant time; a length mismatch is not secret (every valid digest has the same length). */
function equalDigest(expected: Buffer, provided: Buffer): boolean {
  return expected.length === provided.length && timingSafeEqual(expected, provided);
}

const INTEGER = /^\d{1,15}$/;

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Options of {@link standardWebhooks}. */
export interface StandardWebhooksOptions {
  /** Header prefix: `webhook` (the spec) or `svix` (Svix's own headers). Default `webhook`. */
  readonly headerPrefix?: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/**
 * The HMAC key of a secret: its UTF-8 bytes, or for `base64`, the bytes its text after an optional `whsec_`
 * prefix decodes to. A secret that yields no key is refused here, at set-up: `Buffer.from` skips what is
 * not base64, so `whsec_` or `whsec_!!!` would make an empty key, which everyone knows, and every forged
 * signature would pass. The error names the secret's position (`index`), never its text.
 */
function signingKey(secret: string, encoding: 'utf8' | 'base64', index = 0): Buffer {
  const text = encoding === 'base64' && secret.startsWith('whsec_') ? secret.slice(6) : secret;
  const key = encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  if (key.length > 0 && (encoding === 'utf8' || BASE64.test(text))) return key;
  const what = encoding === 'base64' ? 'a base64 key (after an optional whsec_ prefix)' : 'a key';
  throw new PolicyflowError(
    'invalid_argument',
    `secret ${index + 1} is not ${what}: it would sign with no key`,
    {
      path: ['secrets', index],
    },
  );
}

/**
 * The Standard Webhooks scheme: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (space-separated `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`), secrets `whsec_<base64>`.
 *
 * @example
 * ```ts
 * const handle = createWebhookHandler({ engine, provider: 'acme', scheme: standardWebhooks(), secrets: ['whsec_…'] });
 * ```
 */
export function standardWebhooks(options: StandardWebhooksOptions = {}): SignatureScheme {
  const prefix = (options.headerPrefix ?? 'webhook').toLowerCase();
  const idHeader = `${prefix}-id`;
  const tsHeader = `${prefix}-timestamp`;
  const sigHeader = `${prefix}-signature`;

  function digest(key: Uint8Array, id: string, timestamp: string, body: Uint8Array): Buffer {
    return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  }

  return {
    name: 'standard-webhooks',
    headers: [idHeader, tsHeader, sigHeader],
    verifier(secrets) {
      const keys = secrets.map((secret, i) => signingKey(secret, 'base64', i));
      return (delivery, context) => {
        const id = readHeader(delivery.headers, idHeader);
        const ts = readHeader(delivery.headers, tsHeader);
        const sig = readHeader(delivery.headers, sigHeader);
        if (!id || !ts || !sig) return fail('signature_missing');
        if (!INTEGER.test(ts)) return fail('signature_invalid');
        const provided: Buffer[] = [];
        for (const part of sig.split(' ')) {
          const comma = part.indexOf(',');
          if (comma > 0 && part.slice(0, comma) === 'v1')
            provided.push(Buffer.from(part.slice(comma + 1), 'base64'));
        }
        if (provided.length === 0) return fail('signature_invalid');
        for (const key of keys) {
          const expected = digest(key, id, ts, delivery.body);
          for (const candidate of provided) {
            if (equalDigest(expected, candidate)) {
              const timestamp = Number(ts);
              if (!withinTolerance(timestamp, context)) return fail('timestamp_out_of_tolerance');
              return { ok: true, timestamp, deliveryId: id };
            }
          }
        }
        return fail('signature_invalid');
      };
    },
    sign(body, secret, signOptions = {}) {
      const ts = String(signOptions.timestamp ?? nowSeconds());
      const id = signOptions.id ?? `msg_${ts}`;
      const sig = digest(signingKey(secret, 'base64'), id, ts, toBytes(body)).toString('base64');
      return { [idHeader]: id, [tsHeader]: ts, [sigHeader]: `v1,${sig}` };
    },
  };
}

/** Options of {@link stripeStyle}. */
export interface StripeStyleOptions {
  /** The header carrying `t=…,v1=…`, e.g. `ten99policy-signature`. */
  readonly header: string;
  /** Key of the timestamp element. Default `t`. */
  readonly timestampKey?: string;
  /** Key of the signature elements (several are allowed). Default `v1`. */
  readonly signatureKey?: string;
  /** How the digest is written. Default `hex`. */
  readonly encoding?: 'hex' | 'base64';
  /** Default `sha256`. */
  readonly algorithm?: 'sha256' | 'sha512';
  /**
   * How a configured secret becomes the HMAC key. Default `utf8`: the secret string as is, `whsec_` and all,
   * which is what Stripe and the 1099Policy SDKs do. `base64` decodes it after an optional `whsec_` prefix.
   */
  readonly secretEncoding?: 'utf8' | 'base64';
  /** Builds the signed bytes. Default `"{t}.{body}"`. */
  readonly signedPayload?: (timestamp: string, body: Uint8Array) => string | Uint8Array;
}

function parseElements(
  header: string,
  timestampKey: string,
  signatureKey: string,
): { t?: string; sigs: string[] } {
  let t: string | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === timestampKey) t = value;
    else if (key === signatureKey) sigs.push(value);
  }
  return t === undefined ? { sigs } : { t, sigs };
}

/**
 * Stripe-style signatures: one header `t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>[,v1=…]`.
 * 1099Policy signs this way in `ten99policy-signature`; Kota's `x-kota-webhook-signature` is assumed to
 * (see {@link kotaSignature}). Header, keys, encoding, algorithm and signed string are configurable.
 *
 * @example
 * ```ts
 * const scheme = stripeStyle({ header: 'ten99policy-signature' });
 * const handle = createWebhookHandler({ engine, provider: 'ten99policy', scheme, secrets: ['whsec_…'] });
 * ```
 */
export function stripeStyle(options: StripeStyleOptions): SignatureScheme {
  const header = options.header.toLowerCase();
  const timestampKey = options.timestampKey ?? 't';
  const signatureKey = options.signatureKey ?? 'v1';
  const encoding = options.encoding ?? 'hex';
  const algorithm = options.algorithm ?? 'sha256';
  const digestBytes = algorithm === 'sha256' ? 32 : 64;
  const encodedLength = encoding === 'hex' ? digestBytes * 2 : Math.ceil(digestBytes / 3) * 4;
  const secretEncoding = options.secretEncoding ?? 'utf8';
  const build = options.signedPayload;

  function digest(key: Uint8Array, t: string, body: Uint8Array): Buffer {
    const hmac = createHmac(algorithm, key);
    if (build) hmac.update(build(t, body));
    else hmac.update(`${t}.`).update(body);
    return hmac.digest();
  }

  return {
    name: `stripe-style(${header})`,
    headers: [header],
    verifier(secrets) {
      const keys = secrets.map((secret, i) => signingKey(secret, secretEncoding, i));
      return (delivery, context) => {
        const value = readHeader(delivery.headers, header);
        if (!value) return fail('signature_missing');
        const { t, sigs } = parseElements(value, timestampKey, signatureKey);
        if (t === undefined || !INTEGER.test(t) || sigs.length === 0) return fail('signature_invalid');
        const provided = sigs.filter((s) => s.length === encodedLength).map((s) => Buffer.from(s, encoding));
        for (const key of keys) {
          const expected = digest(key, t, delivery.body);
          for (const candidate of provided) {
            if (equalDigest(expected, candidate)) {
              const timestamp = Number(t);
              return withinTolerance(timestamp, context)
                ? { ok: true, timestamp }
                : fail('timestamp_out_of_tolerance');
            }
          }
        }
        return fail('signature_invalid');
      };
    },
    sign(body, secret, signOptions = {}) {
      const t = String(signOptions.timestamp ?? nowSeconds());
      const sig = digest(signingKey(secret, secretEncoding), t, toBytes(body)).toString(encoding);
      return { [header]: `${timestampKey}=${t},${signatureKey}=${sig}` };
    },
  };
}

/**
 * 1099Policy's scheme: Stripe-style in `ten99policy-signature`, secret used as UTF-8 (from the SDKs' history).
 *
 * @example
 * ```ts
 * createWebhookHandler({ engine, provider: 'ten99policy', scheme: ten99policySignature(), secrets: [secret] });
 * ```
 */
export function ten99policySignature(overrides: Partial<StripeStyleOptions> = {}): SignatureScheme {
  return stripeStyle({ header: 'ten99policy-signature', ...overrides });
}

/**
 * Kota's scheme, ASSUMED Stripe-style in `x-kota-webhook-signature` until a real delivery confirms it
 * (the docs name the header and say it holds a timestamp and a signature). Override any part.
 *
 * @example
 * ```ts
 * createWebhookHandler({ engine, provider: 'kota', scheme: kotaSignature({ encoding: 'base64' }), secrets: [secret] });
 * ```
 */
export function kotaSignature(overrides: Partial<StripeStyleOptions> = {}): SignatureScheme {
  return stripeStyle({ header: 'x-kota-webhook-signature', ...overrides });
}

/** What a custom verify function receives. */
export interface CustomVerifyInput extends SignedDelivery, VerifyContext {
  readonly secrets: ReadonlyArray<string>;
  /** Reads a header by lower-case name. */
  header(name: string): string | undefined;
}

/**
 * Wraps your own verification as a scheme. Return `true`/`false` or a full outcome (to report a missing
 * signature or a stale timestamp distinctly). Use `crypto.timingSafeEqual` for comparisons.
 *
 * @example
 * ```ts
 * const scheme = customScheme('acme', ({ header, body, secrets }) =>
 *   secrets.some((s) => safeEqualHex(header('x-acme-sig') ?? '', hmacHex(s, body))));
 * ```
 */
export function customScheme(
  name: string,
  verify: (input: CustomVerifyInput) => boolean | SchemeOutcome | Promise<boolean | SchemeOutcome>,
  headers: ReadonlyArray<string> = [],
): SignatureScheme {
  const toOutcome = (r: boolean | SchemeOutcome): SchemeOutcome =>
    r === true ? OK : r === false ? fail('signature_invalid') : r;
  return {
    name,
    headers,
    verifier(secrets) {
      return (delivery, context) => {
        const input: CustomVerifyInput = {
          headers: delivery.headers,
          body: delivery.body,
          now: context.now,
          toleranceSeconds: context.toleranceSeconds,
          secrets,
          header: (n) => readHeader(delivery.headers, n.toLowerCase()),
        };
        const r = verify(input);
        return r instanceof Promise ? r.then(toOutcome) : toOutcome(r);
      };
    },
  };
}
