import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { StateValue } from 'xstate';
import type { EngineEventName, EngineEvents } from './bus.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { type Clock, systemClock } from './clock.js';
import { type ErrorInfo, PolicyflowError } from './errors.js';
import type { EventSource, PolicyEvent } from './event.js';
import { cloneOrCopy } from './internal/clone.js';
import { type Decision, decide } from './internal/decide.js';
import { standardData } from './internal/envelope.js';
import { KeyedQueue } from './internal/keyedQueue.js';
import { nulError } from './internal/nul.js';
import { syncFaceOf } from './internal/syncFace.js';
import { type Step, type TransitionTable, tableFor } from './internal/table.js';
import { normalizeEvent } from './normalize.js';
import { attachRules, type RulesEngineApi, type RulesEngineOptions } from './rules/attach.js';
import type {
  ActionJob,
  AuditEntry,
  CommitOutcome,
  HistoryEntry,
  IngestStatus,
  IngestWrite,
  LedgerEntry,
  ResourceSnapshot,
  Store,
  SyncStoreOps,
} from './store.js';
import { StoredSnapshot } from './stores/memory/resources.js';
import { createMemoryStore } from './stores/memory.js';

/** How `ingest` treats an event the machine does not allow from the current state. */
export type ReconcilePolicy = 'force' | 'strict';

/** Options of {@link createEngine}. */
export interface EngineOptions extends RulesEngineOptions {
  /** Provider catalogs: `kota()`, `ten99policy()`, or your own from `defineCatalog`. */
  readonly providers: ReadonlyArray<Catalog>;
  /** Defaults to a fresh `createMemoryStore()`. */
  readonly store?: Store;
  /** `force` (default): the provider is the source of truth; `strict`: disallowed events are rejected. */
  readonly reconcile?: ReconcilePolicy;
  readonly clock?: Clock;
  /** History lines `getResource` returns. Default 20. */
  readonly historyLimit?: number;
  /** Ingests in flight before `ingest` throws `engine_overloaded`. Default 10 000. */
  readonly maxInFlight?: number;
}

/** Options of one `ingest` call. */
export interface IngestOptions {
  readonly provider: string;
  readonly source?: EventSource;
  /** When the delivery was received (epoch ms); defaults to the clock's now. */
  readonly receivedAt?: number;
  /**
   * The payload already parsed, when the caller had to parse it anyway (the webhook receiver does, to
   * answer 400 itself). `payload` is then the raw text, kept as it is in an invalid event's record.
   */
  readonly parsed?: unknown;
}

/** A reference to an action an ingest fired. */
export interface FiredAction {
  readonly rule: string;
  readonly type: string;
  readonly idempotencyKey: string;
  readonly runAt: number;
}

/**
 * What `ingest` made of one delivery.
 *
 * @example
 * ```ts
 * const r = await engine.ingest(body, { provider: 'kota', source: 'webhook' });
 * if (r.status === 'invalid') console.error(r.error?.code, r.error?.path);
 * ```
 */
export interface IngestResult {
  readonly status: IngestStatus;
  readonly provider: string;
  readonly eventId: string | undefined;
  readonly type: string | undefined;
  readonly key: string | undefined;
  readonly from: StateValue | undefined;
  readonly to: StateValue | undefined;
  readonly actions: ReadonlyArray<FiredAction>;
  readonly error: ErrorInfo | undefined;
  readonly event: PolicyEvent | undefined;
}

/** A resource as `getResource` returns it: its snapshot and its latest history. */
export interface ResourceView extends ResourceSnapshot {
  readonly history: ReadonlyArray<HistoryEntry>;
}

/** What the rules runtime contributes to one ingest (jobs and audit lines committed with it). */
export interface Reaction {
  readonly jobs: ReadonlyArray<ActionJob>;
  readonly audit: ReadonlyArray<AuditEntry>;
}

