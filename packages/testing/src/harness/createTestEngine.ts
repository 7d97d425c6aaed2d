import type {
  ActionDefinition,
  ActionJob,
  Catalog,
  Engine,
  EngineEventName,
  EngineEvents,
  EngineOptions,
  IngestResult,
  LoadConfigOptions,
  LogLine,
  PolicyflowConfig,
  ReconcilePolicy,
  ResourceView,
  RuleSpec,
  Store,
  TransitionNotice,
  ViolationNotice,
} from '@policyflow/core';
import { createEngine, createMemoryStore, kota, loadConfig, ten99policy } from '@policyflow/core';
import type { StateValue } from 'xstate';
import { createSimulatedClock, type SimulatedClock } from '../clock.js';
import type { Duration } from '../duration.js';
import { type Matcher, matches } from './match.js';

/** Options of {@link createTestEngine}. */
export interface TestEngineOptions {
  /** Default: the built-in `kota()` and `ten99policy()` catalogs. */
  readonly providers?: ReadonlyArray<Catalog>;
  /** Start of the simulated clock. Default `2025-01-01T00:00:00Z`. */
  readonly start?: number | Date | string;
  /** Bring your own simulated clock (to share it with other parts of a test). */
  readonly clock?: SimulatedClock;
  /** Default: a fresh memory store. */
  readonly store?: Store;
  readonly reconcile?: ReconcilePolicy;
  /** Rules in the config file's shape (docs/rules.md), added after the config's. */
  readonly rules?: ReadonlyArray<RuleSpec>;
  /** Custom action types; every call of their handlers is recorded (see `calls`). */
  readonly actions?: Readonly<Record<string, ActionDefinition>>;
  /**
   * A config: a file path (`.yaml`/`.json`), a parsed object, or a loaded config. A file is loaded with
   * `loadConfig`, `${NAME}` and all; an object is checked the same way but taken as it is, since a loaded config
   * has been interpolated already (its `${` are text by now). Call `loadConfig` yourself to interpolate an object.
   */
  readonly config?: string | object;
  /** Variables for `${NAME}` in a config file. Default: none (tests should not read the real environment). */
  readonly env?: LoadConfigOptions['env'];
  /** Lines the `log` action writes go here too (they are always recorded; see `logs`). */
  readonly logSink?: (line: LogLine) => void;
  /** Any other engine option. */
  readonly engine?: Partial<EngineOptions>;
}

/**
 * Something `deliver` accepts: a body (an object, JSON text or its UTF-8 bytes), or anything carrying one
 * (fixtures, generated events, schedules).
 */
export type Deliverable =
  | { readonly provider: string; readonly body: unknown; readonly source?: string }
  | { readonly event: { readonly provider: string; readonly body: unknown }; readonly source: string }
  | Readonly<Record<string, unknown>>
  | string
  | Uint8Array;

/** One call of a custom action's handler. */
export interface RecordedCall {
  readonly type: string;
  readonly params: unknown;
  readonly job: ActionJob;
  readonly attempt: number;
  readonly at: number;
}

/** One bus event as the test engine recorded it. */
export interface RecordedEvent {
  readonly name: EngineEventName;
  readonly payload: unknown;
  readonly at: number;
}

