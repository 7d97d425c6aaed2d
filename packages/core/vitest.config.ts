import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    // One fast-check seed for every property (FC_SEED overrides it): CI runs are reproducible.
    setupFiles: ['../../vitest.setup.ts'],
    // Timeouts only catch hangs: no test asserts a duration, and on a loaded 2-core machine the property
    // tests and the memory store's classes (far slower under vitest's transform than under Node) have
    // taken more than the default 5 s.
    testTimeout: 60_000,
  },
});
