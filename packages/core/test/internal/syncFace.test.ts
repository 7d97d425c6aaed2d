import { describe, expect, test } from 'vitest';
import type { LogLine } from '../../src/actions/types.js';
import { createEngine } from '../../src/engine.js';
import { syncFaceOf } from '../../src/internal/syncFace.js';
import type { Store } from '../../src/store.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { acme, claimEvent } from '../helpers.js';
import { createSimClock, insurer, quoteEvent } from '../rules/helpers.js';

describe('a store’s synchronous face', () => {
  test('counts only on the store it belongs to, not on a wrapper that copied it', () => {
    const inner = createMemoryStore();
    expect(syncFaceOf(inner)).toBe(inner.sync);
    const wrapper: Store = { ...inner, claimJobs: async () => [] };
    expect(wrapper.sync).toBe(inner.sync);
    expect(syncFaceOf(wrapper)).toBeUndefined();
  });

  test("a spread wrapper's overrides of reads and commits are called by the engine", async () => {
    const inner = createMemoryStore();
    const seen: string[] = [];
    const wrapper: Store = {
      ...inner,
      getResource: async (key) => {
        seen.push(`read ${key}`);
        return inner.getResource(key);
      },
      commit: async (write) => {
        seen.push(`commit ${write.ledger.eventId}`);
        return inner.commit(write);
      },
    };
    const engine = createEngine({ providers: [acme], store: wrapper });
    const r = await engine.ingest(claimEvent('claim.opened', 'w1', 1), { provider: 'acme' });
    expect(r.status).toBe('applied');
    expect(seen).toEqual(['read acme/claim/w1', `commit ${r.eventId}`]);
  });

  test('a spread wrapper that hides jobs from claims keeps the job runner from running them', async () => {
    const inner = createMemoryStore();
    const lines: LogLine[] = [];
    const engine = createEngine({
      providers: [insurer],
      rules: [{ name: 'note', on: 'quote.created', actions: [{ type: 'log', params: { message: 'hi' } }] }],
      clock: createSimClock(),
      logSink: (l) => lines.push(l),
      // A dry run's store, written the short way: the inner face would hand the runner every job.
      store: { ...inner, claimJobs: async () => [], nextJobDueAt: async () => undefined },
    });
    const r = await engine.ingest(quoteEvent('quote.created', 'q1', 100), { provider: 'insurer' });
    await engine.drain();
    expect(r.actions).toHaveLength(1);
    expect(lines).toEqual([]);
    expect((await inner.listJobs()).map((j) => j.status)).toEqual(['pending']);
  });
});
