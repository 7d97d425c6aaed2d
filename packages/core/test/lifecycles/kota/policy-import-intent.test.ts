import { kotaLifecycles } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { at, eventsOf, expand, handles, tableOf } from './helpers.js';

const machine = kotaLifecycles.policy_import_intent;

describe('Kota policy_import_intent machine', () => {
  it('goes processing → success | failed, both terminal and absorbing', () => {
    expect(initialTransition(machine)[0].value).toBe('processing');
    expect(tableOf(machine)).toEqual(
      expand('policy_import_intent.', {
        processing: { processing: 'processing', success: 'success', failed: 'failed' },
        success: {},
        failed: {},
      }),
    );
    for (const value of ['success', 'failed']) {
      const snap = at(machine, value);
      expect(snap.status).toBe('done');
      for (const type of eventsOf(machine)) expect(handles(machine, snap, type)).toBe(false);
    }
  });
});
