import {
  type AnyStateMachine,
  getNextSnapshot,
  initialTransition,
  type StateValue,
  transition,
} from 'xstate';

/** state → event → target, for the events a state allows; every other event is disallowed there. */
export type ExpectedTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

type Snapshot = ReturnType<typeof initialTransition>[0];

/** The snapshot of a machine in `value`, with `done` status for final states (as XState would reach them). */
export function at(machine: AnyStateMachine, value: StateValue): Snapshot {
  const [start] = initialTransition(machine);
  // Walk to the state rather than resolveState: a walked snapshot carries the real `done` status.
  const seen = new Set<string>();
  const queue: Snapshot[] = [start];
  while (queue.length > 0) {
    const snap = queue.shift()!;
    const key = JSON.stringify(snap.value);
    if (key === JSON.stringify(value)) return snap;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const type of eventsOf(machine)) {
      if (snap.status === 'active' && snap.can({ type })) queue.push(transition(machine, snap, { type })[0]);
    }
  }
  throw new Error(`state ${JSON.stringify(value)} is not reachable in ${machine.id}`);
}

/** Every event type some state of the machine handles. */
export function eventsOf(machine: AnyStateMachine): string[] {
  return [...new Set(machine.events as string[])].sort();
}

/** The value after sending `type` from `value`. */
export function next(machine: AnyStateMachine, value: StateValue, type: string): StateValue {
  return getNextSnapshot(machine, at(machine, value), { type }).value;
}

/** Every state value reachable from the initial state, keyed by its JSON. */
export function reachable(machine: AnyStateMachine): Map<string, Snapshot> {
  const [start] = initialTransition(machine);
  const out = new Map<string, Snapshot>([[JSON.stringify(start.value), start]]);
  const queue = [start];
  while (queue.length > 0) {
    const snap = queue.shift()!;
    for (const type of eventsOf(machine)) {
      if (snap.status !== 'active' || !snap.can({ type })) continue;
      const [after] = transition(machine, snap, { type });
      const key = JSON.stringify(after.value);
      if (!out.has(key)) {
        out.set(key, after);
        queue.push(after);
      }
    }
  }
  return out;
}

/** Every (state, event) pair of a flat machine with what XState does, for comparison with an expected table. */
export function actualTable(machine: AnyStateMachine): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const snap of reachable(machine).values()) {
    const row: Record<string, string> = {};
    for (const type of eventsOf(machine)) {
      if (snap.status === 'active' && snap.can({ type })) {
        row[type] = String(transition(machine, snap, { type })[0].value);
      }
    }
    out[String(snap.value)] = row;
  }
  return out;
}
