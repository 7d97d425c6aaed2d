import { kota, tableFor } from '@policyflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, initialTransition, type StateValue, transition } from 'xstate';
import { handles } from './helpers.js';

type Snapshot = ReturnType<typeof initialTransition>[0];

const lifecycles = [...kota().lifecycles].map(([name, spec]) => {
  const events = [...kota().events.values()].filter((e) => e.lifecycle === name).map((e) => e.event);
  return { name, machine: spec.machine as AnyStateMachine, events };
});

/** XState's own answer for one step, forcing as the engine does when the machine does not allow the event. */
function oracle(machine: AnyStateMachine, snap: Snapshot, type: string, forcedTo: StateValue): Snapshot {
  if (handles(machine, snap, type)) return transition(machine, snap, { type })[0];
  return machine.resolveState({ value: forcedTo, context: undefined }) as Snapshot;
}

describe.each(lifecycles)('Kota $name transition table', ({ machine, events }) => {
  it('covers every event the catalog routes to the lifecycle', () => {
    expect(events.length).toBeGreaterThan(0);
    const table = tableFor(machine, events);
    for (const key of table.states.keys())
      for (const type of events) expect(table.step(key, type)).toBeDefined();
  });

  it('agrees with XState on any sequence of events, forced steps included', () => {
    const table = tableFor(machine, events);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 25 }), (sequence) => {
        let snap = initialTransition(machine)[0];
        let key = table.initialKey;
        for (const type of sequence) {
          const step = table.step(key, type)!;
          expect(step.allowed).toBe(handles(machine, snap, type));
          snap = oracle(machine, snap, type, step.to);
          expect(step.to).toEqual(snap.value);
          key = step.toKey;
        }
      }),
      { numRuns: 200 },
    );
  });
});
