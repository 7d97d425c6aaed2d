import type { Catalog } from '@policyflow/core';
import { stateKey } from '@policyflow/core';
import { type AnyStateMachine, initialTransition, type StateValue, transition } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { handles, lifecycleNameOf, type ResolvedLifecycle, resolveLifecycle } from '../internal/lifecycle.js';

/** What {@link checkLifecycle} can find. */
export type FindingKind =
  | 'unreachable_state'
  | 'dead_end'
  | 'terminal_not_absorbing'
  | 'unused_event_type'
  | 'untriggered_transition'
  | 'order_dependent_event';

/** One structural finding about a lifecycle. */
export interface Finding {
  readonly kind: FindingKind;
  /** A state path (`pending.review`), a state key, an event type, or `<state path> on <event>`. */
  readonly subject: string;
  readonly message: string;
}

/** A finding a machine documents as intended, with why. */
export interface IntendedFinding {
  readonly kind: FindingKind;
  /** The finding's subject, or `*` for every finding of this kind. */
  readonly subject: string;
  readonly reason: string;
}

/** Options of {@link checkLifecycle}. */
export interface CheckLifecycleOptions {
  /** The lifecycle name; found by machine identity when omitted. */
  readonly lifecycle?: string;
  /** Intended findings, added to those the machine documents in `meta.policyflow.intended`. */
  readonly intended?: ReadonlyArray<IntendedFinding>;
}

/** The result of {@link checkLifecycle}. */
export interface LifecycleReport {
  readonly provider: string;
  readonly lifecycle: string;
  readonly findings: ReadonlyArray<Finding>;
  /** Findings documented as intended. */
  readonly intended: ReadonlyArray<Finding & { readonly reason: string }>;
  /** Findings nobody documented: what a test should fail on. */
  readonly unexpected: ReadonlyArray<Finding>;
  /** Intended findings that no longer occur (stale documentation). */
  readonly stale: ReadonlyArray<IntendedFinding>;
  readonly ok: boolean;
}

type Snapshot = ReturnType<typeof initialTransition>[0];

function explore(lc: ResolvedLifecycle): Map<string, Snapshot> {
  const [start] = initialTransition(lc.machine);
  const seen = new Map<string, Snapshot>([[stateKey(start.value), start]]);
  const queue: Snapshot[] = [start];
  while (queue.length > 0) {
    const snap = queue.shift()!;
    for (const type of lc.machineEvents) {
      if (!handles(lc.machine, snap, type)) continue;
      const [next] = transition(lc.machine, snap, { type });
      const key = stateKey(next.value);
      if (!seen.has(key)) {
        seen.set(key, next);
        queue.push(next);
      }
    }
  }
  return seen;
}

function valueOfPath(path: ReadonlyArray<string>): StateValue {
  const [head, ...rest] = path;
  return rest.length === 0 ? (head ?? '') : { [head!]: valueOfPath(rest) };
}

function nodes(machine: AnyStateMachine) {
  return getStateNodes(machine.root).filter((n) => n.type !== 'history' && n.path.length > 0);
}

function unreachable(lc: ResolvedLifecycle, snaps: Map<string, Snapshot>): Finding[] {
  return nodes(lc.machine)
    .filter((n) => ![...snaps.values()].some((s) => s.matches(valueOfPath(n.path) as never)))
    .map((n) => ({
      kind: 'unreachable_state' as const,
      subject: n.path.join('.'),
      message: `state '${n.path.join('.')}' cannot be reached from '${stateKey(lc.table.initial)}' by any catalog event`,
    }));
}

function moves(lc: ResolvedLifecycle, snap: Snapshot): Array<{ type: string; next: Snapshot }> {
  if (snap.status !== 'active') return [];
  return lc.machineEvents
    .filter((type) => handles(lc.machine, snap, type))
    .map((type) => ({ type, next: transition(lc.machine, snap, { type })[0] }));
}

function deadEnds(lc: ResolvedLifecycle, snaps: Map<string, Snapshot>): Finding[] {
  const out: Finding[] = [];
  for (const [key, snap] of snaps) {
    if (snap.status !== 'active') continue;
    if (moves(lc, snap).some((m) => stateKey(m.next.value) !== key)) continue;
    out.push({
      kind: 'dead_end',
      subject: key,
      message: `'${key}' is not final, yet no catalog event leads out of it`,
    });
  }
  return out;
}

function notAbsorbing(lc: ResolvedLifecycle, snaps: Map<string, Snapshot>): Finding[] {
  const out: Finding[] = [];
  for (const node of nodes(lc.machine).filter((n) => n.type === 'final')) {
    const value = valueOfPath(node.path) as never;
    const escapes = new Set<string>();
    for (const snap of snaps.values()) {
      if (!snap.matches(value)) continue;
      for (const m of moves(lc, snap)) if (!m.next.matches(value)) escapes.add(m.type);
    }
    if (escapes.size === 0) continue;
    const subject = node.path.join('.');
    out.push({
      kind: 'terminal_not_absorbing',
      subject,
      message: `final state '${subject}' can be left by ${[...escapes].join(', ')}`,
    });
  }
  return out;
}

