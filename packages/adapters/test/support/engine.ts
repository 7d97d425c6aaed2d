import {
  type Catalog,
  createEngine,
  createMemoryStore,
  defineCatalog,
  type Engine,
  type EngineOptions,
  type Store,
  ten99policy,
  ten99policyLifecycles,
} from '@policyflow/core';

/**
 * A small Kota-named catalog for tests (one lifecycle borrowed from the 1099Policy machines), so the adapter
 * tests do not depend on the whole Kota catalog.
 */
export function kotaTestCatalog(): Catalog {
  return defineCatalog({
    provider: 'kota',
    lifecycles: { policy: ten99policyLifecycles.policy },
    events: {
      'policy.active': { lifecycle: 'policy', id: 'id' },
      'policy.cancelled': { lifecycle: 'policy', id: 'id' },
      'policy.reactivated': { lifecycle: 'policy', id: 'id' },
    },
  });
}

/** An engine with both providers and a memory store. */
export function testEngine(options: Partial<EngineOptions> = {}): { engine: Engine; store: Store } {
  const store = options.store ?? createMemoryStore({ historyLimit: 1000 });
  const engine = createEngine({ providers: [kotaTestCatalog(), ten99policy()], ...options, store });
  return { engine, store };
}

/** A 1099Policy-shaped policy event. */
export function policyEvent(
  n: number,
  options: { id?: string; type?: string; created?: number; resource?: string } = {},
): Record<string, unknown> {
  const type = options.type ?? 'policy.active';
  return {
    id: options.id ?? `ev_${n.toString().padStart(8, '0')}`,
    type,
    created: options.created ?? 1_700_000_000 + n,
    data: {
      id: options.resource ?? `pl_${n}`,
      object: 'policy',
      status: type === 'policy.cancelled' ? 'cancelled' : 'active',
    },
  };
}

/** Wraps a store so every commit fails, as a broken database would. */
export function failingStore(inner: Store = createMemoryStore()): Store {
  const store: Store = { ...inner, kind: 'failing', commit: () => Promise.reject(new Error('disk on fire')) };
  // An in-memory store's synchronous face would bypass the failing commit.
  delete (store as { sync?: unknown }).sync;
  return store;
}

/** True when the store holds nothing at all for the event: no ledger line, no resource, no invalid record. */
export async function storesNothing(store: Store, eventId: string): Promise<boolean> {
  const [ledger, resources, invalid] = await Promise.all([
    store.getLedgerEntry(eventId),
    store.listResources(),
    store.listInvalid(),
  ]);
  return ledger === undefined && resources.length === 0 && invalid.length === 0;
}
