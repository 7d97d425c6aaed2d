import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo, configFolder, fixtures } from '../helpers.js';

const ten99 = join(fixtures, 'ten99policy.ndjson');

describe('replay', () => {
  it('prints one JSON line per event and a summary line with --json', async () => {
    const io = captureIo();
    expect(await main(['replay', ten99, '--provider', 'ten99policy', '--json'], io)).toBe(0);
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(21);
    const first = lines[0]!;
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining(['eventId', 'type', 'status', 'key', 'from', 'to', 'actions']),
    );
    expect(first).toMatchObject({ type: 'policy.active', key: 'ten99policy/policy/pl_WzFRszJhoY' });
    const summary = lines[20]!.summary as Record<string, number>;
    expect(Object.values(summary).reduce((a, b) => a + b, 0)).toBe(20);
  });

  it('runs the rules of a config without the variables of its store and providers, which it does not use', async () => {
    const cwd = configFolder(`
store: { type: postgres, url: "\${DATABASE_URL}" }
providers:
  ten99policy: { api: { key: "\${T99_API_KEY}" } }
rules:
  - name: cancelled
    on: policy.cancelled
    actions: [{ type: log, params: { message: "cancelled {{resource.id}}" } }]
`);
    const io = captureIo({ cwd });
    expect(await main(['replay', ten99, '--provider', 'ten99policy', '--json'], io)).toBe(0);
    const fired = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type?: string; actions?: unknown[] })
      .filter((l) => (l.actions?.length ?? 0) > 0);
    expect(fired.map((l) => l.type)).toEqual(['policy.cancelled']);
  });

  it('replays a pretty-printed saved list page as its events', async () => {
    const page = JSON.parse(readFileSync(join(fixtures, 'kota-events-page.json'), 'utf8')) as {
      items: unknown[];
    };
    const io = captureIo({ stdin: JSON.stringify(page, null, 2) });
    expect(await main(['replay', '-', '--provider', 'kota', '--json'], io)).toBe(0);
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(page.items.length + 1);
    expect(lines[0]).toMatchObject({ type: 'group.ready', status: 'applied', line: 1 });
    expect(lines.at(-1)).toMatchObject({ summary: { applied: page.items.length, invalid: 0 } });
  });

  it('reads stdin with - and prints final states with --states', async () => {
    const io = captureIo({ stdin: readFileSync(ten99, 'utf8') });
    expect(await main(['replay', '-', '--provider', 'ten99policy', '--states'], io)).toBe(0);
    expect(io.out()).toContain('replayed 20 events from stdin');
    expect(io.out()).toMatch(/ten99policy\/assignment\/an_rDpc5e7D2s\s+assignment\s+cancelled\s+2/);
  });

  it('counts a redelivery as duplicate and an older event as stale', async () => {
    const lines = readFileSync(ten99, 'utf8').trim().split('\n');
    const io = captureIo({ stdin: [lines[0], lines[2], lines[0], lines[1]].join('\n') });
    expect(await main(['replay', '-', '--provider', 'ten99policy', '--json'], io)).toBe(0);
    const statuses = io
      .out()
      .trim()
      .split('\n')
      .slice(0, 4)
      .map((l) => (JSON.parse(l) as { status: string }).status);
    expect(statuses).toContain('duplicate');
  });

  it('exits 1 and names the line when an event is invalid', async () => {
    const io = captureIo({
      stdin: '{"id":"ev_1","type":"policy.active","created":1696015791,"data":{"id":5}}\nnot json\n',
    });
    expect(await main(['replay', '-', '--provider', 'ten99policy'], io)).toBe(1);
    expect(io.out()).toContain('line 1: invalid [invalid_data]');
    expect(io.out()).toContain('line 2: invalid [invalid_json]');
    expect(io.err()).toContain('fix or drop the lines');
  });

  it('exits 1 with the choices when --provider is missing or unknown', async () => {
    const missing = captureIo();
    expect(await main(['replay', ten99], missing)).toBe(1);
    expect(missing.err()).toContain('--provider ten99policy');
    const unknown = captureIo();
    expect(await main(['replay', ten99, '--provider', 'acme'], unknown)).toBe(1);
    expect(unknown.err()).toContain("unknown provider 'acme'");
  });

  it('exits 1 when the file cannot be read', async () => {
    const io = captureIo();
    expect(await main(['replay', 'nope.ndjson', '--provider', 'kota'], io)).toBe(1);
    expect(io.err()).toContain('ENOENT');
  });

  it('accepts a saved list-API page', async () => {
    const io = captureIo();
    const page = join(fixtures, 'kota-events-page.json');
    expect(await main(['replay', page, '--provider', 'kota', '--json'], io)).toBe(0);
    expect(io.out()).toContain('"type":"group.ready"');
  });
});

describe('replay with rules', () => {
  const dir = join(import.meta.dirname, '../fixtures');
  const env = { T99_WEBHOOK_SECRET: 'whsec_test' };

  it('records the actions rules fire without running them (dry run)', async () => {
    const io = { ...captureIo({ cwd: dir }), env };
    expect(await main(['replay', ten99, '--provider', 'ten99policy', '--json'], io)).toBe(0);
    const cancel = io
      .out()
      .split('\n')
      .find((l) => l.includes('"type":"policy.cancelled"'))!;
    expect(JSON.parse(cancel).actions).toEqual([
      {
        rule: 'policy-cancelled',
        type: 'log',
        idempotencyKey: 'ev_Q2kA9Nsub9jKcFJqcBSv03:policy-cancelled:0',
      },
    ]);
    expect(io.err()).not.toContain('was cancelled');
  });

  it('runs the actions with --execute', async () => {
    const io = { ...captureIo({ cwd: dir }), env };
    expect(await main(['replay', ten99, '--provider', 'ten99policy', '--execute'], io)).toBe(0);
    expect(io.out()).toContain('actions executed');
    expect(io.out()).toContain('"message":"policy pl_WzFRszJhoY was cancelled"');
  });

  it('exits 1 with the located problems when the config is invalid', async () => {
    const io = captureIo({ cwd: dir });
    expect(
      await main(['replay', ten99, '--provider', 'ten99policy', '--config', 'broken.config.yaml'], io),
    ).toBe(1);
    expect(io.err()).toContain('broken.config.yaml:4:9 rules[0].on');
  });
});

