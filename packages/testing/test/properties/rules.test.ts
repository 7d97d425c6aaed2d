import { test } from '@fast-check/vitest';
import { kota, type RuleSpec } from '@policyflow/core';
import { expect } from 'vitest';
import { createTestEngine, deliverySchedule, lifecycleHistory } from '../../src/index.js';

const catalog = kota();
const lifecycle = 'employer_quote';
const rules: RuleSpec[] = [
  {
    name: 'on-every-quote-event',
    on: { event: [...catalog.events.values()].filter((e) => e.lifecycle === lifecycle).map((e) => e.type) },
    actions: [{ type: 'log', params: { message: '{{event.type}}' } }],
  },
  {
    name: 'on-accepted',
    on: { lifecycle, to: 'accepted' },
    actions: [{ type: 'log', params: { message: 'accepted {{resource.id}}' } }],
  },
];

const chaos = lifecycleHistory(catalog, lifecycle, { minLength: 1 }).chain((h) =>
  deliverySchedule(h, { duplicates: 3 }).map((s) => ({ h, s })),
);

test.prop([chaos], { numRuns: 100 })('redelivery never fires an action twice', async ({ h, s }) => {
  const t = createTestEngine({ rules });
  await t.deliver(...s);
  await t.drain();
  const fired = t.actions();
  expect(new Set(fired.map((j) => j.id)).size).toBe(fired.length);
  const perEvent = t.actions({ rule: 'on-every-quote-event' }).map((j) => j.eventId);
  expect(perEvent.length).toBeGreaterThan(0);
  expect(new Set(perEvent).size).toBe(perEvent.length);
  expect(perEvent.every((id) => h.events.some((e) => e.eventId === id))).toBe(true);
  expect(t.logs().length).toBe(t.succeeded().length);
  expect(t.actions({ rule: 'on-accepted' }).length).toBeLessThanOrEqual(1);
  await t.close();
});
