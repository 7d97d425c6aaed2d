import { test as fcTest } from '@fast-check/vitest';
import { kota, normalizeEvent, ten99policy } from '@policyflow/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { envelopeVariant, providerEvent } from '../../src/index.js';
import { acme } from '../helpers.js';

describe('providerEvent', () => {
  for (const catalog of [kota(), ten99policy(), acme]) {
    fcTest.prop([providerEvent(catalog)], { numRuns: 200 })(
      `${catalog.provider}: every generated delivery normalizes to the event it describes`,
      (e) => {
        const r = normalizeEvent(catalog, e.body);
        if (!r.ok) throw new Error(`${e.type}: ${r.error.message} at ${r.error.path.join('.')}`);
        expect(r.event.id).toBe(e.eventId);
        expect(r.event.type).toBe(e.type);
        expect(r.event.occurredAt).toBe(e.occurredAt);
        expect(r.event.resource?.key).toBe(e.key);
        expect(r.event.data).toEqual(e.data);
      },
    );
  }

  fcTest.prop([
    providerEvent(kota(), 'employer.health_insurance.quote.accepted', { resourceId: 'erhq_1', id: 'evt_1' }),
  ])('honours a fixed type, resource id and event id', (e) => {
    expect(e.type).toBe('employer.health_insurance.quote.accepted');
    expect(e.key).toBe('kota/employer_quote/erhq_1');
    expect(e.eventId).toMatch(e.variant.id === 'present' ? /^evt_1$/ : /^sha256:[0-9a-f]{64}$/);
  });

  test('covers every envelope variant', () => {
    const seen = new Set<string>();
    for (const v of fc.sample(envelopeVariant(), { numRuns: 2000, seed: 1 })) {
      seen.add(`${v.timeField}|${v.timeFormat}|${v.versionField}|${v.dataShape}|${v.id}`);
    }
    expect(seen.size).toBe(2 * 5 * 3 * 2 * 2);
  });

  test('rejects a type the catalog does not have', () => {
    expect(() => providerEvent(acme, 'claim.reopened')).toThrow(/no event type 'claim.reopened'/);
  });
});
