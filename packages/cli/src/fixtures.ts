import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The provider fixtures bundled with `@policyflow/testing`, and the provider that sends each. */
export const fixtureFiles = [
  { file: 'kota-v1.ndjson', provider: 'kota' },
  { file: 'kota-v2.ndjson', provider: 'kota' },
  { file: 'kota-envelope-variants.ndjson', provider: 'kota' },
  { file: 'ten99policy.ndjson', provider: 'ten99policy' },
  { file: 'ten99policy-variants.ndjson', provider: 'ten99policy' },
] as const;

/**
 * The folder holding `@policyflow/testing`'s fixtures (`kota-v1.ndjson`, …).
 *
 * @example
 * ```ts
 * readFileSync(join(fixturesDir(), 'ten99policy.ndjson'), 'utf8');
 * ```
 */
export function fixturesDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@policyflow/testing/package.json')), 'fixtures');
}
