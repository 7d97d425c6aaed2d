import { type Catalog, kota, ten99policy } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { checkLifecycle } from '../src/index.js';

// Every built-in machine documents its intended findings itself (`meta.policyflow.intended`, with a reason
// each); anything else is a failure.
const catalogs: ReadonlyArray<Catalog> = [kota(), ten99policy()];

describe.each(catalogs.map((c) => [c.provider, c] as const))(
  'built-in %s lifecycles',
  (_provider, catalog) => {
    it.each([...catalog.lifecycles.keys()])('%s has no undocumented findings', (lifecycle) => {
      const machine = catalog.lifecycles.get(lifecycle)!.machine;
      const report = checkLifecycle(machine, catalog);
      expect(report.unexpected).toEqual([]);
      expect(report.stale).toEqual([]);
      expect(report.ok).toBe(true);
    });
  },
);
