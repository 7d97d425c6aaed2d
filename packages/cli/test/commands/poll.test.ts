import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeProvider } from '@policyflow/testing';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo, configFolder, fixtures } from '../helpers.js';

function recent(file: string): Array<Record<string, unknown>> {
  const from = Date.now() - 3_600_000;
  return readFileSync(join(fixtures, file), 'utf8')
    .trim()
    .split('\n')
    .map((l, i) => ({ ...(JSON.parse(l) as Record<string, unknown>), created: Math.floor(from / 1000) + i }));
}

describe('poll', () => {
  it('--once reads each configured provider from its checkpoint and prints what it ingested', async () => {
    const fake = await createFakeProvider({ seed: 5 });
    try {
      fake.addEvents('ten99policy', recent('ten99policy.ndjson'));
      const dir = configFolder(
        `providers:\n  ten99policy:\n    api: { baseUrl: "${fake.url}", key: "\${T99_KEY}" }\n`,
      );
      const io = { ...captureIo({ cwd: dir }), env: { T99_KEY: fake.apiKey } };
      expect(await main(['poll', '--once'], io)).toBe(0);
      expect(io.out()).toMatch(
        /^ten99policy: 20 fetched in \d+ request\(s\), 20 ingested \(applied 16 · forced 4\)$/m,
      );
    } finally {
      await fake.close();
    }
  });

  it('polls every poll.every until the signal aborts', async () => {
    const fake = await createFakeProvider({ seed: 5 });
    try {
      fake.addEvents('ten99policy', recent('ten99policy.ndjson'));
      const dir = configFolder(
        `providers:\n  ten99policy:\n    api: { baseUrl: "${fake.url}", key: "${fake.apiKey}" }\n    poll: { every: 20ms }\n`,
      );
      const controller = new AbortController();
      const io = captureIo({ cwd: dir, signal: controller.signal });
      const done = main(['poll'], io);
      for (let i = 0; i < 2000 && (io.out().match(/^ten99policy: /gm) ?? []).length < 2; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      controller.abort();
      expect(await done).toBe(0);
      const passes = io.out().match(/^ten99policy: .*$/gm) ?? [];
      expect(passes[0]).toContain('20 ingested');
      expect(passes[1]).toContain('0 ingested');
    } finally {
      await fake.close();
    }
  });

  it('stops polling and exits 2 when the events API refuses the key, as --once does', async () => {
    const fake = await createFakeProvider({ seed: 5 });
    try {
      const dir = configFolder(
        `providers:\n  kota:\n    api: { baseUrl: "${fake.url}", key: wrong }\n    poll: { every: 20ms }\n`,
      );
      // Never aborted: retrying cannot fix refused credentials, so the loop must end on its own.
      const io = captureIo({ cwd: dir, signal: new AbortController().signal });
      expect(await main(['poll'], io)).toBe(2);
      expect(io.err()).toContain('poll kota failed');
      expect(io.err()).toContain('check providers.<name>.api');
      expect(fake.stats().unauthorized).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('--once stops promptly with exit 2 when the signal aborts, even while waiting out a Retry-After', async () => {
    const controller = new AbortController();
    // Busy for an hour: without the signal, the poller would sleep that long before its next attempt.
    const api = createServer((_req, res) => {
      res.on('finish', () => controller.abort());
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '3600' });
      res.end('{"type":"about:blank","status":503,"title":"Service Unavailable"}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'pf-poll-'));
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      writeFileSync(
        join(dir, 'policyflow.config.yaml'),
        `providers:\n  kota:\n    api: { baseUrl: "${url}", key: k }\n  ten99policy:\n    api: { baseUrl: "${url}", key: k }\n`,
      );
      const io = captureIo({ cwd: dir, signal: controller.signal });
      expect(await main(['poll', '--once'], io)).toBe(2);
      expect(io.err()).toContain('poll interrupted');
      // Interrupted, not failed: the second provider is not polled, and no failure is blamed on the config.
      expect(io.err()).not.toContain('ten99policy');
      expect(io.err()).not.toContain('check providers');
    } finally {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    }
  });

  it('exits 1 and says what to configure when no provider has an API key', async () => {
    const io = captureIo({ cwd: tmpdir() });
    expect(await main(['poll', '--once'], io)).toBe(1);
    expect(io.err()).toContain('no provider to poll');
    expect(io.err()).toContain('api: { key:');
  });

  it('exits 2 when the events API refuses the key', async () => {
    const fake = await createFakeProvider({ seed: 5 });
    try {
      const dir = configFolder(
        `providers:\n  kota:\n    api: { baseUrl: "${fake.url}", key: wrong }\n`,
        'p.yaml',
      );
      const io = captureIo({ cwd: dir });
      expect(await main(['poll', '--once', '--config', 'p.yaml'], io)).toBe(2);
      expect(io.err()).toContain('poll kota failed');
    } finally {
      await fake.close();
    }
  });
});
