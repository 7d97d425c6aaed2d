import { createHash } from 'node:crypto';
import type { ErrorInfo } from '../errors.js';
import { isIsoDateTime, readIsoTime } from './isoTime.js';

/** The provider-neutral fields of an envelope, before the catalog is consulted. */
export interface Envelope {
  readonly id: string | undefined;
  readonly type: string;
  readonly occurredAt: number;
  readonly apiVersion: string | undefined;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Reads a provider's envelope from a parsed body; returns an error value for a malformed one. */
export type EnvelopeReader = (body: Readonly<Record<string, unknown>>) => Envelope | ErrorInfo;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ISO_HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const NUMERIC = /^\d+(?:\.\d+)?$/;

/**
 * Unix seconds (number or numeric string) or ISO-8601 (a date, or a date and time) → epoch ms; anything else,
 * and impossible dates such as 2023-02-29, is undefined. ISO strings without a zone are UTC:
 * 1099Policy renders some as `2023-09-29T19:26:32.500931`, and reading them as local time would make
 * ordering depend on the host's time zone.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    // Seconds below 1e11 (year 5138); anything larger is already milliseconds.
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  const iso = readIsoTime(value);
  if (iso !== undefined) return iso;
  if (NUMERIC.test(value)) return parseTimestamp(Number(value));
  if (!isIsoDateTime(value)) return undefined;
  // Date.parse reads a zone-less date-time as local time, and a space or `t` between date and time only so.
  const sep = value.charAt(10);
  const normal = sep === ' ' || sep === 't' ? `${value.slice(0, 10)}T${value.slice(11)}` : value;
  const text = ISO_HAS_ZONE.test(normal) ? normal : `${normal}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `1.0` → `v1`, `V2` → `v2`; dated versions (`2024-04-01`) are kept as they are. */
export function normalizeApiVersion(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const lower = value.toLowerCase();
  if (lower === '1.0' || lower === '1' || lower === 'v1') return 'v1';
  if (lower === '2.0' || lower === '2' || lower === 'v2') return 'v2';
  return value;
}

function invalid(message: string, path: ReadonlyArray<string>): ErrorInfo {
  return { code: 'invalid_envelope', message, path };
}

/**
 * The default envelope reader. It accepts every variant the two built-in providers send:
 * `created` or `created_at`; ISO-8601 or Unix seconds; `api_version` or `version`; `data` or `data.object`;
 * and no `id` at all (the caller then hashes the body).
 */
export const readStandardEnvelope: EnvelopeReader = (body) => {
  const type = body.type;
  if (typeof type !== 'string' || type.length === 0) {
    return invalid('the event has no `type` string', ['type']);
  }
  const id = body.id;
  if (id !== undefined && id !== null && (typeof id !== 'string' || id.length === 0)) {
    return invalid('`id` must be a non-empty string when present', ['id']);
  }
  const createdField = body.created !== undefined ? 'created' : 'created_at';
  const created = body[createdField];
  if (created === undefined || created === null) {
    return invalid('the event has neither `created` nor `created_at`', ['created']);
  }
  const occurredAt = parseTimestamp(created);
  if (occurredAt === undefined) {
    return invalid(`\`${createdField}\` is neither ISO-8601 nor Unix seconds`, [createdField]);
  }
  const rawData = body.data;
  if (!isRecord(rawData)) return invalid('`data` must be an object', ['data']);
  const inner = rawData.object;
  const data = isRecord(inner) ? inner : rawData;
  return {
    id: typeof id === 'string' ? id : undefined,
    type,
    occurredAt,
    apiVersion: normalizeApiVersion(body.api_version ?? body.version),
    data,
  };
};

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A stable id for a payload without one: SHA-256 of its canonical JSON (sorted keys, no white space). */
export function hashEventBody(body: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(body)).digest('hex')}`;
}

/** Reads `path` from `data`; only own properties, so `__proto__`/`constructor` never resolve. */
export function readPath(data: unknown, path: ReadonlyArray<string>): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (!isRecord(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}