/** The input a rules runtime sees for one ingest. */
export interface ReactionInput {
  readonly event: PolicyEvent;
  readonly status: IngestStatus;
  /** The resource after the event (for an event that changed nothing, as it was). */
  readonly resource: ResourceSnapshot | undefined;
  /**
   * The resource before the event, built when called (as a method: `input.previous()`): a store may keep a
   * context as text until it is read, and most reactors never need the one before.
   */
  previous(): ResourceSnapshot | undefined;
  readonly transition:
    | { readonly from: StateValue | undefined; readonly to: StateValue; readonly forced: boolean }
    | undefined;
  readonly now: number;
  /**
   * The event's provider, the rules' `provider` fact. The engine always sets it; a host that calls a
   * reactor itself may leave it out.
   */
  readonly provider?: string;
}

/**
 * A reactor turns an ingest into side-effect jobs. The rules runtime is one; the engine calls it before the
 * commit so the jobs are written in the same unit as the snapshot, and calls `committed` after.
 */
export interface Reactor {
  /** True when `react` can only answer with nothing (no rules loaded): the engine then does not call it. */
  readonly idle?: boolean;
  react(input: ReactionInput): Reaction | Promise<Reaction>;
  committed?(reaction: Reaction): void;
  drain?(): Promise<void>;
  close?(): Promise<void>;
}

/** The engine: what `createEngine` returns (docs/concepts.md explains ingest, statuses and the bus). */
export interface Engine extends RulesEngineApi {
  readonly store: Store;
  readonly clock: Clock;
  readonly reconcile: ReconcilePolicy;
  /**
   * Ingests one delivery: JSON text or bytes, or a value already parsed. A parsed value is used as it is (an
   * in-memory store keeps its `data` as the resource's), so do not change it afterwards.
   */
  ingest(payload: unknown, options: IngestOptions): Promise<IngestResult>;
  getResource(key: string): Promise<ResourceView | undefined>;
  catalog(provider: string): Catalog | undefined;
  /** The transition table derived from a lifecycle's machine. */
  table(provider: string, lifecycle: string): TransitionTable | undefined;
  /** Installs the reactor (the rules runtime). One at a time. */
  useReactor(reactor: Reactor): void;
  on<E extends EngineEventName>(event: E, listener: (...args: EngineEvents[E]) => void): () => void;
  once<E extends EngineEventName>(event: E, listener: (...args: EngineEvents[E]) => void): () => void;
  /**
   * Emits on the bus. A listener that throws is reported as `listener.error`, never to the caller, and the
   * event's other listeners still run.
   */
  emit<E extends EngineEventName>(event: E, ...args: EngineEvents[E]): void;
  /** Resolves when no ingest is in flight and the reactor has drained its queued work. */
  drain(): Promise<void>;
  /**
   * Drains, then closes the rules runtime and the store, which it does even when the drain fails (close then
   * rejects with the drain's error). Every call returns the same promise.
   */
  close(): Promise<void>;
}

const NO_ACTIONS: ReadonlyArray<FiredAction> = Object.freeze([]);

/**
 * A catalog entry as the engine's own copy of its catalog holds it: with its lifecycle's table and the table's
 * column for its event, so that an ingest reaches both from the entry it looked up by type, without a look-up
 * of its own.
 */
interface PlannedEntry extends CatalogEntry {
  readonly table: TransitionTable;
  readonly column: ReadonlyMap<string, Step> | undefined;
}

/** One event on its way to its resource: what every step of an apply needs. */
interface Delivery {
  readonly event: PolicyEvent;
  readonly key: string;
  /** Its catalog entry, which holds its machine event, table and column. */
  readonly entry: PlannedEntry;
  readonly source: EventSource;
  readonly receivedAt: number;
  /** The delivery's JSON text when the engine parsed it and the event's data is its standard data. */
  readonly text: string | undefined;
  /** Set when the apply bypassed the queue: it must hold its key in the queue before it first waits. */
  readonly direct: boolean;
  /** Releases the key held in the queue; set once the key is held. */
  release: (() => void) | undefined;
  /** The clock as read when the ingest began, for a first attempt that ran before any time could pass. */
  readAt: number | undefined;
  /** The current attempt: which one (a conflict retries), the resource as read, and what it decided. */
  attempt: number;
  previous: ResourceSnapshot | undefined;
  decision: Decision | undefined;
}

