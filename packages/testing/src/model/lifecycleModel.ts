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
  current: { state: StateValue; occurredAt: number; lastEventId: string } | undefined;
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

/** What the plain model predicts for one delivery; XState's own `transition` decides what is allowed. */
function predict(
  lc: ResolvedLifecycle,
  reconcile: Engine['reconcile'],
  m: LifecycleModelState,
  e: HistoryEvent,
): { status: IngestStatus; to: StateValue | undefined } {
  if (m.seen.has(e.eventId)) return { status: 'duplicate', to: undefined };
  if (m.current !== undefined && e.occurredAt < m.current.occurredAt)
    return { status: 'stale', to: m.current.state };
  const from = m.current?.state ?? lc.table.initial;
  const machine: AnyStateMachine = lc.machine;
  const snap = machine.resolveState({ value: from, context: undefined });
  if (handles(machine, snap, e.machineEvent)) {
    return { status: 'applied', to: transition(machine, snap, { type: e.machineEvent })[0].value };
  }
  if (reconcile === 'strict') return { status: 'rejected', to: from };
  return { status: 'forced', to: lc.table.step(stateKey(from), e.machineEvent)?.to ?? from };
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
    if (expected.status === 'applied' || expected.status === 'forced') {
      m.current = { state: expected.to!, occurredAt: this.event.occurredAt, lastEventId: this.event.eventId };
    }
    const snap = await r.engine.getResource(this.event.key);
    const seen = snap && { state: snap.state, occurredAt: snap.occurredAt, lastEventId: snap.lastEventId };
    expectEqual(`resource after ${this}`, seen, m.current);
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
