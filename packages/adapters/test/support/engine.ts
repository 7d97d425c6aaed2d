import {
  createEngine,
  createMemoryStore,
  type Engine,
  type EngineOptions,
  kota,
  type Store,
  ten99policy,
} from '@policyflow/core';

/** An engine with both providers and a memory store. */
export function testEngine(options: Partial<EngineOptions> = {}): { engine: Engine; store: Store } {
  const store = options.store ?? createMemoryStore({ historyLimit: 1000 });
  const engine = createEngine({ providers: [kota(), ten99policy()], ...options, store });
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
  // The inner store's synchronous face, copied by the spread, is not this store's: the failing commit is used.
  return { ...inner, kind: 'failing', commit: () => Promise.reject(new Error('disk on fire')) };
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

/**
 * A Kota v2 group event. `step` picks the type along the group's life (created → ready → updated…), so a
 * group's events in step order are all allowed by the machine.
 */
export function kotaEvent(
  n: number,
  options: { createdMs: number; group: string; step: number },
): Record<string, unknown> {
  return {
    id: `evt_${n.toString(16).padStart(32, '0')}`,
    type: options.step === 0 ? 'group.created' : options.step === 1 ? 'group.ready' : 'group.updated',
    platform_id: 'pt_7f9a2c4d5e6b7a8c9d0e1f2a3b4c5d6e',
    data: { id: options.group, employer_id: 'er_1', resource_type: 'group', object: 'group' },
    created_at: new Date(options.createdMs).toISOString(),
    object: 'event',
    version: 'V2',
  };
}
