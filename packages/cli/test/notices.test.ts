import { createEngine, createMemoryStore, kota, type Store, ten99policy } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { describeFailure, reportNotices } from '../src/notices.js';
import { createRuntime } from '../src/runtime.js';
import { captureIo } from './helpers.js';

describe('reportNotices', () => {
  it('writes warnings, gaps and dead actions to stderr, until stopped', () => {
    const engine = createEngine({ providers: [kota(), ten99policy()] });
    const io = captureIo();
    const stop = reportNotices(engine, io);
    engine.emit('warning', { code: 'lease_lost', message: 'job j1 was taken back' });
    engine.emit('gap', { provider: 'kota', checkpoint: '', message: 'since is too old' });
    const job = { id: 'ev_1:r:0', type: 'http', rule: 'notify', attempts: 6 } as never;
    engine.emit('action.dead', { job, error: { code: 'action_failed', message: 'HTTP 500', path: [] } });
    stop();
    engine.emit('warning', { code: 'rule_error', message: 'after the stop' });
    expect(io.err()).toBe(
      [
        'warning lease_lost: job j1 was taken back',
        "gap in kota's polled history: since is too old",
        'action http of rule notify is dead after 6 attempt(s) (ev_1:r:0): HTTP 500',
        '',
      ].join('\n'),
    );
  });

  it('describes a failure with its cause', () => {
    const cause = new Error('connection refused');
    expect(describeFailure(new Error('the pglite store failed to commit ev_1', { cause }))).toBe(
      'the pglite store failed to commit ev_1: connection refused',
    );
    expect(describeFailure('plain')).toBe('plain');
  });
});

describe('createRuntime', () => {
  it('hands the error behind a 5xx webhook answer to onWebhookFailure; the sender gets the code only', async () => {
    const inner = createMemoryStore();
    const store: Store = { ...inner, kind: 'broken', commit: () => Promise.reject(new Error('disk full')) };
    const failures: unknown[] = [];
    const runtime = await createRuntime(undefined, {
      cwd: process.cwd(),
      unsigned: true,
      store,
      onWebhookFailure: (f) => failures.push({ ...f, cause: describeFailure(f.cause) }),
    });
    try {
      const body = JSON.stringify({
        id: 'ev_1',
        type: 'policy.active',
        created: 1_700_000_000,
        data: { id: 'pl_1', object: 'policy', status: 'active' },
      });
      const res = await runtime.handlers.get('ten99policy')!(
        new Request('http://x/', { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      );
      expect(res.status).toBe(503);
      expect(await res.text()).not.toContain('disk full');
      expect(failures).toEqual([
        {
          provider: 'ten99policy',
          status: 503,
          code: 'store_failure',
          cause: 'the broken store failed to commit ev_1: disk full',
        },
      ]);
    } finally {
      await runtime.close();
    }
  });
});
