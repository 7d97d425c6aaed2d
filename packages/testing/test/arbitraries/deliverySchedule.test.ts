import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { deliverySchedule, lifecycleHistory } from '../../src/index.js';
import { acme } from '../helpers.js';

const history = lifecycleHistory(acme, 'claim', { minLength: 1 });

describe('deliverySchedule', () => {
  fcTest.prop([history.chain((h) => deliverySchedule(h).map((s) => ({ h, s })))])(
    'delivers every event at least once, each by webhook, at most 1 + duplicates times',
    ({ h, s }) => {
      for (const e of h.events) {
        const hooks = s.filter((d) => d.event === e && d.source === 'webhook');
        expect(hooks.length).toBeGreaterThanOrEqual(1);
        expect(hooks.length).toBeLessThanOrEqual(3);
      }
    },
  );

  fcTest.prop([history.chain((h) => deliverySchedule(h, { pollOverlap: true }).map((s) => ({ h, s })))])(
    'a poller reads a contiguous window in order',
    ({ h, s }) => {
      const polled = s.filter((d) => d.source === 'poll').map((d) => d.event.index);
      const first = polled[0] ?? 0;
      expect(polled).toEqual(polled.map((_, i) => first + i));
      expect(polled.every((i) => i < h.events.length)).toBe(true);
    },
  );

  fcTest.prop([
    history.chain((h) =>
      deliverySchedule(h, { duplicates: false, reorder: false, pollOverlap: false }).map((s) => ({ h, s })),
    ),
  ])('without chaos it is the history itself', ({ h, s }) => {
    expect(s.map((d) => d.event)).toEqual(h.events);
  });

  fcTest.prop([
    lifecycleHistory(acme, 'claim', { minLength: 2 }).chain((h) =>
      fc
        .record({ duplicates: fc.constantFrom(2 as const, false as const), pollOverlap: fc.boolean() })
        .chain((c) => deliverySchedule(h, { ...c, reorder: true })),
    ),
  ])('numbers each event’s deliveries 0, 1, 2, … in schedule order, by webhook or poll', (s) => {
    const seen = new Map<number, number[]>();
    for (const d of s) seen.set(d.event.index, [...(seen.get(d.event.index) ?? []), d.attempt]);
    for (const attempts of seen.values()) expect(attempts).toEqual(attempts.map((_, i) => i));
  });

  test('reorders and duplicates by default (sometimes)', () => {
    const samples = fc.sample(
      lifecycleHistory(acme, 'claim', { minLength: 3 }).chain((h) => deliverySchedule(h)),
      { numRuns: 100, seed: 3 },
    );
    const reordered = samples.some((s) => s.some((d, i) => i > 0 && d.event.index < s[i - 1]!.event.index));
    const duplicated = samples.some((s) => s.some((d) => d.source === 'webhook' && d.attempt > 0));
    const polled = samples.some((s) => s.some((d) => d.source === 'poll'));
    expect({ reordered, duplicated, polled }).toEqual({ reordered: true, duplicated: true, polled: true });
  });
});
