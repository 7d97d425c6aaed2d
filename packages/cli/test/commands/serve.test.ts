import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ten99policySignature } from '@policyflow/adapters/webhook';
import { createFakeProvider } from '@policyflow/testing';
import { describe, expect, it } from 'vitest';
import { portOf } from '../../src/commands/serve.js';
import { main } from '../../src/main.js';
import { type CapturedIo, captureIo, configFolder, fixtures } from '../helpers.js';

async function started(io: CapturedIo): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(io.out());
    if (match) return match[1]!;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`serve did not start: ${io.err()}`);
}

// Yields to the event loop (no timer) until stderr says `text`, e.g. after a round trip to a fake API.
async function saidOnStderr(io: CapturedIo, text: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (io.err().includes(text)) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`serve never said '${text}': ${io.err()}`);
}

const lines = readFileSync(join(fixtures, 'ten99policy.ndjson'), 'utf8').trim().split('\n');

describe('serve', () => {
  it('ingests webhooks, serves resources, health and metrics, and stops on abort', async () => {
    const controller = new AbortController();
    const io = captureIo({ signal: controller.signal });
    const done = main(['serve', '--port', '0', '--unsigned'], io);
    const url = await started(io);

    const post = (body: string) =>
      fetch(`${url}/webhooks/ten99policy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const first = await post(lines[0]!);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'applied' });
    expect(await (await post(lines[0]!)).json()).toMatchObject({ status: 'duplicate' });
    expect((await post('{"type":"policy.active"}')).status).toBe(422);

    const resource = await fetch(`${url}/resources/ten99policy/policy/pl_WzFRszJhoY`);
    expect(resource.status).toBe(200);
    expect(await resource.json()).toMatchObject({ state: 'active', lifecycle: 'policy' });
    expect((await fetch(`${url}/resources/ten99policy/policy/pl_nope`)).status).toBe(404);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('# TYPE policyflow_events_total counter');
    expect(metrics).toContain('policyflow_events_total{provider="ten99policy",status="applied"} 1');
    expect(metrics).toContain('policyflow_events_total{provider="ten99policy",status="duplicate"} 1');
    expect(metrics).toContain('policyflow_events_total{provider="ten99policy",status="invalid"} 1');
    expect(metrics).toContain('policyflow_action_queue_depth{status="pending"} 0');

    controller.abort();
    expect(await done).toBe(0);
    expect(io.err()).toContain('stopped');
  });

  it('answers 503 with what to configure when a provider has no webhook secret', async () => {
    const controller = new AbortController();
    const io = captureIo({ signal: controller.signal, cwd: fixtures });
    const done = main(['serve', '--port', '0'], io);
    const url = await started(io);
    const res = await fetch(`${url}/webhooks/kota`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toContain('providers.kota.webhook.secrets');
    expect((await fetch(`${url}/webhooks/acme`, { method: 'POST', body: '{}' })).status).toBe(404);
    controller.abort();
    expect(await done).toBe(0);
  });

  it('verifies signatures with the secrets of the config', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file with an env reference
    const dir = configFolder('providers:\n  ten99policy:\n    webhook: { secrets: ["${SECRET}"] }\n');
    const controller = new AbortController();
    const io = { ...captureIo({ signal: controller.signal, cwd: dir }), env: { SECRET: 'whsec_serve_test' } };
    const done = main(['serve', '--port', '0'], io);
    const url = await started(io);
    const body = lines[0]!;
    const signed = ten99policySignature().sign!(body, 'whsec_serve_test');
    const post = (headers: Record<string, string>) =>
      fetch(`${url}/webhooks/ten99policy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    expect((await post({})).status).toBe(401);
    expect((await post(ten99policySignature().sign!(body, 'whsec_wrong'))).status).toBe(401);
    expect((await post(signed)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(
      'policyflow_webhook_rejections_total{provider="ten99policy",code="signature_missing"} 1',
    );
    controller.abort();
    expect(await done).toBe(0);
  });

  it('keeps serving webhooks when a provider refuses the poll credentials, and says its polling stopped', async () => {
    const fake = await createFakeProvider({ seed: 5 });
    try {
      const dir = configFolder(
        `providers:\n  kota:\n    api: { baseUrl: "${fake.url}", key: wrong }\n    poll: { every: 20ms }\n`,
      );
      const controller = new AbortController();
      const io = captureIo({ signal: controller.signal, cwd: dir });
      const done = main(['serve', '--port', '0', '--unsigned'], io);
      const url = await started(io);
      await saidOnStderr(io, 'polling kota stopped');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const hook = await fetch(`${url}/webhooks/ten99policy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: lines[0]!,
      });
      expect(hook.status).toBe(200);
      expect(fake.stats().unauthorized).toBe(1);
      controller.abort();
      expect(await done).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('exits 1 on a poll.every it cannot read, before listening', async () => {
    const dir = configFolder(
      'providers:\n  ten99policy:\n    api: { baseUrl: "http://127.0.0.1:9", key: k }\n    poll: { every: banana }\n',
    );
    const io = captureIo({ cwd: dir, signal: new AbortController().signal });
    expect(await main(['serve', '--port', '0'], io)).toBe(1);
    expect(io.err()).toContain('providers.ten99policy.poll.every');
    expect(io.out()).not.toContain('listening');
  });

  it('closes the server when it fails after listening', async () => {
    let url: string | undefined;
    const io = captureIo({ signal: new AbortController().signal });
    // Any failure once the port is bound will do; a throwing stdout is one the test can trigger on cue.
    const failing: CapturedIo = {
      ...io,
      stdout: (text) => {
        url ??= /listening on (http:\/\/[^\s]+)/.exec(text)?.[1];
        if (url !== undefined) throw new Error('stdout is gone');
        io.stdout(text);
      },
    };
    expect(await main(['serve', '--port', '0', '--unsigned'], failing)).toBe(2);
    expect(url).toBeDefined();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('rejects a bad port with exit 1', async () => {
    const io = captureIo();
    expect(await main(['serve', '--port', 'eighty'], io)).toBe(1);
    expect(io.err()).toContain('--port');
  });
});

describe('serve --port and PORT', () => {
  // Aborted before it starts: a serve that wrongly listens stops at once (exit 0) instead of hanging the test.
  const stopped = () => {
    const controller = new AbortController();
    controller.abort();
    return controller.signal;
  };

  it.each([
    '--port=',
    '--port= ',
    '--port=0x1F91',
    '--port=1e3',
    '--port=80.0',
    '--port=+80',
    '--port=-1',
    '--port=65536',
  ])('rejects %s with exit 1 before listening', async (flag) => {
    const io = captureIo({ signal: stopped() });
    expect(await main(['serve', flag, '--unsigned'], io)).toBe(1);
    expect(io.err()).toContain('is not a port');
    expect(io.err()).toContain('--port');
    expect(io.out()).not.toContain('listening');
  });

  it('rejects a PORT that is not decimal digits, naming PORT', async () => {
    const io = { ...captureIo({ signal: stopped() }), env: { PORT: '0x50' } };
    expect(await main(['serve', '--unsigned'], io)).toBe(1);
    expect(io.err()).toContain("PORT '0x50' is not a port");
    expect(io.out()).not.toContain('listening');
  });

  it('takes an empty PORT as unset (the default 3000), not as port 0', () => {
    expect(portOf(undefined, {})).toBe(3000);
    expect(portOf(undefined, { PORT: '' })).toBe(3000);
    expect(portOf(undefined, { PORT: '  ' })).toBe(3000);
    expect(portOf(undefined, { PORT: '8080' })).toBe(8080);
    expect(portOf('0', { PORT: '8080' })).toBe(0);
    expect(portOf('65535', {})).toBe(65535);
  });
});
