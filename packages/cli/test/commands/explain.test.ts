import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo, fixtures } from '../helpers.js';

const dir = join(import.meta.dirname, '../fixtures');
const env = { T99_WEBHOOK_SECRET: 'whsec_test' };
const cancelled = readFileSync(join(fixtures, 'ten99policy.ndjson'), 'utf8').split('\n')[2]!;

describe('explain', () => {
  it('shows the transition, the candidate rule, its conditions and the actions it would fire', async () => {
    const io = { ...captureIo({ cwd: dir, stdin: cancelled }), env };
    expect(await main(['explain', '-', '--provider', 'ten99policy'], io)).toBe(0);
    expect(io.out()).toContain(
      '(policy.cancelled) would be applied ten99policy/policy/pl_WzFRszJhoY: (new) → cancelled',
    );
    expect(io.out()).toContain('✓ policy-cancelled (on policy to cancelled)');
    expect(io.out()).toContain('→ log {"message":"policy pl_WzFRszJhoY was cancelled"}');
  });

  it('traces each condition with the fact value it saw', async () => {
    const event = JSON.stringify({
      id: 'ev_x1',
      type: 'invoice.charge_card_failed',
      created: 1700000000,
      data: { id: 'in_1', status: 'open' },
    });
    const io = { ...captureIo({ cwd: dir, stdin: event }), env };
    expect(await main(['explain', '-', '--provider', 'ten99policy'], io)).toBe(0);
    expect(io.out()).toContain('✗ card-failed (on invoice.charge_card_failed)');
    expect(io.out()).toContain('✗ event $.data.status equal "payment_failed" (was "open")');
  });

  it('prints JSON with --json and exits 1 for an invalid event', async () => {
    const io = { ...captureIo({ cwd: dir, stdin: '{"type":"policy.active"}' }), env };
    expect(await main(['explain', '-', '--provider', 'ten99policy', '--json'], io)).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({ status: 'invalid' });
  });

  it('needs no variable of the store or providers sections, which it does not use; validate still does', async () => {
    const io = captureIo({ cwd: dir, stdin: cancelled });
    expect(await main(['explain', '-', '--provider', 'ten99policy'], io)).toBe(0);
    expect(io.out()).toContain('✓ policy-cancelled (on policy to cancelled)');
    const check = captureIo({ cwd: dir });
    expect(await main(['validate'], check)).toBe(1);
    expect(check.err() + check.out()).toContain('environment variable T99_WEBHOOK_SECRET is not set');
  });

  it('says no rule is a candidate without a config', async () => {
    const io = captureIo({ cwd: import.meta.dirname, stdin: cancelled });
    expect(await main(['explain', '-', '--provider', 'ten99policy'], io)).toBe(0);
    expect(io.out()).toContain('no rule is a candidate');
  });
});
