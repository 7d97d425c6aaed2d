import type { AnyStateMachine } from 'xstate';

type StateNode = AnyStateMachine['root'];

function nodesOf(machine: AnyStateMachine): StateNode[] {
  const out: StateNode[] = [];
  const visit = (node: StateNode): void => {
    out.push(node);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return out;
}

const descriptorsOf = new WeakMap<AnyStateMachine, ReadonlyArray<string>>();

/**
 * True when some state of the machine has a transition for `type` (targetless ones and wildcards included):
 * a catalog event the machine knows nowhere would be forced on every delivery and change nothing.
 *
 * @example
 * ```ts
 * machineKnows(claimMachine, 'claim.paid'); // true
 * machineKnows(claimMachine, 'claim.PAID'); // false
 * ```
 */
export function machineKnows(machine: AnyStateMachine, type: string): boolean {
  let descriptors = descriptorsOf.get(machine);
  if (descriptors === undefined) {
    descriptors = [...new Set(nodesOf(machine).flatMap((node) => [...node.transitions.keys()]))];
    descriptorsOf.set(machine, descriptors);
  }
  return descriptors.some((d) => matches(type, d));
}

/** XState's descriptor match: exact, `*`, or a `prefix.*` that matches whole leading tokens. */
function matches(type: string, descriptor: string): boolean {
  if (descriptor === type || descriptor === '*') return true;
  if (!descriptor.endsWith('.*')) return false;
  const prefix = descriptor.slice(0, -1);
  return type.startsWith(prefix) || type === descriptor.slice(0, -2);
}
