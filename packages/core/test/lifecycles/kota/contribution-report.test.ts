import { kotaLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, handles, tableOf } from './helpers.js';

const machine = kotaLifecycles.contribution_report;
const finalized = 'contribution_report.finalized';

describe('Kota contribution_report machine', () => {
  it('goes open → finalized, and finalized is terminal', () => {
    expect(initialTransition(machine)[0].value).toBe('open');
    expect(tableOf(machine)).toEqual({ open: { [finalized]: 'finalized' }, finalized: {} });
    expect(at(machine, 'finalized').status).toBe('done');
    expect(handles(machine, at(machine, 'finalized'), finalized)).toBe(false);
  });
});
