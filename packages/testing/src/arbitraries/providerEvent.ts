import type { Catalog, CatalogEntry } from '@policyflow/core';
import { hashEventBody, parseTimestamp } from '@policyflow/core';
import fc from 'fast-check';
import { arbitraryOf, type SchemaLike } from '../internal/zodArbitrary.js';
import {
  type EnvelopeVariant,
  type EnvelopeVariantConstraints,
  envelopeVariant,
  renderEnvelope,
  renderTimestamp,
} from './envelope.js';

/** One generated delivery body and what the engine should make of it. */
export interface ProviderEvent {
  readonly provider: string;
  readonly type: string;
  readonly lifecycle: string;
  readonly resourceId: string;
  /** `provider/lifecycle/resourceId`. */
  readonly key: string;
  /** The id the engine will record: the envelope's `id`, or `sha256:…` of the body when it has none. */
  readonly eventId: string;
  /** Epoch ms as the normalizer reads the rendered timestamp. */
  readonly occurredAt: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly variant: EnvelopeVariant;
  /** The body to pass to `engine.ingest`. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Options of {@link providerEvent}. */
export interface ProviderEventConstraints {
  /** The resource id, or an arbitrary of ids. Default: ids like `res_k3J9aZ0qPw`. */
  readonly resourceId?: string | fc.Arbitrary<string>;
  /** The envelope id when the variant has one. Default: `evt_` and 16 random characters. */
  readonly id?: string | fc.Arbitrary<string>;
  /** When the event occurred (epoch ms); rounded to seconds. Default: any second of 2024–2026. */
  readonly occurredAt?: number | fc.Arbitrary<number>;
  /** Restricts the envelope variants. */
  readonly envelope?: EnvelopeVariantConstraints;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const token = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ALNUM), minLength: length, maxLength: length });

/** Default resource ids. */
export const resourceIdArbitrary: fc.Arbitrary<string> = token(10).map((t) => `res_${t}`);
const eventIdArbitrary = token(16).map((t) => `evt_${t}`);
const secondsArbitrary = fc
  .integer({ min: Date.UTC(2024, 0, 1) / 1000, max: Date.UTC(2027, 0, 1) / 1000 })
  .map((s) => s * 1000);

/** A fixed value or an arbitrary of values, as an arbitrary. */
export const lift = <T>(
  value: T | fc.Arbitrary<T> | undefined,
  fallback: fc.Arbitrary<T>,
): fc.Arbitrary<T> =>
  value === undefined ? fallback : value instanceof fc.Arbitrary ? value : fc.constant(value);

function withPath(
  data: Record<string, unknown>,
  path: ReadonlyArray<string>,
  value: string,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return data;
  if (rest.length === 0) return { ...data, [head]: value };
  const inner = data[head];
  const child = typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? inner : {};
  return { ...data, [head]: withPath(child as Record<string, unknown>, rest, value) };
}

/** The catalog entry of a type; a typo in a test's type is a bug, so it throws. */
export function entryOf(catalog: Catalog, type: string): CatalogEntry {
  const entry = catalog.events.get(type);
  if (entry === undefined) {
    const known = [...catalog.events.keys()].join(', ');
    throw new TypeError(`the ${catalog.provider} catalog has no event type '${type}' (have: ${known})`);
  }
  return entry;
}

/** The data of one entry with the resource id written at its first id path. */
export function dataArbitrary(
  entry: CatalogEntry,
  resourceId: string,
): fc.Arbitrary<Record<string, unknown>> {
  const schema = entry.data as unknown as SchemaLike;
  return arbitraryOf(schema)
    .map((d) => withPath(d as Record<string, unknown>, entry.idPaths[0] ?? ['id'], resourceId))
    .filter((d) => schema.safeParse(d).success && !isNested(d));
}

// A record under `data.object` would be unwrapped by the envelope reader; keep generated data unambiguous.
function isNested(data: Record<string, unknown>): boolean {
  const inner = data.object;
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner);
}

/**
 * An arbitrary of valid deliveries of one event type (or of any type of the catalog): data that passes the
 * catalog's schema, with the resource id where the catalog looks for it, in every envelope variant the
 * normalizer accepts (`created`/`created_at`, ISO/Unix, `api_version`/`version`, `data`/`data.object`, no `id`).
 * Bodies use the standard envelope; a catalog with its own `envelope` reader needs its own body builder.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(providerEvent(catalog, 'policy.cancelled'), async (e) => {
 *   const r = await engine.ingest(e.body, { provider: e.provider });
 *   expect(r.key).toBe(e.key);
 * }));
 * ```
 */
export function providerEvent(
  catalog: Catalog,
  type?: string,
  constraints: ProviderEventConstraints = {},
): fc.Arbitrary<ProviderEvent> {
  const types = type === undefined ? [...catalog.events.keys()] : [type];
  if (types.length === 0) throw new TypeError(`the ${catalog.provider} catalog has no event types`);
  for (const t of types) entryOf(catalog, t);
  return fc.constantFrom(...types).chain((t) => {
    const entry = entryOf(catalog, t);
    return fc
      .record({
        resourceId: lift(constraints.resourceId, resourceIdArbitrary),
        id: lift(constraints.id, eventIdArbitrary),
        occurredAt: lift(constraints.occurredAt, secondsArbitrary),
        variant: envelopeVariant(constraints.envelope),
      })
      .chain((f) =>
        dataArbitrary(entry, f.resourceId).map((data) => buildProviderEvent(catalog, entry, f, data)),
      );
  });
}

/** Assembles a {@link ProviderEvent} from its parts. */
export function buildProviderEvent(
  catalog: Catalog,
  entry: CatalogEntry,
  f: { resourceId: string; id: string; occurredAt: number; variant: EnvelopeVariant },
  data: Record<string, unknown>,
): ProviderEvent {
  const seconds = Math.floor(f.occurredAt / 1000) * 1000;
  const body = renderEnvelope({ id: f.id, type: entry.type, occurredAt: seconds, data }, f.variant);
  return {
    provider: catalog.provider,
    type: entry.type,
    lifecycle: entry.lifecycle,
    resourceId: f.resourceId,
    key: `${catalog.provider}/${entry.lifecycle}/${f.resourceId}`,
    eventId: f.variant.id === 'present' ? f.id : hashEventBody(body),
    occurredAt: parseTimestamp(renderTimestamp(seconds, f.variant.timeFormat)) ?? seconds,
    data,
    variant: f.variant,
    body,
  };
}
