import type { StateValue } from 'xstate';
import type { PolicyEvent } from '../event.js';
import type { IngestStatus, ResourceSnapshot } from '../store.js';
import { mergeData } from './merge.js';
import type { Step, TransitionTable } from './table.js';

/** What one event does to its resource, before anything is written. */
export interface Decision {
  readonly status: Extract<IngestStatus, 'applied' | 'forced' | 'rejected' | 'stale'>;
  readonly from: StateValue;
  readonly to: StateValue;
  /**
   * The new snapshot (`applied`, `forced`); for `stale`, only when the event moves its regions' times and
   * nothing else; undefined when nothing changes.
   */
  readonly snapshot: ResourceSnapshot | undefined;
}

const NO_REGIONS: ReadonlyArray<string> = Object.freeze([]);
const EMPTY_STAMPS: Readonly<Record<string, number>> = Object.freeze({});

/**
 * Decides what `event` does to the resource `previous` (undefined: not seen yet). `previousKeys`, when the
 * store knows them, are the keys of `previous`'s context (see `mergeData`). `column`, when the caller holds
 * it, is `table.column(machineEvent)`. Pure: the engine's ingest and `explain` both call it, so a dry run can
 * never disagree with a real one.
 *
 * An event older than the resource's newest is late: it sets only the state regions it is newer for (a
 * status change delivered after a later "data changed" event), keeping the newer context and last event;
 * it is `stale` when it changes no region's value, though the regions it is newer for still take its time.
 */
export function decide(
  event: PolicyEvent,
  machineEvent: string,
  table: TransitionTable,
  previous: ResourceSnapshot | undefined,
  reconcile: 'force' | 'strict',
  now: number,
  previousKeys?: ReadonlyArray<string>,
  column?: ReadonlyMap<string, Step>,
): Decision {
  const ref = event.resource!;
  const from = previous?.state ?? table.initial;
  const fromKey = previous ? table.keyOf(from) : table.initialKey;
  const step = column === undefined ? table.step(fromKey, machineEvent) : column.get(fromKey);
  const late = previous !== undefined && event.occurredAt < previous.occurredAt;
  const lateRegions = late ? newerRegions(table, machineEvent, previous, event.occurredAt) : NO_REGIONS;
  const allowed = step?.allowed === true;
  if (late && (step === undefined || (!allowed && reconcile === 'strict') || lateRegions.length === 0)) {
    return { status: 'stale', from, to: from, snapshot: undefined };
  }
  if (late && table.keyOf(table.withRegions(from, step!.to, lateRegions)) === fromKey) {
    // The event is the newest word on its regions but says what they already hold: the state stays, and so
    // does the status, yet the regions' times move up to it, so that an older event arriving after it cannot
    // overturn what it said.
    const p = previous!;
    // Field by field rather than a spread: a store's snapshot may build some fields when read (the memory
    // store's does), and a spread copies own fields only.
    const snapshot: ResourceSnapshot = {
      key: p.key,
      provider: p.provider,
      lifecycle: p.lifecycle,
      id: p.id,
      state: p.state,
      stateAt: stampRegions(p, lateRegions, event.occurredAt, table.flat),
      context: p.context,
      lastEventId: p.lastEventId,
      lastEventType: p.lastEventType,
      occurredAt: p.occurredAt,
      createdAt: p.createdAt,
      updatedAt: now,
      version: p.version + 1,
    };
    return { status: 'stale', from, to: from, snapshot };
  }
  if (step === undefined || (!allowed && reconcile === 'strict')) {
    return { status: 'rejected', from, to: from, snapshot: undefined };
  }
  const to = late ? table.withRegions(from, step.to, lateRegions) : step.to;
  const regions = late ? lateRegions : step.regions;
  const snapshot: ResourceSnapshot = {
    key: ref.key,
    provider: event.provider,
    lifecycle: ref.lifecycle,
    id: ref.id,
    state: to,
    stateAt: stampRegions(previous, regions, event.occurredAt, table.flat),
    // A late event moves state only: the context and last event stay the newer ones.
    context: late ? previous.context : mergeData(previous, event.data, previousKeys),
    lastEventId: late ? previous.lastEventId : event.id,
    lastEventType: late ? previous.lastEventType : event.type,
    occurredAt: late ? previous.occurredAt : event.occurredAt,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    version: (previous?.version ?? 0) + 1,
  };
  return { status: allowed ? 'applied' : 'forced', from, to, snapshot };
}

/** The regions `event` sets that the resource last had set by an event older than `occurredAt`. */
function newerRegions(
  table: TransitionTable,
  event: string,
  previous: ResourceSnapshot,
  occurredAt: number,
): ReadonlyArray<string> {
  const stateAt = previous.stateAt;
  // Without per-region times (a store that keeps none), the newest event's time stands for every region.
  return table
    .regionsSet(event)
    .filter((r) => occurredAt > (stateAt === undefined ? previous.occurredAt : (stateAt[r] ?? -Infinity)));
}

/**
 * `previous`'s `stateAt` with `regions` stamped at `occurredAt`; the same object when nothing changes. A flat
 * machine's stamps are its one region's, so they are not read (a store may build them when read).
 */
function stampRegions(
  previous: ResourceSnapshot | undefined,
  regions: ReadonlyArray<string>,
  occurredAt: number,
  flat: boolean,
): Readonly<Record<string, number>> {
  // '' is the one region of a flat machine, whose stamps are only that: a fresh literal, no copy. Told by
  // the table rather than by reading `regions` (which may be frozen, and V8 reads those slowly).
  if (flat && regions.length > 0) return { '': occurredAt };
  const stateAt = previous?.stateAt;
  if (regions.length === 0) return stateAt ?? EMPTY_STAMPS;
  const next: Record<string, number> = { ...stateAt };
  for (const r of regions) next[r] = occurredAt;
  return next;
}
