import { hash32 } from './random.js';

/** One stored event: its body, pre-serialized, and what ordering needs. */
export interface LoggedEvent {
  readonly id: string;
  /** Epoch ms. */
  readonly created: number;
  readonly seq: number;
  /** The order key among equal `created` values. */
  readonly tie: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly json: string;
}

/**
 * Epoch ms from ISO-8601 text, a zone-less one read as UTC whatever the host's time zone; `NaN` when it is
 * not a date-time. Both the stored events (`toMillis`) and Kota's `created_after` filter read text with it.
 *
 * @example
 * ```ts
 * parseIsoMillis('2025-06-30T02:00:00'); // 1751248800000, as '2025-06-30T02:00:00Z'
 * ```
 */
export function parseIsoMillis(text: string): number {
  return Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`);
}

/**
 * Epoch ms from Unix seconds or ISO-8601 (a zone-less ISO string is UTC).
 *
 * @example
 * ```ts
 * toMillis(1700000000); // 1700000000000
 * ```
 */
export function toMillis(value: unknown): number {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value)) return toMillis(Number(value));
    const ms = parseIsoMillis(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new TypeError(`fake provider: event has no usable created/created_at (${JSON.stringify(value)})`);
}

/**
 * A provider's event log, sorted by (created, tie-break), with an id index for cursors and look-ups.
 * `shuffleTies` orders equal timestamps by a seeded hash instead of insertion, as an API with no stable
 * order for ties might.
 *
 * @example
 * ```ts
 * const log = new EventLog(false, 1);
 * log.add(events, (e) => String(e.id));
 * ```
 */
export class EventLog {
  private events: LoggedEvent[] = [];
  private index = new Map<string, number>();
  private indexDirty = false;
  private seq = 0;

  constructor(
    private readonly shuffleTies: boolean,
    private readonly seed: number,
  ) {}

  get size(): number {
    return this.events.length;
  }

  add(
    bodies: ReadonlyArray<Readonly<Record<string, unknown>>>,
    idOf: (body: Readonly<Record<string, unknown>>) => string,
  ): void {
    let sorted = true;
    for (const body of bodies) {
      const id = idOf(body);
      const seq = this.seq++;
      const event: LoggedEvent = {
        id,
        created: toMillis(body.created ?? body.created_at),
        seq,
        tie: this.shuffleTies ? hash32(id, this.seed) : seq,
        body,
        json: JSON.stringify(body),
      };
      const last = this.events[this.events.length - 1];
      if (last && compare(last, event) > 0) sorted = false;
      if (sorted && !this.indexDirty) this.index.set(id, this.events.length);
      this.events.push(event);
    }
    if (!sorted) {
      this.events.sort(compare);
      this.indexDirty = true;
    }
  }

  /** All events, oldest first. */
  all(): ReadonlyArray<LoggedEvent> {
    return this.events;
  }

  /** Position (oldest first) of an event id. */
  positionOf(id: string): number | undefined {
    if (this.indexDirty) {
      this.index = new Map(this.events.map((e, i) => [e.id, i]));
      this.indexDirty = false;
    }
    return this.index.get(id);
  }

  get(id: string): LoggedEvent | undefined {
    const at = this.positionOf(id);
    return at === undefined ? undefined : this.events[at];
  }

  /** First position whose `created` is >= `ms` (or > `ms` when `exclusive`). */
  lowerBound(ms: number, exclusive: boolean): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.events[mid]!.created;
      if (c < ms || (exclusive && c === ms)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function compare(a: LoggedEvent, b: LoggedEvent): number {
  return a.created - b.created || a.tie - b.tie || a.seq - b.seq;
}
