import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers.js';

describe('demo', () => {
  it('replays every fixture and ends with the resources table and the counts', async () => {
    const io = captureIo();
    expect(await main(['demo'], io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(/ten99policy\/policy\/pl_WzFRszJhoY\s+policy\s+active\s+4/);
    expect(out).toMatch(/ten99policy\/assignment\/an_rDpc5e7D2s\s+assignment\s+cancelled/);
    expect(out).toMatch(
      /kota\/group_policy\/gp_5f60718293…\s+group_policy\s+status=cancelled renewal=canceled/,
    );
    expect(out).toMatch(/\d+ resources from \d+ events: applied \d+/);
  });
});
