import { stateKey } from '@policyflow/core';
import {
  type AnyStateMachine,
  getNextSnapshot,
  initialTransition,
  type StateValue,
  transition,
} from 'xstate';
import { nodesOf } from '../../../src/internal/machineShape.js';

export { nodesOf };

type Snapshot = ReturnType<typeof initialTransition>[0];

/** state key → event → target key, for the events a state allows; every other event is disallowed there. */
export type Table = Record<string, Record<string, string>>;

/**
 * True when the machine handles `type` in `snap`, targetless transitions included (as the engine's table
 * does; XState's `can()` counts a targetless transition without actions as not allowed).
 */
export function handles(machine: AnyStateMachine, snap: Snapshot, type: string): boolean {
  return snap.status === 'active' && machine.getTransitionData(snap, { type }).length > 0;
}

/**
 * Every event type some state of the machine has a transition for, sorted. (`machine.events` leaves out
 * targetless transitions without actions, which these machines use for data-only events.)
 */
export function eventsOf(machine: AnyStateMachine): string[] {
  return [...new Set(nodesOf(machine).flatMap((node) => [...node.transitions.keys()]))].sort();
}

/** Every state reachable from the initial state through allowed events, keyed by {@link stateKey}. */
export function reachable(machine: AnyStateMachine): Map<string, Snapshot> {
  const [start] = initialTransition(machine);
  const out = new Map<string, Snapshot>([[stateKey(start.value), start]]);
  const queue = [start];
  while (queue.length > 0) {
    const snap = queue.shift()!;
    for (const type of eventsOf(machine)) {
      if (!handles(machine, snap, type)) continue;
      const [after] = transition(machine, snap, { type });
      const key = stateKey(after.value);
      if (!out.has(key)) {
        out.set(key, after);
        queue.push(after);
      }
    }
  }
  return out;
}

/**
 * The snapshot of a machine in `value`: walked to when reachable (so a final state carries XState's real `done`
 * status), resolved otherwise (statuses no Kota event reaches, which a host may set from a fetched resource).
 */
export function at(machine: AnyStateMachine, value: StateValue): Snapshot {
  return (
    reachable(machine).get(stateKey(value)) ??
    (machine.resolveState({ value, context: undefined }) as Snapshot)
  );
}

/** The state value after sending `type` in `value`. */
export function send(machine: AnyStateMachine, value: StateValue, type: string): StateValue {
  return getNextSnapshot(machine, at(machine, value), { type }).value;
}

/** Sends events in order from the initial state and returns every state value passed through. */
export function walk(machine: AnyStateMachine, types: ReadonlyArray<string>): StateValue[] {
  let [snap] = initialTransition(machine);
  const out: StateValue[] = [];
  for (const type of types) {
    if (!handles(machine, snap, type))
      throw new Error(`${machine.id}: ${type} is not allowed in ${stateKey(snap.value)}`);
    snap = transition(machine, snap, { type })[0];
    out.push(snap.value);
  }
  return out;
}

/** What XState allows from every reachable state (or from the given states), as a {@link Table}. */
export function tableOf(machine: AnyStateMachine, states?: ReadonlyArray<StateValue>): Table {
  const snaps = states ? states.map((v) => at(machine, v)) : [...reachable(machine).values()];
  const out: Table = {};
  for (const snap of snaps) {
    const row: Record<string, string> = {};
    for (const type of eventsOf(machine)) {
      if (handles(machine, snap, type)) {
        row[type] = stateKey(transition(machine, snap, { type })[0].value);
      }
    }
    out[stateKey(snap.value)] = row;
  }
  return out;
}

/**
 * For each event, per region, every state its explicit targets name, over every transition of the machine
 * (reachable or not; self-targets included, targetless transitions left out). The engine forces an event that
 * is not allowed into the state it implies, so each set should have one member.
 */
export function impliedTargets(machine: AnyStateMachine): Map<string, Map<string, Set<string>>> {
  const parallel = machine.root.type === 'parallel';
  const out = new Map<string, Map<string, Set<string>>>();
  for (const node of nodesOf(machine)) {
    for (const [type, defs] of node.transitions) {
      for (const target of defs.flatMap((def) => def.target ?? [])) {
        const region = parallel ? (target.path[0] ?? '') : '';
        const leaf = target.path[parallel ? 1 : 0] ?? '';
        const byRegion = out.get(type) ?? new Map<string, Set<string>>();
        out.set(type, byRegion);
        const leaves = byRegion.get(region) ?? new Set<string>();
        byRegion.set(region, leaves);
        leaves.add(leaf);
      }
    }
  }
  return out;
}

/**
 * A {@link Table} written with event suffixes: `expand('group.', { pending: { ready: 'ready' } })` is
 * `{ pending: { 'group.ready': 'ready' } }`.
 */
export function expand(prefix: string, short: Record<string, Record<string, string>>): Table {
  const out: Table = {};
  for (const [state, row] of Object.entries(short)) {
    out[state] = Object.fromEntries(Object.entries(row).map(([suffix, to]) => [`${prefix}${suffix}`, to]));
  }
  return out;
}

/** The leaf of `region` in a parallel state value. */
export function leafOf(value: StateValue, region: string): string {
  return typeof value === 'string' ? value : stateKey((value as Record<string, StateValue>)[region] ?? '');
}

/**
 * One region of a parallel machine as a table: region leaf → event → region leaf, for the events that region's
 * own states handle, over every reachable state. Throws if the region's behaviour depends on another region.
 */
export function regionTable(machine: AnyStateMachine, region: string): Table {
  const out: Table = {};
  for (const snap of reachable(machine).values()) {
    const from = leafOf(snap.value, region);
    const row = out[from] ?? {};
    out[from] = row;
    for (const type of eventsOf(machine)) {
      if (snap.status !== 'active') continue;
      const own = machine.getTransitionData(snap, { type }).some((t) => t.source.path[0] === region);
      if (!own) continue;
      const to = leafOf(transition(machine, snap, { type })[0].value, region);
      if (row[type] !== undefined && row[type] !== to)
        throw new Error(`${region}: ${from} ${type} depends on other regions`);
      row[type] = to;
    }
  }
  return out;
}
