import type { AnyStateMachine } from 'xstate';

type StateNode = AnyStateMachine['root'];

/** Why a machine's transitions cannot be derived into a table: one transition the table would get wrong. */
export interface Unrepresentable {
  /** The state node's path from the root (`[]` for the root). */
  readonly state: ReadonlyArray<string>;
  readonly message: string;
}

/**
 * Every state node of a machine, depth first from the root.
 *
 * @example
 * ```ts
 * nodesOf(claimMachine).map((n) => n.path.join('.')); // ['', 'opened', 'approved', 'paid']
 * ```
 */
export function nodesOf(machine: AnyStateMachine): StateNode[] {
  const out: StateNode[] = [];
  const visit = (node: StateNode): void => {
    out.push(node);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return out;
}

function where(node: StateNode): string {
  return node.path.length === 0 ? 'the root state' : `state '${node.path.join('.')}'`;
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

/**
 * The transitions a derived table cannot run faithfully. The engine steps its table with `{ type }` alone, so
 * a guard never sees the event's data (the table bakes in whichever branch a bare event takes), and eventless
 * (`always`) and delayed (`after`) transitions, and those of an invoked actor, fire on no provider event at all.
 *
 * @example
 * ```ts
 * unrepresentable(paymentMachine); // [{ state: ['open'], message: "state 'open' has a guarded transition on 'pay.received'" }]
 * ```
 */
export function unrepresentable(machine: AnyStateMachine): Unrepresentable[] {
  const out: Unrepresentable[] = [];
  for (const node of nodesOf(machine)) {
    if (node.config.always !== undefined) {
      out.push({ state: node.path, message: `${where(node)} has an eventless ('always') transition` });
    }
    if (node.config.after !== undefined) {
      out.push({ state: node.path, message: `${where(node)} has a delayed ('after') transition` });
    }
    if (node.config.invoke !== undefined) {
      // The table never starts actors, so their onDone and onError transitions would never be taken.
      out.push({ state: node.path, message: `${where(node)} invokes an actor` });
    }
    for (const [event, transitions] of node.transitions) {
      if (transitions.some((t) => t.guard !== undefined)) {
        out.push({ state: node.path, message: `${where(node)} has a guarded transition on '${event}'` });
      }
    }
  }
  return out;
}