function unusedTypes(lc: ResolvedLifecycle, snaps: Map<string, Snapshot>): Finding[] {
  const used = new Set<string>();
  for (const snap of snaps.values()) for (const m of moves(lc, snap)) used.add(m.type);
  return lc.machineEvents
    .filter((e) => !used.has(e))
    .flatMap((e) => lc.typesOf.get(e) ?? [e])
    .map((type) => ({
      kind: 'unused_event_type' as const,
      subject: type,
      message: `catalog event type '${type}' is allowed from no reachable state, so it is always forced or rejected`,
    }));
}

function untriggered(lc: ResolvedLifecycle): Finding[] {
  const out: Finding[] = [];
  for (const node of [lc.machine.root, ...nodes(lc.machine)]) {
    for (const event of node.transitions.keys()) {
      if (event.startsWith('xstate.') || event === '*' || lc.typesOf.has(event)) continue;
      const subject = `${node.path.join('.') || '(root)'} on ${event}`;
      out.push({
        kind: 'untriggered_transition',
        subject,
        message: `the transition ${subject} has no catalog event type that sends '${event}'`,
      });
    }
  }
  return out;
}

function orderDependent(lc: ResolvedLifecycle): Finding[] {
  const out: Finding[] = [];
  for (const event of lc.machineEvents) {
    const targets = new Map<string, string>();
    for (const key of lc.table.states.keys()) {
      const to = lc.table.step(key, event)?.toKey;
      if (to !== undefined && !targets.has(to)) targets.set(to, key);
    }
    if (targets.size <= 1) continue;
    const examples = [...targets].slice(0, 3).map(([to, from]) => `from ${from} to ${to}`);
    for (const type of lc.typesOf.get(event) ?? [event]) {
      out.push({
        kind: 'order_dependent_event',
        subject: type,
        message: `when '${type}' is a resource's newest event, where it ends depends on which older events arrived first (${examples.join('; ')})`,
      });
    }
  }
  return out;
}

function documented(machine: AnyStateMachine): ReadonlyArray<IntendedFinding> {
  const meta = machine.root.meta as
    | { policyflow?: { intended?: ReadonlyArray<IntendedFinding> } }
    | undefined;
  return meta?.policyflow?.intended ?? [];
}

/**
 * Checks a lifecycle's machine against its catalog: unreachable states, non-final dead ends, final states
 * that can be left, catalog event types no reachable transition uses, transitions no event type triggers, and
 * events whose outcome depends on delivery order (the newest event does not pin the state). A machine documents
 * intended findings in `meta: { policyflow: { intended: [{ kind, subject, reason }] } }`.
 *
 * @example
 * ```ts
 * const report = checkLifecycle(claimMachine, acme);
 * expect(report.unexpected).toEqual([]);
 * // report.findings: [{ kind: 'dead_end', subject: 'on_hold', message: "'on_hold' is not final, yet …" }]
 * ```
 */
export function checkLifecycle(
  machine: AnyStateMachine,
  catalog: Catalog,
  options: CheckLifecycleOptions = {},
): LifecycleReport {
  const name = options.lifecycle ?? lifecycleNameOf(catalog, machine);
  if (name === undefined)
    throw new TypeError(`machine '${machine.id}' is not a lifecycle of the ${catalog.provider} catalog`);
  const lc = resolveLifecycle(catalog, name);
  const snaps = explore(lc);
  const findings = [
    ...unreachable(lc, snaps),
    ...deadEnds(lc, snaps),
    ...notAbsorbing(lc, snaps),
    ...unusedTypes(lc, snaps),
    ...untriggered(lc),
    ...orderDependent(lc),
  ];
  const intendedList = [...documented(machine), ...(options.intended ?? [])];
  const covers = (i: IntendedFinding, f: Finding): boolean =>
    i.kind === f.kind && (i.subject === '*' || i.subject === f.subject);
  const reasonOf = (f: Finding) => intendedList.find((i) => covers(i, f))?.reason;
  const intended = findings.flatMap((f) => {
    const reason = reasonOf(f);
    return reason === undefined ? [] : [{ ...f, reason }];
  });
  const unexpected = findings.filter((f) => reasonOf(f) === undefined);
  const stale = intendedList.filter((i) => !findings.some((f) => covers(i, f)));
  return {
    provider: catalog.provider,
    lifecycle: name,
    findings,
    intended,
    unexpected,
    stale,
    ok: unexpected.length === 0,
  };
}
