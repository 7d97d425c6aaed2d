import { matchesState, type StateValue } from 'xstate';
import { stateKey } from '../internal/table.js';
import type { IngestStatus } from '../store.js';
import type { Trigger } from './types.js';

/** A trigger in one shape. */
export type NormalizedTrigger =
  | { readonly kind: 'event'; readonly types: ReadonlyArray<string>; readonly provider: string | undefined }
  | {
      readonly kind: 'transition';
      readonly lifecycle: string;
      readonly provider: string | undefined;
      readonly from: ReadonlyArray<string> | undefined;
      readonly to: ReadonlyArray<string> | undefined;
    }
  | {
      readonly kind: 'violation';
      readonly lifecycle: string | undefined;
      readonly provider: string | undefined;
    };

const list = (v: string | ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? [v] : v;

/**
 * Reads a rule's `on` into one shape. The string `violation` means any violation.
 *
 * @example
 * ```ts
 * normalizeTrigger('policy.*');                          // { kind: 'event', types: ['policy.*'], … }
 * normalizeTrigger({ lifecycle: 'policy', to: 'cancelled' }); // { kind: 'transition', … }
 * ```
 */
export function normalizeTrigger(on: Trigger): NormalizedTrigger {
  if (on === 'violation') return { kind: 'violation', lifecycle: undefined, provider: undefined };
  if (typeof on === 'string') return { kind: 'event', types: [on], provider: undefined };
  if (Array.isArray(on)) return { kind: 'event', types: on as ReadonlyArray<string>, provider: undefined };
  const t = on as Exclude<Trigger, string | ReadonlyArray<string>>;
  if ('event' in t) return { kind: 'event', types: list(t.event)!, provider: t.provider };
  if ('violation' in t) return { kind: 'violation', lifecycle: t.lifecycle, provider: t.provider };
  return {
    kind: 'transition',
    lifecycle: t.lifecycle,
    provider: t.provider,
    from: list(t.from),
    to: list(t.to),
  };
}

/** `policy.*` → a matcher; a name without `*` matches itself only. */
export function patternOf(type: string): (candidate: string) => boolean {
  if (!type.includes('*')) return (c) => c === type;
  const source = type
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${source}$`);
  return (c) => re.test(c);
}

function stateMatches(patterns: ReadonlyArray<string> | undefined, value: StateValue | undefined): boolean {
  if (patterns === undefined) return true;
  if (value === undefined) return false;
  // Flat machines (nearly all) compare strings; nested state values go through XState's own matcher.
  if (typeof value === 'string') return patterns.includes(value);
  return patterns.some((p) => matchesState(p, value));
}

/** What the index needs to know about one ingest. */
export interface TriggerInput {
  readonly provider: string;
  readonly type: string;
  readonly lifecycle: string | undefined;
  readonly status: IngestStatus;
  readonly transition: { readonly from: StateValue | undefined; readonly to: StateValue } | undefined;
}

interface Indexed<R> {
  readonly rule: R;
  readonly trigger: NormalizedTrigger;
  readonly order: number;
}

const EVENT_STATUSES: ReadonlySet<IngestStatus> = new Set(['applied', 'forced', 'rejected', 'unhandled']);

interface EventCandidates<R> {
  readonly items: ReadonlyArray<Indexed<R>>;
  readonly rules: ReadonlyArray<R>;
  /** With transition or violation rules added, by violation? then lifecycle → from → to. Few occur. */
  readonly withState: [StateCache, StateCache];
  /**
   * The last answer per (violation?, from): an event of one type moves a resource from one state to one
   * other, but for a late one, so one look-up answers it where the nested maps take three.
   */
  readonly lastByFrom: [Map<string, LastAnswer<R>>, Map<string, LastAnswer<R>>];
  /** The lifecycle this type's events were last of, and whether it has transition rules: a type has one. */
  lifecycle: string | undefined;
  lifecycleHasRules: boolean;
}

/** An answer from `withState`, with the lifecycle and state it was for. */
interface LastAnswer<R> {
  readonly lifecycle: string;
  readonly to: string;
  readonly rules: ReadonlyArray<R>;
}

const EMPTY: ReadonlyArray<never> = [];

/** Event types cached per provider; the catalogs hold about a hundred. */
const MAX_CACHED_TYPES = 4096;

/** lifecycle → from → to → candidates (the leaves are the rule lists). */
type StateCache = Map<string, unknown>;

function nested(map: StateCache, key: string): StateCache {
  let inner = map.get(key) as StateCache | undefined;
  if (inner === undefined) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

/**
 * Rules indexed by trigger, so an event meets only its candidate rules. Event-type candidates are worked out once
 * per (provider, type) and cached; transitions are looked up by lifecycle.
 *
 * @example
 * ```ts
 * const index = new TriggerIndex(rules.map((r) => ({ rule: r, trigger: normalizeTrigger(r.on) })), (r) => r.priority ?? 1);
 * const candidates = index.candidates({ provider: 'kota', type: 'employee.health_insurance.policy.activated', lifecycle: 'employee_policy', status: 'applied', transition });
 * ```
 */
export class TriggerIndex<R> {
  readonly #events: Array<Indexed<R> & { readonly match: (type: string) => boolean }> = [];
  readonly #transitions = new Map<string, Array<Indexed<R>>>();
  readonly #violations: Array<Indexed<R>> = [];
  // provider → type → candidates, highest priority first; two maps so the hot path builds no key string.
  readonly #eventCache = new Map<string, Map<string, EventCandidates<R>>>();
  readonly #priority: (rule: R) => number;

  constructor(
    entries: ReadonlyArray<{ rule: R; trigger: NormalizedTrigger }>,
    priority: (rule: R) => number,
  ) {
    this.#priority = priority;
    entries.forEach(({ rule, trigger }, order) => {
      const item = { rule, trigger, order };
      if (trigger.kind === 'event') {
        const matchers = trigger.types.map(patternOf);
        this.#events.push({ ...item, match: (t) => matchers.some((m) => m(t)) });
      } else if (trigger.kind === 'transition') {
        const bucket = this.#transitions.get(trigger.lifecycle) ?? [];
        bucket.push(item);
        this.#transitions.set(trigger.lifecycle, bucket);
      } else {
        this.#violations.push(item);
      }
    });
  }

  #eventRules(provider: string, type: string): EventCandidates<R> {
    let byType = this.#eventCache.get(provider);
    if (byType === undefined) {
      byType = new Map();
      this.#eventCache.set(provider, byType);
    }
    let hit = byType.get(type);
    if (hit === undefined) {
      const items = this.#events
        .filter((e) => (e.trigger.provider === undefined || e.trigger.provider === provider) && e.match(type))
        .sort((x, y) => this.#order(x, y));
      hit = {
        items,
        rules: items.map((i) => i.rule),
        withState: [new Map(), new Map()],
        lastByFrom: [new Map(), new Map()],
        lifecycle: undefined,
        lifecycleHasRules: false,
      };
      // Event types come from outside (unhandled ones included): past a bound, answers are not kept.
      if (byType.size < MAX_CACHED_TYPES) byType.set(type, hit);
    }
    return hit;
  }

  /** Whether `lifecycle` has transition rules, remembered on the type's entry. */
  #hasRules(entry: EventCandidates<R>, lifecycle: string): boolean {
    if (entry.lifecycle !== lifecycle) {
      entry.lifecycle = lifecycle;
      entry.lifecycleHasRules = this.#transitions.has(lifecycle);
    }
    return entry.lifecycleHasRules;
  }

  #order(a: Indexed<R>, b: Indexed<R>): number {
    return this.#priority(b.rule) - this.#priority(a.rule) || a.order - b.order;
  }

  /** Candidate rules for one ingest, highest priority first (definition order among equals). */
  candidates(input: TriggerInput): ReadonlyArray<R> {
    if (!EVENT_STATUSES.has(input.status)) return EMPTY;
    const entry = this.#eventRules(input.provider, input.type);
    const t = input.transition;
    const violation =
      (input.status === 'forced' || input.status === 'rejected') && this.#violations.length > 0;
    const transitions =
      t !== undefined && input.lifecycle !== undefined && this.#hasRules(entry, input.lifecycle);
    // The common case: no transition or violation rule can apply, and the cached list is the answer.
    if (!violation && !transitions) return entry.rules;
    // Otherwise the answer depends only on (violation, lifecycle, from, to) for this provider and type: cache it
    // in nested maps, so no key string is built per event.
    const fromKey = t?.from === undefined ? '' : stateKey(t.from);
    const toKey = t === undefined ? '' : stateKey(t.to);
    const lifecycle = input.lifecycle ?? '';
    const lastByFrom = entry.lastByFrom[violation ? 1 : 0];
    const last = lastByFrom.get(fromKey);
    if (last !== undefined && last.to === toKey && last.lifecycle === lifecycle) return last.rules;
    const byTo = nested(nested(entry.withState[violation ? 1 : 0], lifecycle), fromKey);
    let hit = byTo.get(toKey) as ReadonlyArray<R> | undefined;
    if (hit === undefined) {
      const extra = this.#stateRules(input) ?? [];
      hit = [...entry.items, ...extra].sort((x, y) => this.#order(x, y)).map((i) => i.rule);
      byTo.set(toKey, hit);
    }
    lastByFrom.set(fromKey, { lifecycle, to: toKey, rules: hit });
    return hit;
  }

  #stateRules(input: TriggerInput): Array<Indexed<R>> | undefined {
    let out: Array<Indexed<R>> | undefined;
    const t = input.transition;
    const bucket =
      t !== undefined && input.lifecycle !== undefined ? this.#transitions.get(input.lifecycle) : undefined;
    if (
      bucket !== undefined &&
      t !== undefined &&
      (t.from === undefined || stateKey(t.from) !== stateKey(t.to))
    ) {
      for (const item of bucket) {
        const trig = item.trigger as Extract<NormalizedTrigger, { kind: 'transition' }>;
        if (trig.provider !== undefined && trig.provider !== input.provider) continue;
        if (!stateMatches(trig.from, t.from) || !stateMatches(trig.to, t.to)) continue;
        out = out === undefined ? [item] : [...out, item];
      }
    }
    if ((input.status === 'forced' || input.status === 'rejected') && this.#violations.length > 0) {
      for (const item of this.#violations) {
        const trig = item.trigger as Extract<NormalizedTrigger, { kind: 'violation' }>;
        if (trig.provider !== undefined && trig.provider !== input.provider) continue;
        if (trig.lifecycle !== undefined && trig.lifecycle !== input.lifecycle) continue;
        out = out === undefined ? [item] : [...out, item];
      }
    }
    return out;
  }
}
