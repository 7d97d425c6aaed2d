import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { kotaSignature, ten99policySignature } from '@policyflow/adapters/webhook';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

const fixtures = join(import.meta.dirname, '../../../packages/testing/fixtures');
const line = (file: string, type: string) =>
  readFileSync(join(fixtures, file), 'utf8')
    .split('\n')
    .find((l) => l.includes(`"type":"${type}"`))!;

const secrets = { kota: 'whsec_test_kota', ten99policy: 'whsec_test_ten99policy' };
let server: Server;
let url: string;
let tasks: Array<{ title: string; account: string }>;
let engine: ReturnType<typeof createApp>['engine'];

beforeEach(async () => {
  tasks = [];
  const made = createApp({ crm: { openTask: async (t) => void tasks.push(t) }, secrets });
  engine = made.engine;
  server = made.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((r) => server.close(r));
  await engine.close();
});

function post(provider: 'kota' | 'ten99policy', body: string, secret = secrets[provider]) {
  const scheme = provider === 'kota' ? kotaSignature() : ten99policySignature();
  return fetch(`${url}/webhooks/${provider}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...scheme.sign!(body, secret) },
    body,
  });
}

describe('express-app example', () => {
  it('verifies, ingests and serves the quote, and the custom action opens a CRM task', async () => {
    const created = await post('kota', line('kota-v1.ndjson', 'employer.health_insurance.quote.created'));
    expect(created.status).toBe(200);
    const needsAction = await post(
      'kota',
      line('kota-v1.ndjson', 'employer.health_insurance.quote.action_required'),
    );
    expect(await needsAction.json()).toMatchObject({ status: 'applied' });
    await engine.drain();
    expect(tasks).toEqual([
      {
        title: 'Quote erhq_3b1333d87d9d4fd6ad83ba7f6b0e951a needs action: Additional information needed',
        account: 'er_1b2c3d4e5f60718293a4b5c6d7e8f901',
      },
    ]);
    const quote = await fetch(`${url}/quotes/erhq_3b1333d87d9d4fd6ad83ba7f6b0e951a`);
    expect(await quote.json()).toMatchObject({ state: 'action_required' });
  });

  it('answers 401 to a bad signature and records nothing', async () => {
    const res = await post('ten99policy', line('ten99policy.ndjson', 'policy.cancelled'), 'whsec_wrong');
    expect(res.status).toBe(401);
    expect(await engine.getResource('ten99policy/policy/pl_WzFRszJhoY')).toBeUndefined();
  });

  it('treats a redelivery as a duplicate: the CRM task is opened once', async () => {
    const body = line('ten99policy.ndjson', 'policy.cancelled');
    await post('ten99policy', body);
    expect(await (await post('ten99policy', body)).json()).toMatchObject({ status: 'duplicate' });
    await engine.drain();
    expect(tasks.map((t) => t.title)).toEqual(['Cover pl_WzFRszJhoY was cancelled']);
  });
});
