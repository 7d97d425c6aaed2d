import type { AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { PolicyflowError } from './errors.js';
import { compileAccepts } from './internal/accepts.js';
import type { EnvelopeReader } from './internal/envelope.js';
import { compileIdReader } from './internal/idReader.js';
import { machineKnows, unrepresentable } from './internal/machineShape.js';

/** How one provider event type maps onto a lifecycle. */
export interface EventTypeSpec {
  /** The lifecycle (a key of the catalog's `lifecycles`) this event type moves. */
  readonly lifecycle: string;
  /**
   * Dot paths into `data` tried in order for the resource id: `'id'`, `'policy_id'`.
   * The first that holds a non-empty string wins.
   */
  readonly id: string | readonly string[];
  /** The machine event this type sends; defaults to the event type itself. */
  readonly event?: string;
  /** Schema of the (unwrapped) `data`; defaults to any object. */
  readonly data?: z.ZodType<Record<string, unknown>>;
  /** One line for docs and `policyflow explain`. */
  readonly description?: string;
}

/** A lifecycle: its XState machine is the single definition of its states and transitions. */
export interface LifecycleSpec {
  readonly machine: AnyStateMachine;
  readonly description?: string;
}

/** A resolved catalog entry, ready for the hot path. */
export interface CatalogEntry {
  readonly type: string;
  readonly lifecycle: string;
  readonly idPaths: ReadonlyArray<ReadonlyArray<string>>;
  readonly event: string;
  readonly data: z.ZodType<Record<string, unknown>>;
  /** `data.safeParse(value).success` compiled to a plain predicate (see `defineCatalog`). */
  readonly accepts: (value: unknown) => boolean;
  /** The resource id: the first of `idPaths` that holds a non-empty string in the data (own keys only). */
  readonly readId: (data: Readonly<Record<string, unknown>>) => string | undefined;
  readonly description: string | undefined;
}

/**
 * A provider's catalog: its lifecycles and every event type it sends. Build one with {@link defineCatalog};
 * `kota()` and `ten99policy()` return the built-in ones.
 */
export interface Catalog {
  readonly provider: string;
  readonly lifecycles: ReadonlyMap<string, LifecycleSpec>;
  readonly events: ReadonlyMap<string, CatalogEntry>;
  /** Reads the provider's envelope; the default accepts both built-in providers' variants. */
  readonly envelope: EnvelopeReader | undefined;
}

/** Input of {@link defineCatalog}. */
export interface CatalogInput {
  readonly provider: string;
  /** A catalog to extend: its lifecycles and events are kept, these are added. */
  readonly extends?: Catalog;
  readonly lifecycles?: Readonly<Record<string, AnyStateMachine | LifecycleSpec>>;
  readonly events?: Readonly<Record<string, EventTypeSpec>>;
  /**
   * Reads the provider's envelope in place of the built-in reader. A throw, or an envelope whose `type`,
   * `occurredAt` (epoch ms within Date's range), `data`, `id` or `apiVersion` is malformed, makes the event
   * `invalid_envelope`.
   */
  readonly envelope?: EnvelopeReader;
}

const anyData = z.record(z.string(), z.unknown()) as z.ZodType<Record<string, unknown>>;

function isLifecycleSpec(value: AnyStateMachine | LifecycleSpec): value is LifecycleSpec {
  return 'machine' in value && typeof (value as LifecycleSpec).machine === 'object';
}

/** Resource keys are `provider/lifecycle/id`, and stores split them on '/': a name must hold none. */
function checkName(what: 'provider' | 'lifecycle', name: string, path: ReadonlyArray<string>): void {
  if (typeof name === 'string' && name !== '' && !name.includes('/')) return;
  throw new PolicyflowError(
    'invalid_argument',
    `${what} name '${name}' must be non-empty and contain no '/' (resource keys are provider/lifecycle/id)`,
    { path },
  );
}

function checkMachine(provider: string, name: string, machine: AnyStateMachine): void {
  const [problem] = unrepresentable(machine);
  if (!problem) return;
  throw new PolicyflowError(
    'invalid_argument',
    `catalog '${provider}', lifecycle '${name}': ${problem.message}. The engine runs a table derived from the ` +
      "machine on event types alone (a guard never sees an event's data, and no provider event fires an " +
      "eventless or delayed transition or an invoked actor's); model each outcome as its own event type",
    { path: ['lifecycles', name, ...problem.state.flatMap((key) => ['states', key])] },
  );
}

function checkEvent(provider: string, type: string, spec: EventTypeSpec, machine: AnyStateMachine): void {
  const event = spec.event ?? type;
  if (machineKnows(machine, event)) return;
  throw new PolicyflowError(
    'invalid_argument',
    `catalog '${provider}', event type '${type}' sends '${event}', which lifecycle '${spec.lifecycle}' has ` +
      'no transition for in any state (every delivery would be forced and change nothing)',
    { path: spec.event === undefined ? ['events', type] : ['events', type, 'event'] },
  );
}

/**
 * Defines a provider catalog, or extends one with more event types and lifecycles.
 * Throws `catalog_conflict` when an event type or lifecycle is defined twice, and `lifecycle_unknown`
 * when an event names a lifecycle that does not exist. Throws `invalid_argument` for a provider or lifecycle
 * name that is empty or holds '/', an event whose machine event no state of its lifecycle has a transition
 * for, and a machine with guarded, eventless (`always`) or delayed (`after`) transitions or an invoked actor: the
 * engine steps a table derived from the machine with event types alone, which cannot run those faithfully.
 *
 * @example
 * ```ts
 * const acme = defineCatalog({
 *   provider: 'acme',
 *   lifecycles: { claim: claimMachine },
 *   events: { 'claim.opened': { lifecycle: 'claim', id: 'id' } },
 * });
 * const kotaPlus = defineCatalog({ provider: 'kota', extends: kota(), events: { 'x.y': { lifecycle: 'group', id: 'group_id' } } });
 * ```
 */
export function defineCatalog(input: CatalogInput): Catalog {
  const base = input.extends;
  if (base && base.provider !== input.provider) {
    throw new PolicyflowError(
      'catalog_conflict',
      `cannot extend the '${base.provider}' catalog under provider '${input.provider}'`,
      { path: ['provider'] },
    );
  }
  checkName('provider', input.provider, ['provider']);
  const lifecycles = new Map<string, LifecycleSpec>(base?.lifecycles);
  for (const [name, value] of Object.entries(input.lifecycles ?? {})) {
    if (lifecycles.has(name)) {
      throw new PolicyflowError('catalog_conflict', `lifecycle '${name}' is already defined`, {
        path: ['lifecycles', name],
      });
    }
    checkName('lifecycle', name, ['lifecycles', name]);
    const spec = isLifecycleSpec(value) ? value : { machine: value };
    checkMachine(input.provider, name, spec.machine);
    lifecycles.set(name, spec);
  }
  const events = new Map<string, CatalogEntry>(base?.events);
  for (const [type, spec] of Object.entries(input.events ?? {})) {
    if (events.has(type)) {
      throw new PolicyflowError('catalog_conflict', `event type '${type}' is already defined`, {
        path: ['events', type],
      });
    }
    if (!lifecycles.has(spec.lifecycle)) {
      throw new PolicyflowError(
        'lifecycle_unknown',
        `event type '${type}' names lifecycle '${spec.lifecycle}', which this catalog does not define`,
        { path: ['events', type, 'lifecycle'] },
      );
    }
    checkEvent(input.provider, type, spec, lifecycles.get(spec.lifecycle)!.machine);
    const ids = typeof spec.id === 'string' ? [spec.id] : spec.id;
    const data = spec.data ?? anyData;
    const idPaths = ids.map((p) => p.split('.'));
    events.set(type, {
      type,
      lifecycle: spec.lifecycle,
      idPaths,
      readId: compileIdReader(idPaths),
      event: spec.event ?? type,
      data,
      accepts: compileAccepts(data),
      description: spec.description,
    });
  }
  return Object.freeze({
    provider: input.provider,
    lifecycles,
    events,
    envelope: input.envelope ?? base?.envelope,
  });
}
