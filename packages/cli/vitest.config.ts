import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // One fast-check seed for every property (FC_SEED overrides it): CI runs are reproducible.
    setupFiles: ['../../vitest.setup.ts'],
    // Timeouts only catch hangs (no test asserts a duration); a loaded 2-core machine needs more than 5 s.
    testTimeout: 60_000,
  },
});
