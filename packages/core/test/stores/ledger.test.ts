import { describe, expect, test } from 'vitest';
import { StateCodes } from '../../src/stores/memory/columns.js';
import { Ledger } from '../../src/stores/memory/ledger.js';

const STATUSES = ['applied', 'forced', 'rejected', 'stale'] as const;

describe('the ledger', () => {
  // 5,000 rows span three chunks of 2,048: every row must read back as written, wherever it sits.
  test('reads back every row and history chain across its chunks', () => {
    const states = new StateCodes();
    const ledger = new Ledger(states, (row) => `p/l/r${row}`);
    const rows = 5_000;
    const newest = new Map<number, number>();
    for (let i = 0; i < rows; i++) {
      const resource = i % 7;
      const line = ledger.add(
        {
          eventId: `evt_${i}`,
          provider: i % 3 === 0 ? 'kota' : 'ten99policy',
          type: `t.${i % 5}`,
          key: `p/l/r${resource}`,
          source: i % 2 === 0 ? 'webhook' : 'poll',
          status: STATUSES[i % 4]!,
          occurredAt: 1_000 + i,
          receivedAt: 2_000 + i,
        },
        {
          eventId: `evt_${i}`,
          type: `t.${i % 5}`,
          status: STATUSES[i % 4]!,
          from: `s${i % 3}`,
          to: `s${(i + 1) % 3}`,
          occurredAt: 1_000 + i,
          recordedAt: 3_000 + i,
          source: i % 2 === 0 ? 'webhook' : 'poll',
        },
        resource,
        newest.get(resource) ?? -1,
      );
      expect(line).toBe(i);
      newest.set(resource, line);
    }
    for (let i = 0; i < rows; i++) {
      expect(ledger.has(`evt_${i}`)).toBe(true);
      expect(ledger.get(`evt_${i}`)).toEqual({
        eventId: `evt_${i}`,
        key: `p/l/r${i % 7}`,
        type: `t.${i % 5}`,
        provider: i % 3 === 0 ? 'kota' : 'ten99policy',
        source: i % 2 === 0 ? 'webhook' : 'poll',
        status: STATUSES[i % 4],
        occurredAt: 1_000 + i,
        receivedAt: 2_000 + i,
      });
      expect(ledger.history(i)).toMatchObject({
        from: `s${i % 3}`,
        to: `s${(i + 1) % 3}`,
        recordedAt: 3_000 + i,
      });
    }
    // Resource 3's lines are every seventh row from 3: its chain from the newest, oldest first.
    const chain = ledger.chain(newest.get(3)!, 1_000);
    expect(chain).toEqual(Array.from({ length: chain.length }, (_, k) => 3 + 7 * k));
    expect(chain.length).toBe(Math.ceil((rows - 3) / 7));
    expect(ledger.has('evt_missing')).toBe(false);
  });
});
