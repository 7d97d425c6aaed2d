/** Where an event came from. Hosts may use their own labels too. */
export type EventSource = 'webhook' | 'poll' | 'replay' | (string & {});

/** The resource an event is about. */
export interface ResourceRef {
  /** snake_case lifecycle noun: `employer_quote`, `policy`, `application`, … */
  readonly lifecycle: string;
  /** The provider's id of the resource: `erhq_…`, `pl_…`. */
  readonly id: string;
  /** `provider/lifecycle/id`. */
  readonly key: string;
}

/**
 * One provider event after normalization: one shape whatever the provider or envelope variant.
 *
 * @example
 * ```ts
 * const result = await engine.ingest(body, { provider: 'kota', source: 'webhook' });
 * engine.on('transition', (t) => console.log(t.event.type, t.event.occurredAt));
 * ```
 */
export interface PolicyEvent {
  /** The provider's event id, or `sha256:<hex>` of the canonical body when the payload has none. */
  readonly id: string;
  readonly provider: string;
  readonly type: string;
  /** Epoch milliseconds, from `created` or `created_at` (ISO-8601 or Unix seconds). */
  readonly occurredAt: number;
  /** `v1` / `v2` for Kota; `undefined` when the envelope carries none. */
  readonly apiVersion: string | undefined;
  /** Undefined for event types no catalog knows (`unhandled`). */
  readonly resource: ResourceRef | undefined;
  /** The event's data, with 1099Policy's `data.object` nesting unwrapped. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The parsed body as received. */
  readonly raw: unknown;
}
