import { test } from '@fast-check/vitest';
import { kota } from '@policyflow/core';
import { expect } from 'vitest';
import { createTestEngine, deliverySchedule, lifecycleHistory } from '../../src/index.js';

// The chaos example of docs/testing.md.
const chaos = lifecycleHistory(kota(), 'employer_quote', { minLength: 1 }).chain((history) =>
  deliverySchedule(history, { duplicates: 2, reorder: true, pollOverlap: true }).map((schedule) => ({
    history,
    schedule,
  })),
);

test.prop([chaos])('the quote converges whatever the delivery order', async ({ history, schedule }) => {
  const t = createTestEngine();
  await t.deliver(...schedule);
  expect(await t.state(history.key)).toEqual(history.final);
  expect(t.transitions({ key: history.key }).length).toBeLessThanOrEqual(history.events.length);
});
