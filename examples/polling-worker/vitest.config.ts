import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'example-polling-worker',
    include: ['test/**/*.test.ts'],
    // One fast-check seed for every property (FC_SEED overrides it): CI runs are reproducible.
    setupFiles: ['../../vitest.setup.ts'],
  },
});