/** The engine under test plus the tools to drive and inspect it. */
export interface TestEngine {
  readonly engine: Engine;
  readonly clock: SimulatedClock;
  readonly store: Store;
  /** Every bus event, in order. */
  readonly recorded: ReadonlyArray<RecordedEvent>;
  /** Ingests deliveries one after another (in the order given) and returns their results. */
  deliver(...items: Deliverable[]): Promise<IngestResult[]>;
  resource(key: string): Promise<ResourceView | undefined>;
  /** The resource's state, or undefined when it does not exist. */
  state(key: string): Promise<StateValue | undefined>;
  /** Jobs fired (`action.fired`), optionally only those matching. */
  actions(matcher?: Matcher<ActionJob>): ActionJob[];
  /** Jobs that ran successfully. */
  succeeded(matcher?: Matcher<ActionJob>): ActionJob[];
  /** Jobs cancelled (e.g. a delayed reminder whose resource moved on). */
  cancelled(matcher?: Matcher<ActionJob>): ActionJob[];
  /** Jobs that failed an attempt, or went dead. */
  failed(matcher?: Matcher<ActionJob>): ActionJob[];
  /** Calls of the custom action handlers passed in `actions`. */
  calls(matcher?: Matcher<RecordedCall>): RecordedCall[];
  /** Lines written by the `log` action. */
  logs(matcher?: Matcher<LogLine>): LogLine[];
  transitions(matcher?: Matcher<TransitionNotice>): TransitionNotice[];
  violations(matcher?: Matcher<ViolationNotice>): ViolationNotice[];
  /** Waits until no ingest is in flight and every due action has run. */
  drain(): Promise<void>;
  /**
   * Moves the simulated clock on timer by timer: time moves to the next timer's due time, the timer fires,
   * and the engine is drained (see `drain`) before the next timer fires, so the work a timer starts (an action
   * run, its real I/O, the retry it schedules) sees `now()` equal to that timer's due time. The engine is
   * drained before the first timer too, and again at the end, with `now()` at the target. Work the engine does
   * not track (a handler's fire-and-forget promise) is not waited for.
   */
  advance(by: Duration): Promise<void>;
  close(): Promise<void>;
}

const RECORDED: ReadonlyArray<EngineEventName> = [
  'transition',
  'violation',
  'duplicate',
  'stale',
  'unhandled',
  'invalid',
  'action.fired',
  'action.succeeded',
  'action.failed',
  'action.dead',
  'action.cancelled',
  'action.emit',
  'gap',
  'warning',
  'listener.error',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function unwrap(item: Deliverable): { provider: string | undefined; body: unknown; source: string } {
  const r: Record<string, unknown> | undefined = isRecord(item) ? item : undefined;
  const event = r?.event;
  if (isRecord(event) && 'body' in event && typeof r?.source === 'string') {
    return { provider: String(event.provider), body: event.body, source: r.source };
  }
  if (r !== undefined && 'body' in r && typeof r.provider === 'string') {
    return {
      provider: r.provider,
      body: r.body,
      source: typeof r.source === 'string' ? r.source : 'webhook',
    };
  }
  return { provider: undefined, body: item, source: 'webhook' };
}

const utf8 = new TextDecoder();

function typeOf(body: unknown): string | undefined {
  // Decoded as the engine decodes a byte payload, so both read the same type.
  if (body instanceof Uint8Array) return typeOf(utf8.decode(body));
  if (typeof body === 'string') {
    try {
      return typeOf(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return isRecord(body) && typeof body.type === 'string' ? body.type : undefined;
}

function recordCalls(
  actions: Readonly<Record<string, ActionDefinition>>,
  calls: RecordedCall[],
  now: () => number,
): Record<string, ActionDefinition> {
  const out: Record<string, ActionDefinition> = {};
  for (const [type, def] of Object.entries(actions)) {
    out[type] = {
      ...def,
      handler: (params, context) => {
        calls.push({ type, params, job: context.job, attempt: context.attempt, at: now() });
        return def.handler(params, context);
      },
    };
  }
  return out;
}

// loadConfig always interpolates. Escaping every `${` as `$${` makes that pass give each string back
// unchanged, so an object gets loadConfig's checks and defaults without its text being read a second time.
function escapeInterpolation(value: unknown): unknown {
  // A function, because `$$` in a replacement string means one `$`.
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeInterpolation);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines keys, as loadConfig does: an own `__proto__` key stays a key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeInterpolation(v)]));
  }
  return value;
}

function loadTestConfig(
  options: TestEngineOptions,
  actions: Readonly<Record<string, ActionDefinition>>,
): PolicyflowConfig | undefined {
  const { config } = options;
  if (config === undefined) return undefined;
  const loadOptions = { env: options.env ?? {}, actions };
  if (typeof config === 'string') return loadConfig(config, loadOptions);
  return loadConfig(escapeInterpolation(config) as object, loadOptions);
}

