import { type AnyStateMachine, initialTransition, type StateValue, transition } from 'xstate';

/** What one event does from one state, as XState defines it (or as the reconcile policy forces it). */
export interface Step {
  /** True when the machine itself allows the event from this state. */
  readonly allowed: boolean;
  /** The state after the event: XState's target when allowed, the implied state when not. */
  readonly to: StateValue;
  readonly toKey: string;
  /**
   * The regions an on-time application stamps: those the event sets, and those whose leaf changes (a
   * forced step may move a region the event does not name). Derived once here, not per event.
   */
  readonly regions: ReadonlyArray<string>;
}

/** A machine's transitions as a lookup table, derived once from the machine (the single definition). */
export interface TransitionTable {
  readonly machine: AnyStateMachine;
  readonly initial: StateValue;
  readonly initialKey: string;
  /** True when the machine's root is not parallel: its one region is `''`. */
  readonly flat: boolean;
  readonly events: ReadonlyArray<string>;
  /** Every state reachable from `initial` through allowed or forced steps. */
  readonly states: ReadonlyMap<string, StateValue>;
  readonly finals: ReadonlySet<string>;
  /** `step(stateKey, event)`; undefined only for events the table was not built with. */
  step(stateKey: string, event: string): Step | undefined;
  /**
   * Every step of one event, by the state key it starts from: `column(event).get(key)` is `step(key, event)`,
   * with one look-up where `step` makes two. Undefined for events the table was not built with.
   */
  column(event: string): ReadonlyMap<string, Step> | undefined;
  /** For any state value (also one read back from a store): its key. */
  keyOf(value: StateValue): string;
  /**
   * The regions `event` sets wherever it applies: `['']` for a flat machine's status, region names for a
   * parallel one, `[]` for an event that implies no state (a targetless "data changed" event).
   */
  regionsSet(event: string): ReadonlyArray<string>;
  /** The regions in which two state values differ. */
  changedRegions(a: StateValue, b: StateValue): ReadonlyArray<string>;
  /** `value` with the given regions taken from `source`. */
  withRegions(value: StateValue, source: StateValue, regions: ReadonlyArray<string>): StateValue;
}

function canonical(value: StateValue): string {
  if (typeof value === 'string') return value;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${k}:${canonical(value[k] as StateValue)}`).join(',')}}`;
}

const keys = new WeakMap<object, string>();

/**
 * Freezes a state value and every nested region in place, and returns it. The table and the stores hand one
 * object per state to every caller, so an unfrozen one would let a caller's edit move every resource in that
 * state, and the table itself.
 *
 * @example
 * ```ts
 * const initial = freezeState({ status: 'scheduled', renewal: 'none' });
 * Object.isFrozen(initial); // true
 * ```
 */
export function freezeState(value: StateValue): StateValue {
  if (typeof value === 'string') return value;
  for (const sub of Object.values(value)) if (sub !== undefined) freezeState(sub as StateValue);
  Object.freeze(value);
  return value;
}

function isFrozenState(value: StateValue): boolean {
  if (typeof value === 'string') return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every((sub) => sub === undefined || isFrozenState(sub as StateValue));
}

/**
 * `value` when it is already deeply frozen (every state a table hands out is), else a frozen copy: the
 * caller keeps its own object to edit, and whoever keeps the copy shares nothing mutable.
 *
 * @example
 * ```ts
 * const kept = frozenState(snapshot.state); // safe to hand to every reader
 * ```
 */
export function frozenState(value: StateValue): StateValue {
  return isFrozenState(value) ? value : freezeState(structuredClone(value));
}

/**
 * The key of a state value: the status itself for flat machines, a canonical form for nested ones (cached
 * per object: the derived tables and the stores hand the same state objects around).
 */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  let key = keys.get(value);
  if (key === undefined) {
    key = canonical(value);
    keys.set(value, key);
  }
  return key;
}

/**
 * Regions are the top-level children of a parallel root; a flat or compound root is one region, ''.
 * A state value is then a map region → leaf key, which is how "the state an event implies" is stated.
 */
function regionsOf(machine: AnyStateMachine, value: StateValue): Map<string, string> {
  const out = new Map<string, string>();
  if (machine.root.type === 'parallel' && typeof value === 'object') {
    for (const [region, sub] of Object.entries(value)) out.set(region, stateKey(sub as StateValue));
  } else {
    out.set('', stateKey(value));
  }
  return out;
}

