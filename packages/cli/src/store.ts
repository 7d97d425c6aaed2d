import { createMemoryStore, type Store } from '@policyflow/core';
import { UsageError } from './exit.js';

/** A config's `store`. */
export interface StoreSpec {
  readonly type: string;
  readonly path?: string | undefined;
  readonly url?: string | undefined;
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

/**
 * Wraps a store so its action jobs are recorded but never claimed: the job runner finds nothing due, so a
 * dry run fires actions (with their idempotency keys) without running them.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers, config, store: dryRunStore(createMemoryStore()) });
 * ```
 */
export function dryRunStore(inner: Store): Store {
  return {
    ...inner,
    kind: inner.kind,
    claimJobs: async () => [],
    nextJobDueAt: async () => undefined,
  };
}
