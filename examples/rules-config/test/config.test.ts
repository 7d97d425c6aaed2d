import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { LogLine } from '@policyflow/core';
import { createTestEngine, type TestEngine } from '@policyflow/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const fixtures = join(import.meta.dirname, '../../../packages/testing/fixtures');
const configFile = join(import.meta.dirname, '../policyflow.config.yaml');

function fixture(file: string, type: string): Record<string, unknown> {
  const line = readFileSync(join(fixtures, file), 'utf8')
    .split('\n')
    .find((l) => l.includes(`"type":"${type}"`))!;
  return JSON.parse(line) as Record<string, unknown>;
}

function at(body: Record<string, unknown>, id: string, iso: string): Record<string, unknown> {
  return 'created_at' in body
    ? { ...body, id, created_at: iso }
    : { ...body, id, created: Date.parse(iso) / 1000 };
}

let hooks: Server;
let received: Array<{ path: string; body: unknown }>;
let logs: LogLine[];
let t: TestEngine;

beforeEach(async () => {
  received = [];
  logs = [];
  hooks = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text || 'null') });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const env = {
    HOOKS_URL: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`,
    KOTA_WEBHOOK_SECRET: 'whsec_k',
    KOTA_API_KEY: 'pk_test_x',
    TEN99POLICY_WEBHOOK_SECRET: 'whsec_t',
  };
  t = createTestEngine({
    config: configFile,
    env,
    start: '2025-01-10T09:00:00Z',
    logSink: (l) => logs.push(l),
  });
});

afterEach(async () => {
  await t.close();
  await new Promise((r) => hooks.close(r));
});

const kota = (type: string, id: string, iso: string) => ({
  provider: 'kota',
  body: at(fixture('kota-v1.ndjson', type), id, iso),
});
const ten99 = (type: string, id: string, iso: string) => ({
  provider: 'ten99policy',
  body: at(fixture('ten99policy.ndjson', type), id, iso),
});

describe('rules-config example', () => {
  it('emails the employer when a quote needs information, and reminds them after 2 days', async () => {
    await t.deliver(
      kota('employer.health_insurance.quote.created', 'evt_1', '2025-01-10T08:00:00Z'),
      kota('employer.health_insurance.quote.action_required', 'evt_2', '2025-01-10T08:30:00Z'),
    );
    await t.engine.drain();
    expect(received.map((r) => r.path)).toEqual(['/emails/quote-action-required']);
    expect(received[0]!.body).toMatchObject({ reason: 'Additional information needed' });
    await t.advance('2d');
    expect(received.map((r) => r.path)).toContain('/emails/quote-reminder');
  });

  it('cancels the reminder when the quote moves on before it is due', async () => {
    await t.deliver(
      kota('employer.health_insurance.quote.created', 'evt_1', '2025-01-10T08:00:00Z'),
      kota('employer.health_insurance.quote.action_required', 'evt_2', '2025-01-10T08:30:00Z'),
      kota('employer.health_insurance.quote.pending_insurer_acceptance', 'evt_3', '2025-01-10T08:45:00Z'),
      kota('employer.health_insurance.quote.accepted', 'evt_4', '2025-01-10T08:50:00Z'),
    );
    await t.advance('3d');
    expect(t.cancelled({ rule: 'quote-needs-information' })).toHaveLength(1);
    expect(received.map((r) => r.path)).toEqual(['/emails/quote-action-required', '/tasks/onboarding']);
  });

  it('tells HR when an employee policy ends', async () => {
    await t.deliver(
      kota('employee.health_insurance.policy.activated', 'evt_5', '2025-01-10T08:00:00Z'),
      kota('employee.health_insurance.policy.cancelled', 'evt_6', '2025-01-10T08:10:00Z'),
    );
    await t.engine.drain();
    expect(received).toEqual([
      {
        path: '/hr/cover-ended',
        body: expect.objectContaining({ state: 'cancelled', employee: 'ee_2c3d4e5f60718293a4b5c6d7e8f9012' }),
      },
    ]);
  });

  it('routes 1099Policy cancellations, certificates and failed charges', async () => {
    const dunning: unknown[] = [];
    t.engine.on('action.emit', (e) => dunning.push(e.payload));
    await t.deliver(
      ten99('policy.active', 'ev_1', '2025-01-10T08:00:00Z'),
      ten99('policy.cancelled', 'ev_2', '2025-01-10T08:05:00Z'),
      ten99('certificate.flagged', 'ev_3', '2025-01-10T08:06:00Z'),
      ten99('invoice.charge_card_failed', 'ev_4', '2025-01-10T08:07:00Z'),
    );
    await t.engine.drain();
    expect(received.map((r) => r.path).sort()).toEqual(['/compliance/certificates', '/ops/cover-cancelled']);
    expect(dunning).toEqual([{ invoice: 'in_4RviYgc2Wt' }]);
  });

  it('logs a warning for an event the lifecycle did not expect', async () => {
    await t.deliver(
      ten99('invoice.charge_card_succeeded', 'ev_5', '2025-01-10T08:00:00Z'),
      ten99('invoice.charge_card_failed', 'ev_6', '2025-01-10T08:01:00Z'),
    );
    await t.engine.drain();
    expect(t.violations()).toHaveLength(1);
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'unexpected invoice.charge_card_failed on in_4RviYgc2Wt'],
    ]);
  });
});
