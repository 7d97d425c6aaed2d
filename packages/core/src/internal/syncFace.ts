import type { Store, SyncStoreOps } from '../store.js';

/**
 * The synchronous face of `store`, when it has one of its own. A face copied from another store (a wrapper
 * made by `{ ...inner, claimJobs }`) would read and write the inner store past the wrapper's overrides, so it
 * does not count: the wrapper is then used through its awaited methods.
 *
 * @example
 * ```ts
 * const inner = createMemoryStore();
 * syncFaceOf(inner) === inner.sync; // true
 * syncFaceOf({ ...inner, claimJobs: async () => [] }); // undefined
 * ```
 */
export function syncFaceOf(store: Store): SyncStoreOps | undefined {
  const face = store.sync;
  return face !== undefined && face.owner === store ? face : undefined;
}