function leafValue(leafKey: string, sample: StateValue): StateValue {
  return typeof sample === 'string' || leafKey === stateKey(sample) ? sample : leafKey;
}

type Snapshot = ReturnType<typeof initialTransition>[0];

const NO_REGIONS: ReadonlyArray<string> = Object.freeze([]);
const FLAT_REGION: ReadonlyArray<string> = Object.freeze(['']);

/**
 * True when the machine handles `type` in this snapshot: it has a transition for it, targetless ones included.
 * (XState's `snapshot.can()` is narrower: it counts a targetless transition without actions as forbidden. For
 * provider events such a transition means "this event is expected here and changes no status", so it is allowed.)
 *
 * @example
 * ```ts
 * handles(employerQuoteMachine, snapshot, 'employer.health_insurance.quote.updated');
 * ```
 */
export function handles(machine: AnyStateMachine, snapshot: Snapshot, type: string): boolean {
  return snapshot.status === 'active' && machine.getTransitionData(snapshot, { type }).length > 0;
}

/**
 * Explores a machine from its initial state and returns its transition table.
 *
 * Forcing: an event not allowed from a state moves each region the event ever changes (from any state where
 * XState allows it) to the one leaf it always leads there; regions it never changes, or changes to different
 * leaves from different sources (ambiguous), keep their value. So the forced state is "the state the event
 * implies", derived from the machine rather than written twice.
 */
