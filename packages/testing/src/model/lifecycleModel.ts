import type { Catalog, Engine, IngestStatus } from '@policyflow/core';
import { createEngine, stateKey } from '@policyflow/core';
import fc from 'fast-check';
import { type AnyStateMachine, type StateValue, transition } from 'xstate';
import type {
  HistoryEvent,
  LifecycleHistory,
  LifecycleHistoryConstraints,
} from '../arbitraries/lifecycleHistory.js';
import { lifecycleHistory } from '../arbitraries/lifecycleHistory.js';
import { createSimulatedClock, type SimulatedClock } from '../clock.js';
import { handles, type ResolvedLifecycle, resolveLifecycle } from '../internal/lifecycle.js';

/** The plain model: what the engine should know about the one resource of the history. */
export interface LifecycleModelState {
  readonly seen: Set<string>;
  current: ModelResource | undefined;
}

/** The model's view of the resource: state, newest event, and when each state region was last set. */
export interface ModelResource {
  state: StateValue;
  occurredAt: number;
  lastEventId: string;
  stateAt: Record<string, number>;
}

/** What the commands drive. */
export interface LifecycleReal {
  readonly engine: Engine;
  readonly clock: SimulatedClock;
}

/** One generated run: a history and commands over it. */
export interface LifecycleScenario {
  readonly history: LifecycleHistory;
  readonly commands: Iterable<fc.AsyncCommand<LifecycleModelState, LifecycleReal>>;
  /** Runs the commands with `fc.asyncModelRun` on a fresh engine; throws on the first disagreement. */
  run(): Promise<void>;
}

/** Options of {@link lifecycleModel}. */
export interface LifecycleModelConstraints {
  readonly history?: LifecycleHistoryConstraints;
  /** Default 30. */
  readonly maxCommands?: number;
  /** Builds the engine under test. Default: `createEngine({ providers: [catalog], clock })`. */
  readonly engine?: (ctx: { readonly catalog: Catalog; readonly clock: SimulatedClock }) => Engine;
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(
      `${what}: engine has ${JSON.stringify(actual)}, model expects ${JSON.stringify(expected)}`,
    );
  }
}

type Prediction = {
  status: IngestStatus;
  to: StateValue | undefined;
  /** The resource afterwards, when it changes. */
  next?: ModelResource;
};

/**
 * What the plain model predicts for one delivery. XState's own `transition` decides what is allowed; the
 * regions an event sets come from the derived table (proven equal to XState by the table oracle). An event
 * older than the newest is late: it moves only the regions it is newer for, and is stale when it moves none.
 */
function predict(
  lc: ResolvedLifecycle,
  reconcile: Engine['reconcile'],
  m: LifecycleModelState,
  e: HistoryEvent,
): Prediction {
  if (m.seen.has(e.eventId)) return { status: 'duplicate', to: undefined };
  const cur = m.current;
  const from = cur?.state ?? lc.table.initial;
  const machine: AnyStateMachine = lc.machine;
  const snap = machine.resolveState({ value: from, context: undefined });
  const allowed = handles(machine, snap, e.machineEvent);
  if (!allowed && reconcile === 'strict') {
    return cur !== undefined && e.occurredAt < cur.occurredAt
      ? { status: 'stale', to: from }
      : { status: 'rejected', to: from };
  }
  const target = allowed
    ? transition(machine, snap, { type: e.machineEvent })[0].value
    : (lc.table.step(stateKey(from), e.machineEvent)?.to ?? from);
  const status: IngestStatus = allowed ? 'applied' : 'forced';
  if (cur !== undefined && e.occurredAt < cur.occurredAt) {
    const regions = lc.table
      .regionsSet(e.machineEvent)
      .filter((r) => e.occurredAt > (cur.stateAt[r] ?? -Infinity));
    const to = lc.table.withRegions(from, target, regions);
    if (regions.length === 0 || stateKey(to) === stateKey(from)) return { status: 'stale', to: from };
    return { status, to, next: { ...cur, state: to, stateAt: stamp(cur.stateAt, regions, e.occurredAt) } };
  }
  const regions = [
    ...new Set([...lc.table.regionsSet(e.machineEvent), ...lc.table.changedRegions(from, target)]),
  ];
  return {
    status,
    to: target,
    next: {
      state: target,
      occurredAt: e.occurredAt,
      lastEventId: e.eventId,
      stateAt: stamp(cur?.stateAt ?? {}, regions, e.occurredAt),
    },
  };
}