const NO_REACTION: Reaction = Object.freeze({ jobs: [], audit: [] });

/** A snapshot every field of which is its own: what may leave the engine (a spread copies own fields only). */
/** A copy of `s` whose context and stamps are its own: a listener may change it. */
function detachedOf(s: ResourceSnapshot): ResourceSnapshot {
  if (s instanceof StoredSnapshot) return s.plain(true);
  return { ...s, context: cloneOrCopy(s.context), ...(s.stateAt ? { stateAt: { ...s.stateAt } } : {}) };
}

function plainOf<S extends ResourceSnapshot | undefined>(s: S): S {
  return (s instanceof StoredSnapshot ? s.plain() : s) as S;
}

/**
 * The {@link ReactionInput} the engine makes for each ingest a reactor sees. Its fields are the rules' facts
 * as well, so the rules runtime reads them here rather than copying them into a record of its own, and
 * `previous` is a method rather than a closure made for every ingest.
 */
class Reacting implements ReactionInput {
  readonly provider: string;
  readonly #before: ResourceSnapshot | undefined;

  constructor(
    readonly event: PolicyEvent,
    readonly status: IngestStatus,
    readonly resource: ResourceSnapshot | undefined,
    before: ResourceSnapshot | undefined,
    readonly transition: ReactionInput['transition'],
    readonly now: number,
  ) {
    this.provider = event.provider;
    this.#before = before;
  }

  previous(): ResourceSnapshot | undefined {
    return plainOf(this.#before);
  }
}

function toText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return new TextDecoder().decode(payload);
  try {
    return JSON.stringify(payload) ?? String(payload);
  } catch {
    return String(payload);
  }
}

const decoder = new TextDecoder();

function notJson(e: unknown): ErrorInfo {
  return { code: 'invalid_json', message: `the body is not JSON: ${(e as Error).message}`, path: [] };
}

/**
 * Creates an engine.
 *
 * @example
 * ```ts
 * const engine = createEngine({ providers: [kota(), ten99policy()] });
 * const r = await engine.ingest(body, { provider: 'kota', source: 'webhook' });
 * console.log(r.status, r.key, r.from, '→', r.to); // applied kota/employer_quote/erhq_… pending_quote → action_required
 * ```
 */