/**
 * An engine for tests: memory store, simulated clock, every bus event recorded, and helpers to deliver
 * events and find the actions they fired.
 *
 * @example
 * ```ts
 * const t = createTestEngine({ config: 'policyflow.config.yaml' });
 * await t.deliver(...loadFixtures('kota-v1'));
 * expect(t.actions({ rule: 'quote-needs-action' })).toHaveLength(1);
 * await t.advance('2d');
 * expect(t.cancelled({ type: 'log' })).toHaveLength(1); // the quote moved on before the reminder was due
 * ```
 */
export function createTestEngine(options: TestEngineOptions = {}): TestEngine {
  const clock =
    options.clock ?? createSimulatedClock(options.start === undefined ? {} : { start: options.start });
  const store = options.store ?? createMemoryStore();
  const providers = options.providers ?? [kota(), ten99policy()];
  const calls: RecordedCall[] = [];
  const logs: LogLine[] = [];
  const actions = recordCalls(options.actions ?? {}, calls, () => clock.now());
  const config = loadTestConfig(options, actions);
  const engine = createEngine({
    ...options.engine,
    providers,
    store,
    clock,
    actions,
    logSink: (line: LogLine) => {
      logs.push(line);
      options.logSink?.(line);
    },
    ...(options.reconcile === undefined ? {} : { reconcile: options.reconcile }),
    ...(options.rules === undefined ? {} : { rules: options.rules }),
    ...(config === undefined ? {} : { config }),
  });
  const recorded: RecordedEvent[] = [];
  for (const name of RECORDED) {
    engine.on(name, (...args: EngineEvents[typeof name]) => {
      recorded.push({ name, payload: args[0], at: clock.now() });
    });
  }
  const payloads = <T>(names: ReadonlyArray<EngineEventName>): T[] =>
    recorded.filter((r) => names.includes(r.name)).map((r) => r.payload as T);
  const jobs = (
    names: ReadonlyArray<EngineEventName>,
    matcher: Matcher<ActionJob> | undefined,
  ): ActionJob[] =>
    payloads<{ job: ActionJob }>(names)
      .map((n) => n.job)
      .filter((j) => matcher === undefined || matches(j, matcher));

  function providerFor(body: unknown): string {
    if (providers.length === 1) return providers[0]!.provider;
    const type = typeOf(body);
    const owners = providers.filter((c) => type !== undefined && c.events.has(type));
    if (owners.length === 1) return owners[0]!.provider;
    throw new TypeError(
      `cannot tell which provider sent a '${type ?? '?'}' event; deliver { provider, body } instead`,
    );
  }

  // The engine is idle between two timers. When an attempt ends, the runner arms the timer of what comes due
  // next (a retry) in a round of its own, which it may start a turn after `drain` has resolved: a second drain,
  // a turn later, waits for that round, so the timer is set before the clock looks for the next one.
  async function idle(): Promise<void> {
    await engine.drain();
    await new Promise((resolve) => setImmediate(resolve));
    await engine.drain();
  }

  return {
    engine,
    clock,
    store,
    recorded,
    async deliver(...items) {
      const results: IngestResult[] = [];
      for (const item of items) {
        const { provider, body, source } = unwrap(item);
        results.push(await engine.ingest(body, { provider: provider ?? providerFor(body), source }));
      }
      return results;
    },
    resource: (key) => engine.getResource(key),
    state: async (key) => (await engine.getResource(key))?.state,
    actions: (m) => jobs(['action.fired'], m),
    succeeded: (m) => jobs(['action.succeeded'], m),
    cancelled: (m) => jobs(['action.cancelled'], m),
    failed: (m) => jobs(['action.failed', 'action.dead'], m),
    calls: (m) => calls.filter((c) => m === undefined || matches(c, m)),
    logs: (m) => logs.filter((l) => m === undefined || matches(l, m)),
    transitions: (m) =>
      payloads<TransitionNotice>(['transition']).filter((t) => m === undefined || matches(t, m)),
    violations: (m) =>
      payloads<ViolationNotice>(['violation']).filter((v) => m === undefined || matches(v, m)),
    drain: () => engine.drain(),
    async advance(by) {
      await clock.advance(by, { idle });
      await engine.drain();
    },
    close: () => engine.close(),
  };
}
