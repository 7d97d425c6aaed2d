import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers.js';

describe('demo', () => {
  it('tells the story and ends with the resources, their states and the actions', async () => {
    const io = captureIo();
    expect(await main(['demo', '--memory'], io)).toBe(0);
    const out = io.out();
    expect(out).toContain('[3/5] webhooks 8 signed deliveries: applied 5 · forced 1 · stale 1 · duplicate 1');
    expect(out).toContain('[4/5] polling  both events APIs read from the start: applied 1 · duplicate 7');
    expect(out).toContain('contractor-policy-cancelled failed once and succeeded on retry');
    expect(out).toMatch(/kota\/employee_policy\/eehp_demo\S*\s+active\s/);
    expect(out).toMatch(/kota\/employer_quote\/erhq_demo\S*\s+accepted\s/);
    expect(out).toMatch(/ten99policy\/invoice\/in_DemoInvoice01\s+payment_failed\s/);
    expect(out).toMatch(/ten99policy\/policy\/pl_DemoPolicy01\s+cancelled\s/);
    expect(out).toMatch(/contractor-policy-cancelled\s+notify\s+succeeded\s+2/);
    expect(out).toMatch(/card-charge-failed\s+emit\s+succeeded\s+1/);
  });

  it('runs on its default store, PGlite in a temporary folder, and removes the folder', async () => {
    const io = captureIo();
    expect(await main(['demo'], io)).toBe(0);
    const folder = /PGlite in (\S+): opening/.exec(io.out())![1]!;
    expect(existsSync(folder)).toBe(false);
    expect(io.out()).toMatch(/ten99policy\/policy\/pl_DemoPolicy01\s+cancelled\s/);
    expect(io.out()).toMatch(/kota\/employee_policy\/eehp_demo\S*\s+active\s/);
    // Opening PGlite (initdb and migrations) takes seconds, much longer on a loaded machine.
  }, 120_000);

  it('replays the bundled fixtures with --fixtures', async () => {
    const io = captureIo();
    expect(await main(['demo', '--fixtures'], io)).toBe(0);
    expect(io.out()).toMatch(/ten99policy\/policy\/pl_WzFRszJhoY\s+policy\s+active\s+4/);
    expect(io.out()).toMatch(
      /kota\/group_policy\/gp_5f60718293…\s+group_policy\s+status=cancelled renewal=canceled/,
    );
  });

  it.each([['memory'], ['--memory', 'extra'], ['--fixtures', 'memory']])(
    'rejects the stray argument of demo %s with exit 1, as every other command does',
    async (...argv) => {
      const io = captureIo();
      expect(await main(['demo', ...argv], io)).toBe(1);
      expect(io.err()).toMatch(/^error: demo takes no positional arguments/);
      expect(io.err()).toContain('--memory');
      expect(io.out()).toBe('');
    },
  );
});
