import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, initialTransition, transition } from 'xstate';
import { at, eventsOf, expand, handles, leafOf, reachable, regionTable, walk } from './helpers.js';

// Typed loosely: the tests send event types built from strings.
const machine: AnyStateMachine = kotaLifecycles.group_policy;
const p = (suffix: string) => `group_policy.${suffix}`;
const statusEvents = ['scheduled', 'active', 'expired', 'cancelled'].map(p);
const renewalEvents = ['renewal.opened', 'renewal.renewed', 'renewal.canceled'].map(p);

describe('Kota group_policy machine', () => {
  it('runs status and renewal as parallel regions, starting scheduled with no renewal', () => {
    expect(machine.root.type).toBe('parallel');
    expect(initialTransition(machine)[0].value).toEqual({ status: 'scheduled', renewal: 'none' });
    expect(eventsOf(machine)).toEqual([...statusEvents, ...renewalEvents, p('updated')].sort());
  });

  it('allows exactly the expected status transitions', () => {
    expect(regionTable(machine, 'status')).toEqual(
      expand('group_policy.', {
        scheduled: { scheduled: 'scheduled', active: 'active', cancelled: 'cancelled' },
        active: { active: 'active', expired: 'expired', cancelled: 'cancelled' },
        expired: {},
        cancelled: {},
      }),
    );
  });

  it('allows exactly the expected renewal transitions', () => {
    expect(regionTable(machine, 'renewal')).toEqual(
      expand('group_policy.renewal.', {
        none: { opened: 'opened', canceled: 'canceled' },
        opened: { opened: 'opened', renewed: 'renewed', canceled: 'canceled' },
        renewed: { renewed: 'renewed', canceled: 'canceled', opened: 'opened' },
        canceled: { canceled: 'canceled', renewed: 'renewed', opened: 'opened' },
      }),
    );
  });

  it('keeps the regions independent: an event of one never moves the other', () => {
    for (const snap of reachable(machine).values()) {
      for (const type of eventsOf(machine)) {
        if (!handles(machine, snap, type)) continue;
        const after = transition(machine, snap, { type })[0].value;
        const untouched = renewalEvents.includes(type) ? 'status' : 'renewal';
        expect(leafOf(after, untouched)).toBe(leafOf(snap.value, untouched));
      }
    }
  });

  it('handles group_policy.updated in every reachable state without a change', () => {
    for (const snap of reachable(machine).values()) {
      expect(handles(machine, snap, p('updated'))).toBe(true);
      expect(transition(machine, snap, { type: p('updated') })[0].value).toEqual(snap.value);
    }
  });

  it('renews year after year while the scheme stays active', () => {
    expect(
      walk(machine, [
        p('active'),
        p('renewal.opened'),
        p('renewal.renewed'),
        p('renewal.opened'),
        p('renewal.canceled'),
        p('expired'),
      ]).at(-1),
    ).toEqual({ status: 'expired', renewal: 'canceled' });
  });

  it('makes expired and cancelled terminal for the status while renewal events still land', () => {
    const ended = at(machine, { status: 'cancelled', renewal: 'opened' });
    expect(ended.status).toBe('active');
    for (const type of statusEvents) expect(handles(machine, ended, type)).toBe(false);
    expect(transition(machine, ended, { type: p('renewal.canceled') })[0].value).toEqual({
      status: 'cancelled',
      renewal: 'canceled',
    });
  });

  it('flags a renewal with no opened window, and forces only the region the event belongs to', () => {
    expect(handles(machine, at(machine, { status: 'active', renewal: 'none' }), p('renewal.renewed'))).toBe(
      false,
    );
    const table = tableFor(machine, eventsOf(machine));
    const key = table.keyOf({ status: 'active', renewal: 'none' });
    expect(table.step(key, p('renewal.renewed'))).toMatchObject({
      allowed: false,
      to: { status: 'active', renewal: 'renewed' },
    });
    const ended = table.keyOf({ status: 'expired', renewal: 'opened' });
    expect(table.step(ended, p('active'))).toMatchObject({
      allowed: false,
      to: { status: 'active', renewal: 'opened' },
    });
  });
});
