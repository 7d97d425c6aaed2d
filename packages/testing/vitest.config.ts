import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'testing',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../vitest.setup.ts'],
    // Properties run hundreds of cases; on a loaded CI machine the 5 s default is too tight.
    testTimeout: 60_000,
  },
});
