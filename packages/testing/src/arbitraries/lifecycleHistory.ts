import type { Catalog } from '@policyflow/core';
import fc from 'fast-check';
import type { StateValue } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { type ResolvedLifecycle, resolveLifecycle } from '../internal/lifecycle.js';
import { type EnvelopeVariantConstraints, envelopeVariant } from './envelope.js';
import {
  buildProviderEvent,
  dataArbitrary,
  entryOf,
  lift,
  type ProviderEvent,
  resourceIdArbitrary,
} from './providerEvent.js';

/** One event of a history, with the machine step it takes. */
export interface HistoryEvent extends ProviderEvent {
  /** Position in the history (occurrence order). */
  readonly index: number;
  readonly machineEvent: string;
  readonly from: StateValue;
  readonly to: StateValue;
}

/** A valid life of one resource: events the machine allows, in order, with increasing distinct timestamps. */
export interface LifecycleHistory {
  readonly provider: string;
  readonly lifecycle: string;
  readonly resourceId: string;
  readonly key: string;
  readonly initial: StateValue;
  /** The state the last event leads to (`initial` for an empty history). */
  readonly final: StateValue;
  readonly events: ReadonlyArray<HistoryEvent>;
}

/** Options of {@link lifecycleHistory}. */
export interface LifecycleHistoryConstraints {
  /** Default 0. Fewer when the walk reaches a state nothing leaves. */
  readonly minLength?: number;
  /** Default 8. */
  readonly maxLength?: number;
  readonly resourceId?: string | fc.Arbitrary<string>;
  /** Epoch ms of the first event (rounded to seconds). Default: any second of 2024–2026. */
  readonly startAt?: number | fc.Arbitrary<number>;
  /** Largest gap between two events, in seconds. Default 3 days. */
  readonly maxGapSeconds?: number;
  readonly envelope?: EnvelopeVariantConstraints;
}

interface Step {
  readonly type: string;
  readonly machineEvent: string;
  readonly from: StateValue;
  readonly to: StateValue;
}

/** Shortest event paths (xstate/graph) to every state the catalog's events can reach: walks start from one. */
function prefixes(lc: ResolvedLifecycle): ReadonlyArray<ReadonlyArray<string>> {
  const paths = getShortestPaths(lc.machine, { events: lc.machineEvents.map((type) => ({ type })) });
  const out = paths.map((p) => p.steps.map((s) => s.event.type).filter((t) => lc.typesOf.has(t)));
  return out.length > 0 ? out : [[]];
}

function allowedFrom(lc: ResolvedLifecycle, key: string): string[] {
  return lc.machineEvents.filter((e) => lc.table.step(key, e)?.allowed === true);
}

/** Folds a prefix and a list of choices into machine steps; a choice picks among the events allowed next. */
function walk(
  lc: ResolvedLifecycle,
  prefix: ReadonlyArray<string>,
  choices: ReadonlyArray<readonly [number, number]>,
  maxLength: number,
): Step[] {
  const steps: Step[] = [];
  let key = lc.table.initialKey;
  let value = lc.table.initial;
  const take = (machineEvent: string, typeChoice: number): boolean => {
    const step = lc.table.step(key, machineEvent);
    if (step === undefined || !step.allowed) return false;
    const types = lc.typesOf.get(machineEvent) ?? [machineEvent];
    const type = types[typeChoice % types.length]!;
    steps.push({ type, machineEvent, from: value, to: step.to });
    key = step.toKey;
    value = step.to;
    return true;
  };
  for (const [i, e] of prefix.entries()) {
    if (steps.length >= maxLength || !take(e, choices[i]?.[1] ?? 0)) break;
  }
  for (const [eventChoice, typeChoice] of choices) {
    if (steps.length >= maxLength) break;
    const options = allowedFrom(lc, key);
    if (options.length === 0) break;
    take(options[eventChoice % options.length]!, typeChoice);
  }
  return steps;
}

/**
 * An arbitrary of valid histories of one resource of a lifecycle. Each starts along a shortest path (from
 * `xstate/graph`) to some reachable state, so every state is covered, then walks on at random through events
 * the machine allows. Timestamps are whole seconds, strictly increasing; ids are distinct; each event has its
 * own envelope variant.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(lifecycleHistory(catalog, 'employer_quote'), async (h) => {
 *   for (const e of h.events) await engine.ingest(e.body, { provider: h.provider });
 *   expect((await engine.getResource(h.key))?.state ?? h.initial).toEqual(h.final);
 * }));
 * ```
 */
export function lifecycleHistory(
  catalog: Catalog,
  lifecycle: string,
  constraints: LifecycleHistoryConstraints = {},
): fc.Arbitrary<LifecycleHistory> {
  const lc = resolveLifecycle(catalog, lifecycle);
  const maxLength = constraints.maxLength ?? 8;
  const minLength = Math.min(constraints.minLength ?? 0, maxLength);
  const maxGap = constraints.maxGapSeconds ?? 3 * 86_400;
  const paths = prefixes(lc);
  const plan = fc.record({
    prefix: fc.constantFrom(...paths),
    choices: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: maxLength, maxLength }),
    length: fc.integer({ min: minLength, max: maxLength }),
    resourceId: lift(constraints.resourceId, resourceIdArbitrary),
    startAt: lift(
      constraints.startAt,
      fc.integer({ min: 1_704_067_200, max: 1_798_761_600 }).map((s) => s * 1000),
    ),
    gaps: fc.array(fc.integer({ min: 1, max: maxGap }), { minLength: maxLength, maxLength }),
    idBase: fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
      minLength: 8,
      maxLength: 8,
    }),
  });
  return plan.chain((p) => {
    const steps = walk(lc, p.prefix, p.choices, Math.max(p.length, Math.min(minLength, maxLength)));
    const parts = steps.map((s) =>
      fc.tuple(dataArbitrary(entryOf(catalog, s.type), p.resourceId), envelopeVariant(constraints.envelope)),
    );
    return fc.tuple(...parts).map((drawn) => {
      let at = Math.floor(p.startAt / 1000) * 1000;
      const events = steps.map((s, index): HistoryEvent => {
        if (index > 0) at += (p.gaps[index] ?? 1) * 1000;
        const [data, variant] = drawn[index]!;
        const event = buildProviderEvent(
          catalog,
          entryOf(catalog, s.type),
          { resourceId: p.resourceId, id: `evt_${p.idBase}_${index}`, occurredAt: at, variant },
          data,
        );
        return { ...event, index, machineEvent: s.machineEvent, from: s.from, to: s.to };
      });
      return {
        provider: catalog.provider,
        lifecycle,
        resourceId: p.resourceId,
        key: `${catalog.provider}/${lifecycle}/${p.resourceId}`,
        initial: lc.table.initial,
        final: steps.at(-1)?.to ?? lc.table.initial,
        events,
      };
    });
  });
}