function stamp(
  stateAt: Record<string, number>,
  regions: ReadonlyArray<string>,
  at: number,
): Record<string, number> {
  const next = { ...stateAt };
  for (const r of regions) next[r] = at;
  return next;
}

class DeliverCommand implements fc.AsyncCommand<LifecycleModelState, LifecycleReal> {
  constructor(
    private readonly lc: ResolvedLifecycle,
    private readonly event: HistoryEvent,
    private readonly source: 'webhook' | 'poll',
  ) {}
  check = (): boolean => true;
  async run(m: LifecycleModelState, r: LifecycleReal): Promise<void> {
    const expected = predict(this.lc, r.engine.reconcile, m, this.event);
    const result = await r.engine.ingest(this.event.body, {
      provider: this.event.provider,
      source: this.source,
    });
    expectEqual(`status of ${this}`, result.status, expected.status);
    m.seen.add(this.event.eventId);
    if (expected.next !== undefined) m.current = expected.next;
    const snap = await r.engine.getResource(this.event.key);
    const seen = snap && { state: snap.state, occurredAt: snap.occurredAt, lastEventId: snap.lastEventId };
    const want = m.current && {
      state: m.current.state,
      occurredAt: m.current.occurredAt,
      lastEventId: m.current.lastEventId,
    };
    expectEqual(`resource after ${this}`, seen, want);
  }
  toString = (): string => `deliver#${this.event.index}(${this.event.type}@${this.source})`;
}

class InvalidCommand implements fc.AsyncCommand<LifecycleModelState, LifecycleReal> {
  constructor(
    private readonly provider: string,
    private readonly payload: unknown,
  ) {}
  check = (): boolean => true;
  async run(_m: LifecycleModelState, r: LifecycleReal): Promise<void> {
    const before = await r.engine.store.listResources();
    const result = await r.engine.ingest(this.payload, { provider: this.provider, source: 'webhook' });
    if (result.status !== 'invalid' && result.status !== 'unhandled') {
      throw new Error(`junk ${JSON.stringify(this.payload)} was ${result.status}`);
    }
    expectEqual('resources after junk', await r.engine.store.listResources(), before);
  }
  toString = (): string => `junk(${JSON.stringify(this.payload)})`;
}

class AdvanceCommand implements fc.AsyncCommand<LifecycleModelState, LifecycleReal> {
  constructor(private readonly ms: number) {}
  check = (): boolean => true;
  async run(_m: LifecycleModelState, r: LifecycleReal): Promise<void> {
    await r.clock.advance(this.ms);
  }
  toString = (): string => `advance(${this.ms}ms)`;
}

/**
 * Model-based test of one lifecycle: generates a valid history, then `fc.commands` that deliver its events
 * (in any order, any number of times, by webhook or poll), send junk and move the clock, and checks after every
 * step that the engine's result and stored resource match a plain model built on XState's `transition`.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(lifecycleModel(catalog, 'employer_quote'), (s) => s.run()));
 * ```
 */
export function lifecycleModel(
  catalog: Catalog,
  lifecycle: string,
  constraints: LifecycleModelConstraints = {},
): fc.Arbitrary<LifecycleScenario> {
  const lc = resolveLifecycle(catalog, lifecycle);
  const makeEngine =
    constraints.engine ??
    (({ clock }: { clock: SimulatedClock }) => createEngine({ providers: [catalog], clock }));
  const junk = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constant({ type: 'x', created: 'not a time', data: {} }),
  );
  return lifecycleHistory(catalog, lifecycle, { minLength: 1, ...constraints.history }).chain((history) =>
    fc
      .commands(
        [
          fc
            .tuple(fc.constantFrom(...history.events), fc.constantFrom<'webhook' | 'poll'>('webhook', 'poll'))
            .map(([e, source]) => new DeliverCommand(lc, e, source)),
          junk.map((j) => new InvalidCommand(catalog.provider, j)),
          fc.integer({ min: 1, max: 3 * 86_400_000 }).map((ms) => new AdvanceCommand(ms)),
        ],
        { maxCommands: constraints.maxCommands ?? 30 },
      )
      .map((commands) => ({
        history,
        commands,
        async run() {
          const clock = createSimulatedClock({ start: history.events[0]?.occurredAt ?? 0 });
          const engine = makeEngine({ catalog, clock });
          try {
            await fc.asyncModelRun(
              () => ({ model: { seen: new Set<string>(), current: undefined }, real: { engine, clock } }),
              commands,
            );
          } finally {
            await engine.close();
          }
        },
      })),
  );
}
