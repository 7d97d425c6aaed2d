import { test } from '@fast-check/vitest';
import { createEngine, kota, ten99policy } from '@policyflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lifecycleModel } from '../../src/index.js';
import { acme } from '../helpers.js';

describe('lifecycleModel', () => {
  for (const [catalog, lifecycle] of [
    [acme, 'claim'],
    [kota(), 'employer_quote'],
    [kota(), 'group'],
    [kota(), 'policy'],
    [ten99policy(), 'application'],
    [ten99policy(), 'certificate'],
  ] as const) {
    test.prop([lifecycleModel(catalog, lifecycle)], { numRuns: 40 })(
      `${catalog.provider}/${lifecycle}: the engine and the model agree after every step`,
      (scenario) => scenario.run(),
    );
  }

  test.prop(
    [
      lifecycleModel(acme, 'claim', {
        engine: ({ catalog, clock }) => createEngine({ providers: [catalog], clock, reconcile: 'strict' }),
      }),
    ],
    {
      numRuns: 40,
    },
  )('also under the strict reconcile policy', (scenario) => scenario.run());

  it('catches an engine that disagrees with the model, and shrinks to a short command list', async () => {
    // An engine that never records staleness: it applies everything, even events older than the resource.
    const lying = lifecycleModel(acme, 'claim', {
      history: { minLength: 2 },
      engine: ({ catalog, clock }) => {
        const real = createEngine({ providers: [catalog], clock });
        return {
          ...real,
          async ingest(payload, opts) {
            const r = await real.ingest(payload, opts);
            return r.status === 'stale' ? { ...r, status: 'applied' } : r;
          },
        };
      },
    });
    const details = await fc.check(
      fc.asyncProperty(lying, (s) => s.run()),
      { seed: 1, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const commands = [...(details.counterexample?.[0].commands ?? [])].map(String);
    expect(commands.filter((c) => c.startsWith('deliver')).length).toBeLessThanOrEqual(3);
    expect(String(details.errorInstance)).toMatch(
      /status of deliver#\d+.*engine has "applied", model expects "stale"/,
    );
  });
});