describe('replay --execute', () => {
  const event =
    '{"id":"ev_1","type":"policy.active","created":1700000000,"data":{"id":"pl_1","status":"active"}}\n';

  /** A loopback server answering each POST with the next status of `statuses` (the last one for ever). */
  async function hook(
    statuses: number[],
  ): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
    let hits = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = statuses[Math.min(hits, statuses.length - 1)]!;
        hits++;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/hook`,
      hits: () => hits,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  const config = (url: string) => `
rules:
  - name: notify
    on: policy.active
    actions:
      - { type: http, retry: { attempts: 3, baseMs: 20, maxMs: 40 }, params: { url: "${url}", body: { id: "{{resource.id}}" } } }
  - name: later
    on: policy.active
    actions:
      - { type: log, delay: 1h, params: { message: "later {{resource.id}}" } }
  - name: hello
    on: policy.active
    actions:
      - { type: log, params: { message: "hello {{resource.id}}" } }
`;

  it('waits out the retries, reports each job truthfully and exits 1 when one is dead', async () => {
    const server = await hook([500]);
    try {
      const io = captureIo({ cwd: configFolder(config(server.url)), stdin: event });
      expect(await main(['replay', '-', '--provider', 'ten99policy', '--execute'], io)).toBe(1);
      expect(server.hits()).toBe(3);
      const out = io.out();
      expect(out).toContain(
        `notify → http (ev_1:notify:0): dead after 3 attempts: POST ${server.url} answered 500`,
      );
      expect(out).toMatch(/later → log \(ev_1:later:0\): pending, due \S+Z \(in 1h\), not run/);
      expect(out).toContain('hello → log (ev_1:hello:0): succeeded');
      expect(out).toContain('succeeded 1 · dead 1 · pending 1');
      expect(out).toContain('"message":"hello pl_1"');
      expect(out).not.toContain('later pl_1');
      expect(io.err()).toContain('1 action(s) failed for good');
    } finally {
      await server.close();
    }
  });

  it('exits 0 when an action succeeds on a retry', async () => {
    const server = await hook([500, 200]);
    try {
      const io = captureIo({ cwd: configFolder(config(server.url)), stdin: event });
      expect(await main(['replay', '-', '--provider', 'ten99policy', '--execute'], io)).toBe(0);
      expect(server.hits()).toBe(2);
      expect(io.out()).toContain('notify → http (ev_1:notify:0): succeeded after 2 attempts');
      expect(io.out()).toContain('succeeded 2 · pending 1');
    } finally {
      await server.close();
    }
  });

  it('prints one {"job":…} line per fired action before the summary with --json', async () => {
    const server = await hook([500]);
    try {
      const io = captureIo({ cwd: configFolder(config(server.url)), stdin: event });
      expect(await main(['replay', '-', '--provider', 'ten99policy', '--execute', '--json'], io)).toBe(1);
      const lines = io
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(5);
      expect(lines[1]).toEqual({
        job: {
          idempotencyKey: 'ev_1:notify:0',
          rule: 'notify',
          type: 'http',
          status: 'dead',
          attempts: 3,
          runAt: expect.any(String),
          error: expect.objectContaining({ message: `POST ${server.url} answered 500` }),
        },
      });
      expect(lines[2]).toMatchObject({
        job: { idempotencyKey: 'ev_1:later:0', status: 'pending', attempts: 0 },
      });
      expect(lines[3]).toMatchObject({
        job: { idempotencyKey: 'ev_1:hello:0', status: 'succeeded', attempts: 1 },
      });
      expect(lines[4]).toEqual({ summary: expect.objectContaining({ applied: 1 }) });
    } finally {
      await server.close();
    }
  });

  it('stops waiting at --wait: a retry due later is reported pending, not run', async () => {
    const server = await hook([500]);
    try {
      const slow = config(server.url).replace('baseMs: 20, maxMs: 40', 'baseMs: 86400000, maxMs: 86400000');
      const io = captureIo({ cwd: configFolder(slow), stdin: event });
      expect(
        await main(['replay', '-', '--provider', 'ten99policy', '--execute', '--wait', '50ms'], io),
      ).toBe(0);
      expect(server.hits()).toBe(1);
      expect(io.out()).toMatch(
        /notify → http \(ev_1:notify:0\): pending after 1 failed attempt \(POST \S+ answered 500\), due \S+Z/,
      );
    } finally {
      await server.close();
    }
  });

  it('rejects --wait without --execute, and a --wait it cannot read, with exit 1', async () => {
    const alone = captureIo({ stdin: event });
    expect(await main(['replay', '-', '--provider', 'ten99policy', '--wait', '5s'], alone)).toBe(1);
    expect(alone.err()).toContain('--wait only applies with --execute');
    const bad = captureIo({ stdin: event });
    expect(await main(['replay', '-', '--provider', 'ten99policy', '--execute', '--wait', 'soon'], bad)).toBe(
      1,
    );
    expect(bad.err()).toContain("'soon' is not a duration");
  });
});
