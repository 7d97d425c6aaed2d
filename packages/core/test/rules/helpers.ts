import { setup } from 'xstate';
import { defineCatalog } from '../../src/catalog.js';
import type { Clock } from '../../src/clock.js';

/** A hand-driven clock: time moves only when a test calls `advance`/`set`, and due timers fire in order. */
export interface SimClock extends Clock {
  advance(ms: number): void;
  set(at: number): void;
  readonly pending: number;
}

export function createSimClock(start = Date.UTC(2026, 0, 1)): SimClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  function runDue(): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of timers) if (entry[1].at <= now && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) return;
      timers.delete(next[0]);
      next[1].fn();
    }
  }
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      now += ms;
      runDue();
    },
    set(at) {
      now = at;
      runDue();
    },
    get pending() {
      return timers.size;
    },
  };
}

const quoteMachine = setup({
  types: {
    events: {} as
      | { type: 'quote.created' }
      | { type: 'quote.action_required' }
      | { type: 'quote.accepted' }
      | { type: 'quote.cancelled' }
      | { type: 'quote.updated' },
  },
}).createMachine({
  id: 'quote',
  initial: 'pending',
  states: {
    pending: { on: { 'quote.created': {}, 'quote.action_required': 'action_required', 'quote.updated': {} } },
    action_required: {
      on: { 'quote.accepted': 'accepted', 'quote.cancelled': 'cancelled', 'quote.updated': {} },
    },
    accepted: { on: { 'quote.cancelled': 'cancelled' } },
    cancelled: { type: 'final' },
  },
});

/** A small catalog for the rules tests (the built-in providers are tested elsewhere). */
export const insurer = defineCatalog({
  provider: 'insurer',
  lifecycles: { quote: quoteMachine },
  events: {
    'quote.created': { lifecycle: 'quote', id: 'id' },
    'quote.action_required': { lifecycle: 'quote', id: 'id' },
    'quote.accepted': { lifecycle: 'quote', id: 'id' },
    'quote.cancelled': { lifecycle: 'quote', id: 'id' },
    'quote.updated': { lifecycle: 'quote', id: 'id' },
  },
});

let seq = 0;

/** An event payload; pass `id` to redeliver the same event. */
export function quoteEvent(
  type: string,
  quote: string,
  created: number,
  data: Record<string, unknown> = {},
  id?: string,
): Record<string, unknown> {
  seq += 1;
  return { id: id ?? `evt_${seq}`, type, created, data: { id: quote, ...data } };
}
