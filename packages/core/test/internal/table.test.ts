import { describe, expect, test } from 'vitest';
import { type StateValue, setup } from 'xstate';
import { kota, ten99policy } from '../../src/index.js';
import { deriveTable } from '../../src/internal/table.js';
import { claimMachine } from '../helpers.js';

const events = ['claim.opened', 'claim.approved', 'claim.paid', 'claim.updated'];

describe('deriveTable', () => {
  test('allowed steps follow the machine; forced steps go where the event implies', () => {
    const t = deriveTable(claimMachine, events);
    expect(t.initialKey).toBe('opened');
    expect(t.step('opened', 'claim.approved')).toMatchObject({ allowed: true, toKey: 'approved' });
    expect(t.step('opened', 'claim.updated')).toMatchObject({ allowed: true, toKey: 'opened' });
    expect(t.step('opened', 'claim.paid')).toMatchObject({ allowed: false, toKey: 'paid' });
    // A targetless event implies no state: forcing it keeps the state.
    expect(t.step('paid', 'claim.updated')).toMatchObject({ allowed: false, toKey: 'paid' });
    expect(t.finals.has('paid')).toBe(true);
  });

  test('parallel machines: forcing moves only the regions the event changes', () => {
    const m = setup({
      types: {
        events: {} as
          | { type: 'activate' }
          | { type: 'cancel' }
          | { type: 'renewal.open' }
          | { type: 'renew' },
      },
    }).createMachine({
      id: 'p',
      type: 'parallel',
      states: {
        status: {
          initial: 'scheduled',
          states: {
            scheduled: { on: { activate: 'active' } },
            active: { on: { cancel: 'cancelled' } },
            cancelled: {},
          },
        },
        renewal: {
          initial: 'none',
          states: {
            none: { on: { 'renewal.open': 'opened' } },
            opened: { on: { renew: 'renewed' } },
            renewed: {},
          },
        },
      },
    });
    const t = deriveTable(m, ['activate', 'cancel', 'renewal.open', 'renew']);
    expect(t.initial).toEqual({ status: 'scheduled', renewal: 'none' });
    const forced = t.step(t.initialKey, 'cancel');
    expect(forced).toMatchObject({ allowed: false, to: { status: 'cancelled', renewal: 'none' } });
    const renew = t.step(t.keyOf({ status: 'cancelled', renewal: 'none' }), 'renew');
    expect(renew).toMatchObject({ allowed: false, to: { status: 'cancelled', renewal: 'renewed' } });
    for (const key of t.states.keys()) for (const e of t.events) expect(t.step(key, e)).toBeDefined();
  });

  test("an event's column holds the very steps `step` gives, by the state they start from", () => {
    for (const catalog of [kota(), ten99policy()]) {
      for (const [name, spec] of catalog.lifecycles) {
        const types = [...catalog.events.values()].filter((e) => e.lifecycle === name).map((e) => e.event);
        const t = deriveTable(spec.machine, types);
        for (const e of t.events) {
          const column = t.column(e)!;
          expect([...column.keys()].sort(), `${name}: ${e}`).toEqual([...t.states.keys()].sort());
          for (const key of t.states.keys()) expect(column.get(key)).toBe(t.step(key, e));
        }
      }
    }
    expect(deriveTable(claimMachine, events).column('claim.unknown')).toBeUndefined();
  });

  test("each step's stamped regions: the regions its event sets, and those whose leaf it changes", () => {
    const flat = deriveTable(claimMachine, events);
    expect(flat.step('opened', 'claim.approved')!.regions).toEqual(['']);
    // A targetless event sets no region and changes none.
    expect(flat.step('opened', 'claim.updated')!.regions).toEqual([]);
    const tables = [flat];
    for (const catalog of [kota(), ten99policy()]) {
      for (const [name, spec] of catalog.lifecycles) {
        const types = [...catalog.events.values()].filter((e) => e.lifecycle === name).map((e) => e.event);
        tables.push(deriveTable(spec.machine, types));
      }
    }
    expect(tables.some((t) => typeof t.initial === 'object')).toBe(true);
    for (const t of tables) {
      for (const key of t.states.keys()) {
        for (const e of t.events) {
          const step = t.step(key, e)!;
          const expected = new Set([...t.regionsSet(e), ...t.changedRegions(t.states.get(key)!, step.to)]);
          expect(new Set(step.regions), `${t.machine.id}: ${key} on ${e}`).toEqual(expected);
        }
      }
    }
  });

  test('every state value a table hands out is deeply frozen: one object stands for a state everywhere', () => {
    const frozen = (v: StateValue): boolean =>
      typeof v === 'string' || (Object.isFrozen(v) && Object.values(v).every((s) => frozen(s as StateValue)));
    const all = [kota(), ten99policy()].flatMap((catalog) =>
      [...catalog.lifecycles].map(([name, spec]) => {
        const types = [...catalog.events.values()].filter((e) => e.lifecycle === name).map((e) => e.event);
        return deriveTable(spec.machine, types);
      }),
    );
    const tables = all.filter((t) => typeof t.initial === 'object');
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      expect(frozen(t.initial), t.machine.id).toBe(true);
      for (const [key, value] of t.states) {
        expect(frozen(value), `${t.machine.id}: ${key}`).toBe(true);
        for (const e of t.events)
          expect(frozen(t.step(key, e)!.to), `${t.machine.id}: ${key} on ${e}`).toBe(true);
      }
      const other = [...t.states.values()].find((v) => t.changedRegions(t.initial, v).length > 0)!;
      expect(frozen(t.withRegions(t.initial, other, t.changedRegions(t.initial, other)))).toBe(true);
    }
  });
});
