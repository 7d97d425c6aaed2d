import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kota, ten99policy } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { renderProviderDocs } from '../../src/docs/providers.js';

const committed = join(import.meta.dirname, '../../../../docs/providers.md');

describe('docs/providers.md', () => {
  it('is the generator output for the current catalogs (regenerate with scripts/gen-provider-docs.ts)', () => {
    expect(
      readFileSync(committed, 'utf8'),
      'docs/providers.md is out of date: run `pnpm docs:providers` and commit it',
    ).toBe(renderProviderDocs([kota(), ten99policy()]));
  });

  it('lists every event type of every built-in catalog', () => {
    const text = renderProviderDocs([kota(), ten99policy()]);
    for (const catalog of [kota(), ten99policy()]) {
      for (const type of catalog.events.keys()) expect(text).toContain(`| \`${type}\` `);
    }
  });
});
