import { kotaLifecycles, tableFor } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { eventsOf, handles, impliedTargets, nodesOf, reachable } from './helpers.js';

const lifecycles = Object.entries(kotaLifecycles);

describe.each(lifecycles)('Kota %s machine conventions', (name, machine) => {
  it('is identified by its lifecycle name', () => {
    expect(machine.id).toBe(name);
  });

  it('is pure: no context, actions, guards, delays, invocations or eventless transitions', () => {
    expect(machine.config.context).toBeUndefined();
    for (const node of nodesOf(machine)) {
      expect(node.entry, node.id).toEqual([]);
      expect(node.exit, node.id).toEqual([]);
      expect(node.invoke, node.id).toEqual([]);
      expect(node.after, node.id).toEqual([]);
      expect(node.always ?? [], node.id).toEqual([]);
      for (const defs of node.transitions.values()) {
        for (const def of defs) {
          expect(def.actions, `${node.id} ${def.eventType}`).toEqual([]);
          expect(def.guard, `${node.id} ${def.eventType}`).toBeUndefined();
        }
      }
    }
  });

  it('gives every transition a one-line reason and every state a description', () => {
    for (const node of nodesOf(machine)) {
      if (node.type !== 'parallel' && node.type !== 'compound')
        expect(node.description, node.id).toBeTruthy();
      for (const defs of node.transitions.values()) {
        for (const def of defs) expect(def.description, `${node.id} ${def.eventType}`).toBeTruthy();
      }
    }
  });

  it('uses verbatim provider event types, without wildcards', () => {
    for (const type of eventsOf(machine)) expect(type).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });

  it('moves each region to one state per event wherever the event changes it', () => {
    for (const [type, byRegion] of impliedTargets(machine)) {
      for (const [region, leaves] of byRegion)
        expect([...leaves], `${type} in region '${region}'`).toHaveLength(1);
    }
  });

  it('makes final states absorbing', () => {
    const table = tableFor(machine, eventsOf(machine));
    for (const [key, snap] of reachable(machine)) {
      if (snap.status !== 'done') continue;
      expect(table.finals.has(key)).toBe(true);
      for (const type of eventsOf(machine))
        expect(handles(machine, snap, type), `${key} ${type}`).toBe(false);
    }
  });
});
