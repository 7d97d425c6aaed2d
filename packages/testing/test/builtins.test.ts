import { type Catalog, kota, ten99policy } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { checkLifecycle, type IntendedFinding } from '../src/index.js';

const noEventAnnounces =
  'Kota sends no event for this status; the machine keeps the state so the status enum is complete';
const noExit =
  'the provider has no event that leaves this state; the record lives on (the machine says "Terminal states: none")';

// A finding is a failure unless it is listed here (or in the machine's `meta.policyflow.intended`) with why.
// `order_dependent_event` describes events that do not fix the whole state by themselves (data-only events,
// one-region events of parallel machines). The engine keeps per-region staleness, so an older status change
// that arrives after such an event still lands (properties/engine.test.ts proves convergence).
const orderLimitation: IntendedFinding = {
  kind: 'order_dependent_event',
  subject: '*',
  reason:
    'data-only and one-region events do not fix the whole state; per-region staleness makes delivery order irrelevant',
};

const intended: Readonly<Record<string, ReadonlyArray<IntendedFinding>>> = {
  'kota/employee_offer': [
    {
      kind: 'unreachable_state',
      subject: 'accepted',
      reason: 'no Kota event announces acceptance (read it from the API)',
    },
    {
      kind: 'unreachable_state',
      subject: 'not_undertaken',
      reason: 'no Kota event announces a declined offer',
    },
    {
      kind: 'dead_end',
      subject: 'action_required',
      reason: 'the only offer event is action_required; the end states are not announced',
    },
  ],
  'kota/employer': [
    { kind: 'unreachable_state', subject: 'active', reason: noEventAnnounces },
    { kind: 'unreachable_state', subject: 'restricted', reason: noEventAnnounces },
    { kind: 'unreachable_state', subject: 'inactive', reason: noEventAnnounces },
    { kind: 'dead_end', subject: 'offboarding', reason: noExit },
    orderLimitation,
  ],
  'kota/employee': [
    { kind: 'unreachable_state', subject: 'pending', reason: noEventAnnounces },
    { kind: 'unreachable_state', subject: 'restricted', reason: noEventAnnounces },
    { kind: 'unreachable_state', subject: 'inactive', reason: noEventAnnounces },
    { kind: 'dead_end', subject: 'offboarding', reason: noExit },
    orderLimitation,
  ],
  'kota/dependents_management_intent': [
    { kind: 'unreachable_state', subject: 'processing', reason: noEventAnnounces },
  ],
  'kota/associated_person': [{ kind: 'dead_end', subject: 'active', reason: noExit }],
  'kota/employee_policy': [orderLimitation],
  'kota/policy': [orderLimitation],
  'kota/group_policy': [orderLimitation],
  'kota/group': [orderLimitation],
  'ten99policy/category_code': [
    {
      kind: 'dead_end',
      subject: 'added',
      reason: 'no event removes a code; a final initial state would refuse re-announcements',
    },
  ],
};

const catalogs: ReadonlyArray<Catalog> = [kota(), ten99policy()];

describe.each(catalogs.map((c) => [c.provider, c] as const))(
  'built-in %s lifecycles',
  (_provider, catalog) => {
    it.each([...catalog.lifecycles.keys()])('%s has no undocumented findings', (lifecycle) => {
      const machine = catalog.lifecycles.get(lifecycle)!.machine;
      const report = checkLifecycle(machine, catalog, {
        intended: intended[`${catalog.provider}/${lifecycle}`] ?? [],
      });
      expect(report.unexpected).toEqual([]);
      expect(report.stale).toEqual([]);
      expect(report.ok).toBe(true);
    });
  },
);
