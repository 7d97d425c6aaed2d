import { readFileSync } from 'node:fs';
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
