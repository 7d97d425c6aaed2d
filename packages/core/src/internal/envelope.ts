import { createHash } from 'node:crypto';
import { type ErrorInfo, formatPath, PolicyflowError } from '../errors.js';
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
/** The latest time a Date can hold (year 275760). */
export const MAX_DATE_MS = 8.64e15;

/**
 * Unix seconds (number or numeric string) or ISO-8601 (a date, or a date and time) → epoch ms; anything else,
 * impossible dates such as 2023-02-29, and times past Date's range (above 8.64e15 ms) are undefined. ISO strings without a zone are UTC:
 * 1099Policy renders some as `2023-09-29T19:26:32.500931`, and reading them as local time would make
 * ordering depend on the host's time zone.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    // Seconds below 1e11 (year 5138); anything larger is already milliseconds.
    const ms = value < 1e11 ? Math.round(value * 1000) : Math.round(value);
    // Past Date's range a resource's occurredAt would make every later event for it stale for ever.
    return ms <= MAX_DATE_MS ? ms : undefined;
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
  // Every spelling named, upper case too: lower-casing each event's version made a string each time.
  if (value === 'v1' || value === 'V1' || value === '1.0' || value === '1') return 'v1';
  if (value === 'v2' || value === 'V2' || value === '2.0' || value === '2') return 'v2';
  return value;
}

function invalid(message: string, path: ReadonlyArray<string>): ErrorInfo {
  return { code: 'invalid_envelope', message, path };
}

/**
 * Where the default envelope reader finds an event's data: `data.object` when that is an object (1099Policy
 * wraps its resources so), else `data`; undefined when `data` is not an object.
 */
export function standardData(
  body: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> | undefined {
  const data = body.data;
  if (!isRecord(data)) return undefined;
  const inner = data.object;
  return isRecord(inner) ? inner : data;
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
  // Some bodies carry `created: null` beside a real `created_at`. Both read by name: a computed key is a
  // look-up V8 cannot specialize to the few shapes bodies have.
  const createdOwn = body.created;
  const hasCreated = createdOwn !== undefined && createdOwn !== null;
  const createdField = hasCreated ? 'created' : 'created_at';
  const created = hasCreated ? createdOwn : body.created_at;
  if (created === undefined || created === null) {
    return invalid('the event has neither `created` nor `created_at`', ['created']);
  }
  const occurredAt = parseTimestamp(created);
  if (occurredAt === undefined) {
    return invalid(`\`${createdField}\` is neither ISO-8601 nor Unix seconds`, [createdField]);
  }
  const data = standardData(body);
  if (data === undefined) return invalid('`data` must be an object', ['data']);
  return {
    id: typeof id === 'string' ? id : undefined,
    type,
    occurredAt,
    apiVersion: normalizeApiVersion(body.api_version ?? body.version),
    data,
  };
};

/** A container being written: its sorted keys (none for an array), and the index of its next child. */
interface Open {
  readonly node: Readonly<Record<string, unknown>> | ReadonlyArray<unknown>;
  readonly keys: ReadonlyArray<string> | undefined;
  readonly length: number;
  next: number;
}

/** Stands for an array hole, which the recursive form wrote as nothing at all (`[1,,2]`). */
const HOLE: unique symbol = Symbol('hole');

/**
 * Canonical JSON (sorted keys, no white space) of a parsed body, or an `invalid_envelope` error value when it
 * has none: a cycle or a BigInt, which only an object a host passed can hold. It keeps its own stack, since an
 * id-less body nested a few thousand deep would overflow the call stack (a webhook answering 500 for ever).
 *
 * @example
 * ```ts
 * canonicalJson({ b: [1, { d: 2, c: 3 }], a: 1 }); // '{"a":1,"b":[1,{"c":3,"d":2}]}'
 * ```
 */
export function canonicalJson(root: unknown): string | ErrorInfo {
  const stack: Open[] = [];
  // The containers on the path to the current value: meeting one again is a cycle, meeting a sibling is not.
  const ancestors = new Set<object>();
  let out = '';
  let value: unknown = root;
  for (;;) {
    if (Array.isArray(value) || isRecord(value)) {
      if (ancestors.has(value)) return unhashable('refers back to itself', stack);
      ancestors.add(value);
      const keys = Array.isArray(value) ? undefined : Object.keys(value).sort();
      const length = keys?.length ?? (value as ReadonlyArray<unknown>).length;
      stack.push({ node: value, keys, length, next: 0 });
      out += keys === undefined ? '[' : '{';
    } else if (typeof value === 'bigint') {
      return unhashable('holds a BigInt', stack);
    } else if (value !== HOLE) {
      // undefined, functions and symbols have no JSON form: they read as null (JSON.stringify drops such a key).
      out += JSON.stringify(value) ?? 'null';
    }
    let top = stack[stack.length - 1];
    while (top !== undefined && top.next === top.length) {
      out += top.keys === undefined ? ']' : '}';
      stack.pop();
      ancestors.delete(top.node);
      top = stack[stack.length - 1];
    }
    if (top === undefined) return out;
    value = nextChild(top);
    out += top.next > 1 ? ',' : '';
    if (top.keys !== undefined) out += `${JSON.stringify(top.keys[top.next - 1])}:`;
  }
}

function nextChild(open: Open): unknown {
  const i = open.next++;
  if (open.keys === undefined) return i in open.node ? (open.node as ReadonlyArray<unknown>)[i] : HOLE;
  return (open.node as Readonly<Record<string, unknown>>)[open.keys[i]!];
}

function unhashable(what: string, stack: ReadonlyArray<Open>): ErrorInfo {
  const path = stack.map((o) => (o.keys === undefined ? o.next - 1 : o.keys[o.next - 1]!));
  const where = path.length === 0 ? 'the body' : `\`${formatPath(path)}\``;
  const message = `the event has no \`id\`, and its body has no JSON form to hash: ${where} ${what}`;
  return { code: 'invalid_envelope', message, path };
}

/**
 * A stable id for a payload without one, or an error value when the payload has no JSON form (see
 * {@link canonicalJson}). The engine uses this; {@link hashEventBody} is its throwing face for hosts.
 */
export function tryHashEventBody(body: unknown): string | ErrorInfo {
  const json = canonicalJson(body);
  if (typeof json !== 'string') return json;
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

/**
 * A stable id for a payload without one: SHA-256 of its canonical JSON (sorted keys, no white space).
 * Throws `invalid_envelope` for a payload with no JSON form (a cycle, a BigInt).
 *
 * @example
 * ```ts
 * const id = event.id ?? hashEventBody(event); // 'sha256:3c65…'
 * ```
 */
export function hashEventBody(body: unknown): string {
  const id = tryHashEventBody(body);
  if (typeof id === 'string') return id;
  throw new PolicyflowError(id.code, id.message, { path: id.path });
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