export function createEngine(options: EngineOptions): Engine {
  const store = options.store ?? createMemoryStore();
  // Read once: a face that is not the store's own (a spread wrapper's copy) is never used.
  const syncFace = syncFaceOf(store);
  const clock = options.clock ?? systemClock;
  const reconcile = options.reconcile ?? 'force';
  const historyLimit = options.historyLimit ?? 20;
  const maxInFlight = options.maxInFlight ?? 10_000;
  const bus = new EventEmitter<EngineEvents>();
  const queue = new KeyedQueue();
  const catalogs = new Map<string, Catalog>();
  const tables = new Map<string, TransitionTable>();
  /** The catalogs as ingest reads them: the same, with each entry a {@link PlannedEntry}. */
  const planned = new Map<string, Catalog>();
  let reactor: Reactor | undefined;
  let inFlight = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];
  let invalidSeq = 0;
  // Records of invalid input are named by time, this engine and a count: engines in several processes share
  // one SQL store, and each one's count starts at 0 (two records of one millisecond had the same id there).
  const invalidPrefix = `_${randomBytes(6).toString('hex')}_`;

  for (const catalog of options.providers) {
    if (catalogs.has(catalog.provider)) {
      throw new PolicyflowError('catalog_conflict', `provider '${catalog.provider}' is registered twice`, {
        path: ['providers'],
      });
    }
    catalogs.set(catalog.provider, catalog);
    const byLifecycle = new Map<string, string[]>();
    for (const entry of catalog.events.values()) {
      const list = byLifecycle.get(entry.lifecycle) ?? [];
      list.push(entry.event);
      byLifecycle.set(entry.lifecycle, list);
    }
    for (const [name, spec] of catalog.lifecycles) {
      tables.set(`${catalog.provider}/${name}`, tableFor(spec.machine, byLifecycle.get(name) ?? []));
    }
    const events = new Map<string, PlannedEntry>();
    for (const [type, entry] of catalog.events) {
      const table = tables.get(`${catalog.provider}/${entry.lifecycle}`)!;
      events.set(type, { ...entry, table, column: table.column(entry.event) });
    }
    planned.set(catalog.provider, { ...catalog, events });
  }

  // Engines hold a provider or a few: comparing the names (mostly the very same strings) beats hashing them.
  const catalogList = [...planned.values()];
  function catalogOf(provider: string): Catalog | undefined {
    if (catalogList.length > 4) return planned.get(provider);
    for (let i = 0; i < catalogList.length; i++)
      if (catalogList[i]!.provider === provider) return catalogList[i];
    return undefined;
  }

  function emit<E extends EngineEventName>(event: E, ...args: EngineEvents[E]): void {
    if (bus.listenerCount(event) === 0) return;
    // bus.emit stops at the first listener that throws, so each is called here, in its own try: one bad
    // listener cannot keep the others from hearing the event. `this` is the bus, as bus.emit would make it.
    for (const listener of bus.listeners(event) as Array<(...a: unknown[]) => void>) {
      try {
        listener.apply(bus, args);
      } catch (error) {
        if (event !== 'listener.error') emit('listener.error', { event, error });
      }
    }
  }

  // Whether the events an ingest may emit have listeners, read again whenever one is added or removed: asking
  // the bus reads its table by a computed key, a generic property look-up on every ingest.
  const heard = { transition: false, violation: false, stale: false, fired: false, dead: false };
  function hearAgain(): void {
    heard.fired = bus.listenerCount('action.fired') > 0;
    heard.dead = bus.listenerCount('action.dead') > 0;
    heard.transition = bus.listenerCount('transition') > 0;
    heard.violation = bus.listenerCount('violation') > 0;
    heard.stale = bus.listenerCount('stale') > 0;
  }
  function subscribe(event: EngineEventName, listener: (...a: never[]) => void): () => void {
    bus.on(event, listener as never);
    hearAgain();
    return () => {
      bus.off(event, listener as never);
      hearAgain();
    };
  }

  /** The result of an ingest that got as far as an event. Positional: nearly every ingest ends here. */
  function result(
    status: IngestStatus,
    event: PolicyEvent,
    from: StateValue | undefined = undefined,
    to: StateValue | undefined = undefined,
    actions: ReadonlyArray<FiredAction> = NO_ACTIONS,
  ): IngestResult {
    return {
      status,
      provider: event.provider,
      eventId: event.id,
      type: event.type,
      key: event.resource?.key,
      from,
      to,
      actions,
      error: undefined,
      event,
    };
  }

  async function recordInvalid(
    provider: string,
    source: EventSource,
    receivedAt: number,
    payload: unknown,
    error: ErrorInfo,
    eventId: string | undefined,
    type: string | undefined,
  ): Promise<IngestResult> {
    invalidSeq += 1;
    const recordId = `inv_${receivedAt.toString(36)}${invalidPrefix}${invalidSeq.toString(36)}`;
    await store.recordInvalid({ id: recordId, provider, source, receivedAt, error, body: toText(payload) });
    emit('invalid', { provider, source, error, recordId });
    return {
      status: 'invalid',
      provider,
      eventId,
      type,
      key: undefined,
      from: undefined,
      to: undefined,
      actions: NO_ACTIONS,
      error,
      event: undefined,
    };
  }

  async function react(input: ReactionInput): Promise<Reaction> {
    return reactor === undefined || reactor.idle === true ? NO_REACTION : await reactor.react(input);
  }

  function fired(reaction: Reaction): ReadonlyArray<FiredAction> {
    if (reaction.jobs.length === 0) return NO_ACTIONS;
    return reaction.jobs.map((j) => ({ rule: j.rule, type: j.type, idempotencyKey: j.id, runAt: j.runAt }));
  }

  function ledgerOf(
    event: PolicyEvent,
    status: IngestStatus,
    source: EventSource,
    receivedAt: number,
  ): LedgerEntry {
    return {
      eventId: event.id,
      provider: event.provider,
      type: event.type,
      key: event.resource?.key,
      status,
      occurredAt: event.occurredAt,
      receivedAt,
      source,
    };
  }

  function storeFailure(eventId: string, cause: unknown): PolicyflowError {
    const message = `the ${store.kind} store failed to commit ${eventId}`;
    return new PolicyflowError('store_failure', message, { cause });
  }

  function committed(outcome: CommitOutcome, reaction: Reaction): CommitOutcome {
    if (outcome === 'committed' && reaction.jobs.length > 0) {
      reactor?.committed?.(reaction);
      if (heard.fired) for (const job of reaction.jobs) emit('action.fired', { job });
      // A job dead from the start (its templates did not render) never reaches the runner, which reports the
      // others' ends: its dead letter is reported here, after its firing.
      if (heard.dead)
        for (const job of reaction.jobs)
          if (job.status === 'dead')
            emit('action.dead', job.lastError ? { job, error: job.lastError } : { job });
    }
    return outcome;
  }

  async function commitAsync(write: IngestWrite, reaction: Reaction): Promise<CommitOutcome> {
    let outcome: CommitOutcome;
    try {
      outcome = await store.commit(write);
    } catch (cause) {
      throw storeFailure(write.ledger.eventId, cause);
    }
    return committed(outcome, reaction);
  }

  /** Commits through the store's sync face when it has one (no await on the hot path), else awaits. */
  function commit(write: IngestWrite, reaction: Reaction): CommitOutcome | Promise<CommitOutcome> {
    if (syncFace === undefined) return commitAsync(write, reaction);
    try {
      return committed(syncFace.commit(write), reaction);
    } catch (cause) {
      throw storeFailure(write.ledger.eventId, cause);
    }
  }

  /** `commit` through the sync face's `commitEvent`, which takes the write's parts rather than objects. */
  function commitEventTo(
    sync: SyncStoreOps,
    d: Delivery,
    reaction: Reaction,
    now: number,
    expectedVersion: number | undefined,
    contextText: string | undefined,
  ): CommitOutcome {
    const { status, to, snapshot } = d.decision!;
    let outcome: CommitOutcome;
    try {
      outcome = sync.commitEvent!(
        d.event,
        status,
        d.source,
        d.receivedAt,
        d.previous?.state,
        to,
        now,
        snapshot,
        expectedVersion,
        contextText,
        reaction.jobs,
        reaction.audit,
      );
    } catch (cause) {
      throw storeFailure(d.event.id, cause);
    }
    return committed(outcome, reaction);
  }

  async function ingestUnhandled(
    event: PolicyEvent,
    source: EventSource,
    receivedAt: number,
  ): Promise<IngestResult> {
    if (await store.hasEvent(event.id)) return duplicate(event, source);
    const reaction = await react(
      new Reacting(event, 'unhandled', undefined, undefined, undefined, clock.now()),
    );
    const outcome = await commit(
      {
        ledger: ledgerOf(event, 'unhandled', source, receivedAt),
        audit: reaction.audit,
        jobs: reaction.jobs,
      },
      reaction,
    );
    if (outcome === 'duplicate') return duplicate(event, source);
    emit('unhandled', { event });
    return result('unhandled', event, undefined, undefined, fired(reaction));
  }

  function duplicate(event: PolicyEvent, source: EventSource): IngestResult {
    emit('duplicate', { eventId: event.id, provider: event.provider, source });
    return result('duplicate', event);
  }

  /**
   * Applies one event to its resource. `direct` is set when the call bypassed the queue (synchronous store,
   * idle queue): should the reactor need to await, the key is then held in the queue from that moment on, so
   * the resource's later events still wait their turn.
   */
  function apply(
    event: PolicyEvent,
    entry: PlannedEntry,
    source: EventSource,
    receivedAt: number,
    text: string | undefined,
    direct = false,
    readAt: number | undefined = undefined,
  ): IngestResult | Promise<IngestResult> {
    const delivery: Delivery = {
      event,
      key: event.resource!.key,
      entry,
      source,
      receivedAt,
      text,
      direct,
      release: undefined,
      readAt,
      attempt: 0,
      previous: undefined,
      decision: undefined,
    };
    const done = applyOnce(delivery);
    // No hold means it never yielded: with a synchronous store it has already finished.
    const release = delivery.release;
    return release === undefined ? done : Promise.resolve(done).finally(release);
  }

  /** One attempt: read the resource, decide, react, commit. Synchronous all through with a synchronous store. */
  function applyOnce(d: Delivery): IngestResult | Promise<IngestResult> {
    if (syncFace !== undefined) return applyTo(d, syncFace.getResource(d.key));
    return (async () => {
      // A synchronous store's commit rejects a duplicate before anything is emitted, so the look-up ahead
      // is only worth its cost when it saves a round trip to an async store.
      if (await store.hasEvent(d.event.id)) return duplicate(d.event, d.source);
      return applyTo(d, await store.getResource(d.key));
    })();
  }

  function applyTo(
    d: Delivery,
    previous: ResourceSnapshot | undefined,
  ): IngestResult | Promise<IngestResult> {
    const now = d.readAt ?? clock.now();
    d.readAt = undefined;
    const keys = previous === undefined ? undefined : syncFace?.contextKeys?.(previous);
    const { entry } = d;
    const decision = decide(d.event, entry.event, entry.table, previous, reconcile, now, keys, entry.column);
    d.previous = previous;
    d.decision = decision;
    if (decision.status === 'stale' && previous !== undefined) return commitStale(d, previous, now);
    const { status, to, snapshot } = decision;
    const reacting =
      reactor === undefined || reactor.idle === true
        ? NO_REACTION
        : reactor.react(
            new Reacting(
              d.event,
              status,
              snapshot ?? plainOf(previous),
              previous,
              snapshot ? { from: previous?.state, to, forced: status === 'forced' } : undefined,
              now,
            ),
          );
    if (!(reacting instanceof Promise)) return commitChange(d, reacting, now);
    if (d.direct) d.release ??= queue.hold(d.key);
    return reacting.then((reaction) => commitChange(d, reaction, now));
  }

  function commitStale(
    d: Delivery,
    previous: ResourceSnapshot,
    now: number,
  ): IngestResult | Promise<IngestResult> {
    const { event, source } = d;
    // A stale event may still move its regions' times (see `decide`): then its snapshot is written too.
    const snapshot = d.decision?.snapshot;
    const write: IngestWrite = {
      ledger: ledgerOf(event, 'stale', source, d.receivedAt),
      history: historyOf(event, 'stale', previous.state, previous.state, now, source),
      ...(snapshot === undefined ? {} : { snapshot, expectedVersion: previous.version }),
    };
    const done = (outcome: CommitOutcome): IngestResult | Promise<IngestResult> => {
      if (outcome === 'duplicate') return duplicate(event, source);
      if (outcome === 'conflict') return retry(d);
      // Detached: a context kept as an object is the store's own (stale events are few; its copy costs little).
      if (heard.stale) emit('stale', { event, resource: detachedOf(previous) });
      return result('stale', event, previous.state, previous.state);
    };
    const outcome = commit(write, NO_REACTION);
    return outcome instanceof Promise ? outcome.then(done) : done(outcome);
  }

  function commitChange(d: Delivery, reaction: Reaction, now: number): IngestResult | Promise<IngestResult> {
    const { event, source, previous } = d;
    const { status, to, snapshot } = d.decision!;
    const expectedVersion = snapshot ? (previous?.version ?? 0) : undefined;
    // The store may keep the text rather than the parsed data, when the data is all the context is.
    const contextText = d.text !== undefined && snapshot?.context === event.data ? d.text : undefined;
    const outcome =
      syncFace?.commitEvent === undefined
        ? commit(
            {
              ledger: ledgerOf(event, status, source, d.receivedAt),
              history: historyOf(event, status, previous?.state, to, now, source),
              jobs: reaction.jobs,
              audit: reaction.audit,
              snapshot,
              expectedVersion,
              contextText,
            },
            reaction,
          )
        : commitEventTo(syncFace, d, reaction, now, expectedVersion, contextText);
    return outcome instanceof Promise
      ? outcome.then((o) => committedChange(d, reaction, o))
      : committedChange(d, reaction, outcome);
  }

  /** Another process moved the resource between our read and our write: read again and redo. */
  function retry(d: Delivery): IngestResult | Promise<IngestResult> {
    if (d.attempt < 8) {
      d.attempt += 1;
      return applyOnce(d);
    }
    throw new PolicyflowError(
      'store_failure',
      `resource ${d.key} kept changing under ingest of ${d.event.id}`,
    );
  }

  function committedChange(
    d: Delivery,
    reaction: Reaction,
    outcome: CommitOutcome,
  ): IngestResult | Promise<IngestResult> {
    const { event, key, previous } = d;
    const { status, from, to, snapshot } = d.decision!;
    if (outcome === 'duplicate') return duplicate(event, d.source);
    if (outcome === 'conflict') return retry(d);
    const lifecycle = event.resource!.lifecycle;
    // The payloads are built only for listeners: most engines have none, and every ingest would pay for them.
    if (status !== 'applied' && heard.violation)
      emit('violation', { key, lifecycle, from, to, policy: reconcile, event });
    if (snapshot !== undefined && heard.transition) {
      const forced = status === 'forced';
      emit('transition', { key, lifecycle, from: previous?.state, to, forced, event, resource: snapshot });
    }
    return result(status, event, previous?.state, to, fired(reaction));
  }

  function historyOf(
    event: PolicyEvent,
    status: HistoryEntry['status'],
    from: StateValue | undefined,
    to: StateValue,
    recordedAt: number,
    source: EventSource,
  ): HistoryEntry {
    return {
      eventId: event.id,
      type: event.type,
      status,
      from,
      to,
      occurredAt: event.occurredAt,
      recordedAt,
      source,
    };
  }

  function ingestParsed(payload: unknown, opts: IngestOptions): IngestResult | Promise<IngestResult> {
    const source = opts.source ?? 'api';
    const readAt = opts.receivedAt === undefined ? clock.now() : undefined;
    const receivedAt = opts.receivedAt ?? (readAt as number);
    const catalog = catalogOf(opts.provider);
    if (catalog === undefined) {
      const error: ErrorInfo = {
        code: 'unknown_provider',
        message: `no provider '${opts.provider}' is registered (have: ${[...catalogs.keys()].join(', ')})`,
        path: ['provider'],
      };
      return recordInvalid(opts.provider, source, receivedAt, payload, error, undefined, undefined);
    }
    let body: unknown = opts.parsed !== undefined ? opts.parsed : payload;
    let text = typeof payload === 'string' ? payload : undefined;
    if (opts.parsed === undefined && (text !== undefined || payload instanceof Uint8Array)) {
      try {
        text ??= decoder.decode(payload as Uint8Array);
        body = JSON.parse(text);
      } catch (e) {
        return recordInvalid(opts.provider, source, receivedAt, payload, notJson(e), undefined, undefined);
      }
    }
    const nul = nulError(body, text);
    if (nul !== undefined)
      return recordInvalid(opts.provider, source, receivedAt, payload, nul, undefined, undefined);
    const normalized = normalizeEvent(catalog, body);
    if (!normalized.ok) {
      const p = normalized.partial;
      return recordInvalid(opts.provider, source, receivedAt, payload, normalized.error, p?.id, p?.type);
    }
    const { event } = normalized;
    // Normalized against the planned catalog, whose every entry is planned.
    const entry = normalized.entry as PlannedEntry | undefined;
    if (event.resource === undefined || entry === undefined)
      return ingestUnhandled(event, source, receivedAt);
    // Text the engine parsed itself is known to be the body: a catalog's own envelope reader may have taken
    // the data from elsewhere, which the text would not give back as the standard reader reads it.
    const own =
      text !== undefined &&
      opts.parsed === undefined &&
      (catalog.envelope === undefined || event.data === standardData(body as Record<string, unknown>));
    const bodyText = own ? text : undefined;
    // With a synchronous store `apply` yields only if the reactor does, and then it holds its key in the
    // queue: so while nothing is queued it may run directly. Otherwise one resource's events go one at a time.
    if (syncFace !== undefined && queue.idle)
      return apply(event, entry, source, receivedAt, bodyText, true, readAt);
    return queue.run(event.resource.key, () => apply(event, entry, source, receivedAt, bodyText));
  }

  function settle(): void {
    inFlight -= 1;
    if (inFlight === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  let closing: Promise<void> | undefined;
  /** Drains, then releases the reactor and the store whatever the drain did: its error is close's. */
  async function shutDown(): Promise<void> {
    closed = true;
    try {
      await engine.drain();
    } finally {
      try {
        await reactor?.close?.();
      } finally {
        await store.close();
        bus.removeAllListeners();
        hearAgain();
      }
    }
  }

  // The rules runtime is the default reactor: its jobs and audit lines commit with the snapshot.
  const rules = attachRules(options, { store, clock, emit, catalogs, tables, reconcile });
  reactor = rules.runtime.reactor;

  const engine: Engine = {
    ...rules.api,
    store,
    clock,
    reconcile,
    ingest(payload, opts) {
      if (closed) {
        const message = 'the engine is closed; create a new one to ingest';
        return Promise.reject(new PolicyflowError('engine_closed', message));
      }
      if (opts.receivedAt !== undefined && !Number.isFinite(opts.receivedAt)) {
        // A caller's mistake, not a provider's bad input: it would be stored as the delivery's time.
        const message = `receivedAt must be epoch ms, not ${String(opts.receivedAt)}`;
        return Promise.reject(new PolicyflowError('invalid_argument', message, { path: ['receivedAt'] }));
      }
      if (inFlight >= maxInFlight) {
        const message = `${inFlight} ingests in flight (maxInFlight ${maxInFlight})`;
        return Promise.reject(new PolicyflowError('engine_overloaded', message));
      }
      inFlight += 1;
      let out: IngestResult | Promise<IngestResult>;
      try {
        out = ingestParsed(payload, opts);
      } catch (error) {
        settle();
        return Promise.reject(error);
      }
      // With a synchronous store most ingests finish here: one resolved promise is all they cost.
      if (out instanceof Promise) return out.finally(settle);
      settle();
      return Promise.resolve(out);
    },
    async getResource(key) {
      const snap = await store.getResource(key);
      if (snap === undefined) return undefined;
      return { ...snap, history: await store.getHistory(key, historyLimit) };
    },
    catalog: (provider) => catalogs.get(provider),
    table: (provider, lifecycle) => tables.get(`${provider}/${lifecycle}`),
    useReactor(next) {
      reactor = next;
    },
    on(event, listener) {
      return subscribe(event, listener as never);
    },
    once(event, listener) {
      // emit calls listeners itself and bus.listeners does not say which are once: this one removes itself
      // before it runs, as bus.emit removes a once listener, so it runs once even when it throws.
      const wrapper = (...args: EngineEvents[typeof event]) => {
        off();
        (listener as (...a: unknown[]) => void).apply(bus, args);
      };
      const off = subscribe(event, wrapper as never);
      return off;
    },
    emit,
    async drain() {
      if (inFlight > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      await reactor?.drain?.();
    },
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
  return engine;
}
