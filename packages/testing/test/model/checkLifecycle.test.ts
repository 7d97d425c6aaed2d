import { defineCatalog } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { checkLifecycle } from '../../src/index.js';
import { acme, claimMachine } from '../helpers.js';

type E =
  | { type: 'a.go' }
  | { type: 'a.stop' }
  | { type: 'a.reopen' }
  | { type: 'a.ghost' }
  | { type: 'a.touch' };

const flawed = setup({ types: { events: {} as E } }).createMachine({
  id: 'flawed',
  initial: 'idle',
  states: {
    idle: { on: { 'a.go': 'running', 'a.touch': {} } },
    running: { on: { 'a.stop': 'stopped', 'a.ghost': 'idle', 'a.touch': {} } },
    // Knows 'a.reopen' (a catalog rejects an event its machine knows nowhere), but is never reached.
    stuck: { on: { 'a.reopen': 'idle' } },
    stopped: { type: 'final' },
  },
});

const withParent = setup({ types: { events: {} as E } }).createMachine({
  id: 'parent',
  initial: 'job',
  states: {
    job: {
      initial: 'working',
      on: { 'a.reopen': '.working' },
      states: { working: { on: { 'a.stop': 'done' } }, done: { type: 'final' } },
    },
  },
});

const catalog = defineCatalog({
  provider: 'x',
  lifecycles: { flawed, nested: withParent },
  events: {
    'a.go': { lifecycle: 'flawed', id: 'id' },
    'a.stop': { lifecycle: 'flawed', id: 'id' },
    'a.touch': { lifecycle: 'flawed', id: 'id' },
    'x.unused': { lifecycle: 'flawed', id: 'id', event: 'a.reopen' },
    'n.stop': { lifecycle: 'nested', id: 'id', event: 'a.stop' },
    'n.reopen': { lifecycle: 'nested', id: 'id', event: 'a.reopen' },
  },
});

describe('checkLifecycle', () => {
  it('finds nothing wrong with a well-formed lifecycle', () => {
    const report = checkLifecycle(claimMachine, acme);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.lifecycle).toBe('claim');
  });

  it('reports each kind of finding', () => {
    const report = checkLifecycle(flawed, catalog);
    const found = report.findings.map((f) => `${f.kind} ${f.subject}`);
    expect(found).toEqual([
      'unreachable_state stuck',
      'unused_event_type x.unused',
      'untriggered_transition running on a.ghost',
      'order_dependent_event a.touch',
      'order_dependent_event x.unused',
    ]);
    expect(report.ok).toBe(false);
  });

  it('reports a dead end and a final state a parent transition can leave', () => {
    const dead = setup({ types: { events: {} as E } }).createMachine({
      id: 'dead',
      initial: 'a',
      states: { a: { on: { 'a.go': 'b' } }, b: { on: { 'a.go': 'b' } } },
    });
    const c = defineCatalog({
      provider: 'd',
      lifecycles: { dead },
      events: { 'a.go': { lifecycle: 'dead', id: 'id' } },
    });
    expect(checkLifecycle(dead, c).findings.map((f) => `${f.kind} ${f.subject}`)).toEqual(['dead_end b']);
    const nested = checkLifecycle(withParent, catalog);
    expect(nested.findings.map((f) => `${f.kind} ${f.subject}`)).toContain('terminal_not_absorbing job.done');
  });

  it('accepts findings documented as intended (by parameter or machine meta) and flags stale documentation', () => {
    const report = checkLifecycle(flawed, catalog, {
      intended: [
        { kind: 'unreachable_state', subject: 'stuck', reason: 'kept for the status enum' },
        { kind: 'unused_event_type', subject: 'x.unused', reason: 'reserved' },
        { kind: 'untriggered_transition', subject: 'running on a.ghost', reason: 'sent by hand' },
        { kind: 'order_dependent_event', subject: '*', reason: 'touch changes nothing' },
        { kind: 'dead_end', subject: 'idle', reason: 'no longer true' },
      ],
    });
    expect(report.unexpected).toEqual([]);
    expect(report.intended.map((f) => f.reason)).toContain('kept for the status enum');
    expect(report.stale).toEqual([{ kind: 'dead_end', subject: 'idle', reason: 'no longer true' }]);

    const documented = flawed.provide({});
    Object.assign(documented.root, {
      meta: { policyflow: { intended: [{ kind: 'unreachable_state', subject: 'stuck', reason: 'enum' }] } },
    });
    const c2 = defineCatalog({
      provider: 'y',
      lifecycles: { flawed: documented },
      events: { 'a.go': { lifecycle: 'flawed', id: 'id' } },
    });
    expect(checkLifecycle(documented, c2).intended.map((f) => f.subject)).toContain('stuck');
  });

  it('throws when the machine is not in the catalog', () => {
    expect(() => checkLifecycle(flawed, acme)).toThrow(/not a lifecycle/);
  });
});
