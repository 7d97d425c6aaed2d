import type { Catalog, TransitionTable } from '@policyflow/core';
import { tableFor } from '@policyflow/core';
import type { AnyStateMachine } from 'xstate';

/** One lifecycle of a catalog, resolved: its machine, table and the provider types behind each machine event. */
export interface ResolvedLifecycle {
  readonly provider: string;
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly table: TransitionTable;
  /** Machine events the catalog sends to this lifecycle, in catalog order. */
  readonly machineEvents: ReadonlyArray<string>;
  /** Machine event → the provider event types that send it. */
  readonly typesOf: ReadonlyMap<string, ReadonlyArray<string>>;
}

/** Resolves a lifecycle by name the way the engine does (same table, same event list). */
export function resolveLifecycle(catalog: Catalog, lifecycle: string): ResolvedLifecycle {
  const spec = catalog.lifecycles.get(lifecycle);
  if (spec === undefined) {
    const known = [...catalog.lifecycles.keys()].join(', ');
    throw new TypeError(`the ${catalog.provider} catalog has no lifecycle '${lifecycle}' (have: ${known})`);
  }
  const typesOf = new Map<string, string[]>();
  const machineEvents: string[] = [];
  for (const entry of catalog.events.values()) {
    if (entry.lifecycle !== lifecycle) continue;
    machineEvents.push(entry.event);
    const list = typesOf.get(entry.event) ?? [];
    list.push(entry.type);
    typesOf.set(entry.event, list);
  }
  return {
    provider: catalog.provider,
    name: lifecycle,
    machine: spec.machine,
    // The engine passes one event per catalog entry (duplicates included); so do we, to share its cached table.
    table: tableFor(spec.machine, machineEvents),
    machineEvents: [...typesOf.keys()],
    typesOf,
  };
}

/** The lifecycle whose machine is `machine`, or undefined. */
export function lifecycleNameOf(catalog: Catalog, machine: AnyStateMachine): string | undefined {
  for (const [name, spec] of catalog.lifecycles) if (spec.machine === machine) return name;
  return undefined;
}

type Snapshot = ReturnType<AnyStateMachine['resolveState']>;

/**
 * True when the machine has a transition for `type` in this snapshot, targetless ones included: core's
 * definition of "allowed" (XState's `snapshot.can()` rejects a targetless transition without actions).
 */
export function handles(machine: AnyStateMachine, snapshot: Snapshot, type: string): boolean {
  return snapshot.status === 'active' && machine.getTransitionData(snapshot, { type }).length > 0;
}
