import fc from 'fast-check';
import type { HistoryEvent, LifecycleHistory } from './lifecycleHistory.js';

/** One delivery of a history event. */
export interface ScheduledDelivery {
  readonly event: HistoryEvent;
  readonly source: 'webhook' | 'poll';
  /**
   * How many times the schedule delivered this event before (by webhook or poll): 0 for its first delivery,
   * then 1, 2, … for each later one, in schedule order.
   */
  readonly attempt: number;
}

/** Options of {@link deliverySchedule}. */
export interface DeliveryScheduleConstraints {
  /** Most extra webhook deliveries of one event (at-least-once). Default 2; `false` for none. */
  readonly duplicates?: number | false;
  /** Whether webhooks may arrive in any order. Default true. */
  readonly reorder?: boolean;
  /** Whether a poller also reads a window of the history (in order), interleaved with the webhooks. Default true. */
  readonly pollOverlap?: boolean;
}

interface Copy {
  readonly index: number;
  readonly copy: number;
  readonly priority: number;
}

function webhooks(
  history: LifecycleHistory,
  copies: ReadonlyArray<ReadonlyArray<number>>,
  reorder: boolean,
): Copy[] {
  const all: Copy[] = [];
  for (const [index, priorities] of copies.entries()) {
    for (const [copy, priority] of priorities.entries()) all.push({ index, copy, priority });
  }
  if (reorder) all.sort((a, b) => a.priority - b.priority || a.index - b.index || a.copy - b.copy);
  else all.sort((a, b) => a.index - b.index || a.copy - b.copy);
  return all.filter((c) => c.index < history.events.length);
}

// Numbers each event's deliveries in the order they are made.
function numbered(
  order: ReadonlyArray<{ readonly event: HistoryEvent; readonly source: ScheduledDelivery['source'] }>,
): ScheduledDelivery[] {
  const seen = new Map<HistoryEvent, number>();
  return order.map(({ event, source }) => {
    const attempt = seen.get(event) ?? 0;
    seen.set(event, attempt + 1);
    return { event, source, attempt };
  });
}

/**
 * An arbitrary of the ways a flaky provider could deliver a history: every event at least once, webhooks
 * duplicated and shuffled, and a poller re-reading a window of the same events in order.
 *
 * @example
 * ```ts
 * const chaos = lifecycleHistory(catalog, 'policy').chain((h) =>
 *   deliverySchedule(h, { duplicates: 2, reorder: true, pollOverlap: true }).map((s) => ({ h, s })));
 * ```
 */
export function deliverySchedule(
  history: LifecycleHistory,
  constraints: DeliveryScheduleConstraints = {},
): fc.Arbitrary<ReadonlyArray<ScheduledDelivery>> {
  const n = history.events.length;
  const extra = constraints.duplicates === false ? 0 : (constraints.duplicates ?? 2);
  const reorder = constraints.reorder ?? true;
  const poll = (constraints.pollOverlap ?? true) && n > 0;
  return fc
    .record({
      copies: fc.array(fc.array(fc.nat({ max: 4 * n + 4 }), { minLength: 1, maxLength: 1 + extra }), {
        minLength: n,
        maxLength: n,
      }),
      window: poll ? fc.option(fc.tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 }))) : fc.constant(null),
      interleave: fc.array(fc.boolean(), { maxLength: 2 * n * (2 + extra) }),
    })
    .map(({ copies, window, interleave }) => {
      const hooks = webhooks(history, copies, reorder).map((c) => ({
        event: history.events[c.index]!,
        source: 'webhook' as const,
      }));
      const polled: Array<{ event: HistoryEvent; source: 'poll' }> = [];
      if (window !== null) {
        const [a, b] = window;
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
          polled.push({ event: history.events[i]!, source: 'poll' });
        }
      }
      return numbered(
        merge<{ event: HistoryEvent; source: ScheduledDelivery['source'] }>(hooks, polled, interleave),
      );
    });
}

function merge<T>(a: ReadonlyArray<T>, b: ReadonlyArray<T>, choices: ReadonlyArray<boolean>): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const takeB = j < b.length && (i >= a.length || choices[k++] === true);
    out.push(takeB ? b[j++]! : a[i++]!);
  }
  return out;
}
