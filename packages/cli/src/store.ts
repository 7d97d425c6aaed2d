import { resolve } from 'node:path';
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
export async function openStore(spec: StoreSpec | undefined, cwd: string): Promise<Store> {
  if (spec === undefined || spec.type === 'memory') return createMemoryStore();
  try {
    if (spec.type === 'pglite' || spec.type === 'postgres') {
      // Loaded when a config asks for it: PGlite and pg take most of the CLI's start-up otherwise.
      const sql = await import('@policyflow/adapters/postgres');
      if (spec.type === 'pglite')
        return await sql.createPgliteStore({ path: resolve(cwd, spec.path ?? '.policyflow') });
      if (spec.url !== undefined) return await sql.createPostgresStore({ url: spec.url });
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `cannot open the ${spec.type} store: ${reason}`,
      spec.type === 'pglite'
        ? 'check that the store folder is writable and not used by another process'
        : 'check store.url, that PostgreSQL is reachable and that the user may create tables',
      2,
    );
  }
  throw new UsageError(
    `unknown store type '${spec.type}'`,
    'use memory, pglite (with path) or postgres (with url)',
  );
}

/**
 * Wraps a store so its action jobs are recorded but never claimed: the job runner finds nothing due, so a
 * dry run fires actions (with their idempotency keys) without running them. The inner store's synchronous
 * face, copied along by the spread, is not the wrapper's own, so the engine and the runner leave it alone.
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
