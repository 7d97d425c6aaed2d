// Regenerates docs/providers.md from the built-in catalogs.
// Run: pnpm docs:providers (or node --conditions=source --import tsx scripts/gen-provider-docs.ts [--check])
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kota, ten99policy } from '@policyflow/core';
import { renderProviderDocs } from '../packages/cli/src/docs/providers.js';

const target = join(import.meta.dirname, '../docs/providers.md');
const text = renderProviderDocs([kota(), ten99policy()]);

if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== text) {
    console.error(
      'docs/providers.md is out of date: run node --conditions=source --import tsx scripts/gen-provider-docs.ts',
    );
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