export function deriveTable(machine: AnyStateMachine, events: ReadonlyArray<string>): TransitionTable {
  const [initialSnap] = initialTransition(machine);
  const snaps = new Map<string, Snapshot>();
  // Steps are drafted first; their stamped regions need every edge, so they are added once all are known.
  const drafts = new Map<string, Map<string, Omit<Step, 'regions'>>>();
  const finals = new Set<string>();

  // 1. Allowed transitions over every state reachable through them.
  const queue: Snapshot[] = [initialSnap];
  snaps.set(stateKey(initialSnap.value), initialSnap);
  const allowedEdges: Array<{ from: string; event: string; to: StateValue; explicit: boolean }> = [];
  while (queue.length > 0) {
    const snap = queue.shift()!;
    const fromKey = stateKey(snap.value);
    if (snap.status === 'done') finals.add(fromKey);
    const row = new Map<string, Omit<Step, 'regions'>>();
    drafts.set(fromKey, row);
    for (const type of events) {
      if (!handles(machine, snap, type)) continue;
      const [next] = transition(machine, snap, { type });
      const toKey = stateKey(next.value);
      row.set(type, { allowed: true, to: next.value, toKey });
      const explicit = machine.getTransitionData(snap, { type }).some((t) => (t.target?.length ?? 0) > 0);
      allowedEdges.push({ from: fromKey, event: type, to: next.value, explicit });
      if (!snaps.has(toKey)) {
        snaps.set(toKey, next);
        queue.push(next);
      }
    }
  }

  // 2. What each event implies, per region.
  const implied = new Map<string, Map<string, string | null>>();
  const leafSamples = new Map<string, StateValue>();
  for (const edge of allowedEdges) {
    const before = regionsOf(machine, snaps.get(edge.from)!.value);
    const after = regionsOf(machine, edge.to);
    let byRegion = implied.get(edge.event);
    if (!byRegion) {
      byRegion = new Map();
      implied.set(edge.event, byRegion);
    }
    for (const [region, leaf] of after) {
      if (typeof edge.to === 'object')
        leafSamples.set(`${region}/${leaf}`, (edge.to as Record<string, StateValue>)[region]!);
      // An explicit target implies its state even when it is the current one (`policy.active` on an active
      // policy); a targetless transition implies nothing. Parallel regions count only when they change.
      if (before.get(region) === leaf && !(edge.explicit && region === '')) continue;
      const seen = byRegion.get(region);
      byRegion.set(region, seen === undefined || seen === leaf ? leaf : null);
    }
  }

  const regionsSet = new Map<string, ReadonlyArray<string>>();
  for (const [event, byRegion] of implied) {
    const regions = [...byRegion].filter(([, leaf]) => leaf !== null).map(([region]) => region);
    if (regions.length > 0) regionsSet.set(event, regions);
  }

  function forcedValue(from: StateValue, event: string): StateValue {
    const byRegion = implied.get(event);
    if (!byRegion || byRegion.size === 0) return from;
    if (machine.root.type !== 'parallel' || typeof from !== 'object') {
      const leaf = byRegion.get('');
      return leaf === undefined || leaf === null ? from : leafValue(leaf, snaps.get(leaf)?.value ?? leaf);
    }
    const next = { ...from } as Record<string, StateValue>;
    for (const [region, leaf] of byRegion) {
      if (leaf !== null) next[region] = leafSamples.get(`${region}/${leaf}`) ?? leaf;
    }
    return next;
  }

  function changedRegions(a: StateValue, b: StateValue): ReadonlyArray<string> {
    if (a === b) return NO_REGIONS;
    if (typeof a === 'string' && typeof b === 'string') return FLAT_REGION;
    const ra = regionsOf(machine, a);
    const rb = regionsOf(machine, b);
    const out: string[] = [];
    for (const [region, leaf] of rb) if (ra.get(region) !== leaf) out.push(region);
    return out;
  }

  function stamped(from: StateValue, event: string, to: StateValue): ReadonlyArray<string> {
    const set = regionsSet.get(event) ?? NO_REGIONS;
    const changed = changedRegions(from, to);
    if (changed.length === 0) return set;
    if (set.length === 0) return changed;
    return changed.every((r) => set.includes(r)) ? set : [...new Set([...set, ...changed])];
  }

  // 3. Close the table over forced steps, so every state a resource can be forced into has a row.
  const pending = [...snaps.keys()];
  while (pending.length > 0) {
    const fromKey = pending.pop()!;
    const fromSnap = snaps.get(fromKey)!;
    let row = drafts.get(fromKey);
    if (!row) {
      row = new Map();
      drafts.set(fromKey, row);
      if (fromSnap.status === 'done') finals.add(fromKey);
      for (const type of events) {
        if (!handles(machine, fromSnap, type)) continue;
        const [next] = transition(machine, fromSnap, { type });
        const toKey = stateKey(next.value);
        row.set(type, { allowed: true, to: next.value, toKey });
        if (!snaps.has(toKey)) {
          snaps.set(toKey, next);
          pending.push(toKey);
        }
      }
    }
    for (const type of events) {
      if (row.has(type)) continue;
      const to = forcedValue(fromSnap.value, type);
      const toKey = stateKey(to);
      row.set(type, { allowed: false, to, toKey });
      if (!snaps.has(toKey)) {
        snaps.set(toKey, machine.resolveState({ value: to, context: undefined }) as Snapshot);
        pending.push(toKey);
      }
    }
  }

  // Steps by event, then by the state they start from: the engine holds an event's column, so its step is
  // one look-up by state.
  const columns = new Map<string, Map<string, Step>>();
  for (const [fromKey, row] of drafts) {
    const from = snaps.get(fromKey)!.value;
    for (const [type, d] of row) {
      const step = { ...d, regions: stamped(from, type, d.to) };
      let column = columns.get(type);
      if (column === undefined) {
        column = new Map();
        columns.set(type, column);
      }
      column.set(fromKey, step);
    }
  }

  const states = new Map<string, StateValue>();
  for (const [k, s] of snaps) states.set(k, freezeState(s.value));
  // Frozen only now: XState reads these snapshots while the table is explored.
  for (const column of columns.values()) for (const step of column.values()) freezeState(step.to);
  return {
    machine,
    initial: freezeState(initialSnap.value),
    initialKey: stateKey(initialSnap.value),
    flat: machine.root.type !== 'parallel',
    events,
    states,
    finals,
    step: (key, event) => columns.get(event)?.get(key),
    column: (event) => columns.get(event),
    keyOf: stateKey,
    regionsSet: (event) => regionsSet.get(event) ?? NO_REGIONS,
    changedRegions,
    withRegions(value, source, regions) {
      if (regions.length === 0) return value;
      if (typeof value !== 'object' || typeof source !== 'object')
        return regions.includes('') ? source : value;
      const next = { ...value } as Record<string, StateValue>;
      for (const region of regions) next[region] = (source as Record<string, StateValue>)[region]!;
      return freezeState(next);
    },
  };
}

const cache = new WeakMap<AnyStateMachine, Map<string, TransitionTable>>();

/** {@link deriveTable}, memoized per machine object and event list. */
export function tableFor(machine: AnyStateMachine, events: ReadonlyArray<string>): TransitionTable {
  const sig = [...events].sort().join('\n');
  let byEvents = cache.get(machine);
  if (!byEvents) {
    byEvents = new Map();
    cache.set(machine, byEvents);
  }
  let table = byEvents.get(sig);
  if (!table) {
    table = deriveTable(machine, events);
    byEvents.set(sig, table);
  }
  return table;
}
