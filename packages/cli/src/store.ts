import { createMemoryStore, type Store } from '@policyflow/core';
import { UsageError } from './exit.js';

/** A config's `store`. */
export interface StoreSpec {
  readonly type: string;
  readonly path?: string;
  readonly url?: string;
}

/**
 * Opens the store a config names: `memory` (the default), `pglite` (a folder) or `postgres` (a URL).
 *
 * @example
 * ```ts
 * const store = await openStore({ type: 'pglite', path: './.policyflow' }, process.cwd());
 * ```
 */
export async function openStore(spec: StoreSpec | undefined, _cwd: string): Promise<Store> {
  if (spec === undefined || spec.type === 'memory') return createMemoryStore();
  throw new UsageError(
    `store type '${spec.type}' is not available in this build yet`,
    'use store: { type: memory } for now',
    2,
  );
}
