import fc from 'fast-check';

/** How a delivery spells its envelope: every variant core's standard envelope reader accepts. */
export interface EnvelopeVariant {
  readonly timeField: 'created' | 'created_at';
  /** `iso` (Z), `iso-local` (no zone, read as UTC), `iso-offset` (+hh:mm), `unix` (seconds), `unix-string`. */
  readonly timeFormat: 'iso' | 'iso-local' | 'iso-offset' | 'unix' | 'unix-string';
  readonly versionField: 'api_version' | 'version' | 'none';
  readonly version: string;
  /** `data` holds the resource, or `data.object` does (1099Policy's nesting). */
  readonly dataShape: 'data' | 'data.object';
  /** `missing`: no `id`, so the engine identifies the event by a hash of its body. */
  readonly id: 'present' | 'missing';
}

/** Options of {@link envelopeVariant}: restrict any field to some of its values. */
export interface EnvelopeVariantConstraints {
  readonly timeFields?: ReadonlyArray<EnvelopeVariant['timeField']>;
  readonly timeFormats?: ReadonlyArray<EnvelopeVariant['timeFormat']>;
  readonly versionFields?: ReadonlyArray<EnvelopeVariant['versionField']>;
  readonly versions?: ReadonlyArray<string>;
  readonly dataShapes?: ReadonlyArray<EnvelopeVariant['dataShape']>;
  readonly ids?: ReadonlyArray<EnvelopeVariant['id']>;
}

const pick = <T>(values: ReadonlyArray<T> | undefined, all: ReadonlyArray<T>): fc.Arbitrary<T> =>
  fc.constantFrom(...(values !== undefined && values.length > 0 ? values : all));

/**
 * An arbitrary of envelope variants.
 *
 * @example
 * ```ts
 * fc.sample(envelopeVariant({ ids: ['present'] }), 1);
 * // [{ timeField: 'created_at', timeFormat: 'unix', versionField: 'version', version: 'V2', dataShape: 'data', id: 'present' }]
 * ```
 */
export function envelopeVariant(constraints: EnvelopeVariantConstraints = {}): fc.Arbitrary<EnvelopeVariant> {
  return fc.record({
    timeField: pick(constraints.timeFields, ['created', 'created_at']),
    timeFormat: pick(constraints.timeFormats, ['iso', 'iso-local', 'iso-offset', 'unix', 'unix-string']),
    versionField: pick(constraints.versionFields, ['api_version', 'version', 'none']),
    version: pick(constraints.versions, ['1.0', 'v1', 'V2', 'v2', '2024-04-01']),
    dataShape: pick(constraints.dataShapes, ['data', 'data.object']),
    id: pick(constraints.ids, ['present', 'missing']),
  });
}

const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0');

/** Renders epoch ms (whole seconds for the Unix formats) the way the variant spells it. */
export function renderTimestamp(ms: number, format: EnvelopeVariant['timeFormat']): string | number {
  switch (format) {
    case 'unix':
      return Math.floor(ms / 1000);
    case 'unix-string':
      return String(Math.floor(ms / 1000));
    case 'iso':
      return new Date(ms).toISOString();
    case 'iso-local':
      return new Date(ms).toISOString().slice(0, -1);
    case 'iso-offset': {
      // +05:30 keeps the instant while changing every digit of the local time, which is the point.
      const offsetMin = 330;
      const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, -1);
      return `${local}+${pad(Math.floor(offsetMin / 60))}:${pad(offsetMin % 60)}`;
    }
  }
}

/** The fields of one envelope, before a variant spells them. */
export interface EnvelopeFields {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Builds a provider body from its fields in the given variant.
 *
 * @example
 * ```ts
 * renderEnvelope({ id: 'evt_1', type: 'policy.cancelled', occurredAt: 0, data: { id: 'pl_1' } },
 *   { timeField: 'created', timeFormat: 'unix', versionField: 'none', version: 'v1', dataShape: 'data.object', id: 'present' });
 * // { id: 'evt_1', type: 'policy.cancelled', created: 0, data: { object: { id: 'pl_1' } } }
 * ```
 */
export function renderEnvelope(fields: EnvelopeFields, variant: EnvelopeVariant): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (variant.id === 'present') body.id = fields.id;
  body.type = fields.type;
  body[variant.timeField] = renderTimestamp(fields.occurredAt, variant.timeFormat);
  if (variant.versionField !== 'none') body[variant.versionField] = variant.version;
  body.data = variant.dataShape === 'data.object' ? { object: fields.data } : fields.data;
  return body;
}
