import { defineConfig } from 'vitest/config';

// One vitest run for the whole workspace. The `source` condition lets tests import
// `@policyflow/*` packages by name straight from their TypeScript sources (no build step).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
  },
});
