import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionJob, httpParams, loadConfig, type RuleSpec } from '@policyflow/core';
import { describe, expect, it } from 'vitest';
import { createTestEngine, loadFixtures } from '../../src/index.js';
import { acme } from '../helpers.js';

const QUOTE = 'kota/employer_quote/erhq_3b1333d87d9d4fd6ad83ba7f6b0e951a';
const quoteEvent = (type: string, minute: number, extra: Record<string, unknown> = {}) => ({
  id: `evt_q_${minute}`,
  type: `employer.health_insurance.quote.${type}`,
  created: `2025-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
  api_version: '1.0',
  data: { id: 'erhq_3b1333d87d9d4fd6ad83ba7f6b0e951a', employer_id: 'er_1', status: type, ...extra },
});

/** A config file with one rule that logs `message` when a quote is accepted. */
function acceptedRuleFile(message: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'policyflow-testing-')), 'policyflow.config.yaml');
  const rule = ['rules:', '  - name: log-accepted', '    on: { lifecycle: employer_quote, to: accepted }'];
  writeFileSync(
    file,
    [...rule, '    actions:', `      - { type: log, params: { message: "${message}" } }`].join('\n'),
  );
  return file;
}

const reminder: RuleSpec = {
  name: 'remind-quote',
  on: { event: 'employer.health_insurance.quote.action_required' },
  actions: [
    {
      type: 'log',
      delay: '2d',
      whileIn: 'action_required',
      params: { message: 'quote {{resource.id}} still needs action' },
    },
  ],
};

describe('createTestEngine', () => {
  it('delivers fixtures to the built-in catalogs and records transitions', async () => {
    const t = createTestEngine();
    const results = await t.deliver(...loadFixtures('kota-v1'));
    expect(results.every((r) => r.status !== 'invalid')).toBe(true);
    expect(await t.state(QUOTE)).toBeDefined();
    expect(t.transitions({ key: QUOTE, to: 'action_required' })).toHaveLength(1);
    expect(t.recorded.length).toBeGreaterThan(0);
    await t.close();
  });

  it('infers the provider from the event type, and says so when it cannot', async () => {
    const t = createTestEngine();
    const [r] = await t.deliver(quoteEvent('action_required', 1));
    expect(r?.provider).toBe('kota');
    await expect(t.deliver({ type: 'nobody.knows', created: 1, data: {} })).rejects.toThrow(/which provider/);
    await t.close();
  });

  it('fires a rule whose conditions pass, and records custom action calls', async () => {
    const t = createTestEngine({
      rules: [
        {
          name: 'quote-needs-docs',
          on: { event: 'employer.health_insurance.quote.action_required' },
          conditions: {
            all: [
              {
                fact: 'event',
                path: '$.data.required_action.code',
                operator: 'equal',
                value: 'missing_documents',
              },
            ],
          },
          actions: [{ type: 'notify', params: { url: 'https://hooks.example.com/{{resource.id}}' } }],
        },
      ],
      actions: { notify: { handler: () => undefined, params: httpParams } },
    });
    await t.deliver(quoteEvent('action_required', 1, { required_action: { code: 'missing_documents' } }));
    await t.deliver(quoteEvent('action_required', 2, { required_action: { code: 'other' } }));
    await t.drain();
    expect(t.actions({ rule: 'quote-needs-docs' })).toHaveLength(1);
    expect(t.calls({ type: 'notify', params: { url: /erhq_3b13/ } })).toHaveLength(1);
    expect(t.succeeded({ rule: 'quote-needs-docs' })).toHaveLength(1);
    await t.close();
  });

  it('cancels a delayed reminder when the quote moves on before it is due', async () => {
    const t = createTestEngine({ rules: [reminder] });
    await t.deliver(quoteEvent('action_required', 1));
    await t.deliver(quoteEvent('pending_insurer_acceptance', 2));
    await t.advance('2d');
    expect(t.cancelled({ rule: 'remind-quote' })).toHaveLength(1);
    expect(t.logs()).toEqual([]);
    await t.close();
  });

  it('runs the delayed reminder when the quote is still waiting', async () => {
    const t = createTestEngine({ rules: [reminder] });
    await t.deliver(quoteEvent('action_required', 1));
    await t.advance('1d');
    expect(t.logs()).toEqual([]);
    await t.advance('1d');
    expect(
      t.logs({ message: 'quote erhq_3b1333d87d9d4fd6ad83ba7f6b0e951a still needs action' }),
    ).toHaveLength(1);
    await t.close();
  });

  it('loads rules from a config file', async () => {
    const file = acceptedRuleFile('accepted {{resource.id}}');
    const t = createTestEngine({ config: file });
    await t.deliver(quoteEvent('accepted', 3));
    await t.drain();
    expect(t.logs({ message: /^accepted erhq_/ })).toHaveLength(1);
    await t.close();
  });

  it('takes a loaded config as it is: a `$${` the file escaped is not read as a variable again', async () => {
    const file = acceptedRuleFile('price is $${PRICE}');
    const t = createTestEngine({ config: loadConfig(file, { env: {} }) });
    await t.deliver(quoteEvent('accepted', 3));
    await t.drain();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text the file's `$${` stands for
    expect(t.logs({ message: 'price is ${PRICE}' })).toHaveLength(1);
    await t.close();
  });

  it('still checks a config object', () => {
    const config = { rules: [{ name: 'r', on: 'policy.active', actions: [{ type: 'no-such-action' }] }] };
    expect(() => createTestEngine({ config })).toThrow(/no-such-action/);
  });

  it('infers the provider of a delivery given as UTF-8 bytes', async () => {
    const t = createTestEngine();
    const [r] = await t.deliver(new TextEncoder().encode(JSON.stringify(quoteEvent('action_required', 1))));
    expect(r).toMatchObject({ provider: 'kota', status: 'applied' });
    expect(await t.state(QUOTE)).toBe('action_required');
    await t.close();
  });

  it('advances timer by timer: a retry of an http action is scheduled from the failed attempt', async () => {
    const hits: number[] = [];
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const server = createServer((req, res) => {
      req.resume();
      hits.push(t.clock.now());
      res.statusCode = hits.length === 1 ? 500 : 200;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const t = createTestEngine({
      start: t0,
      engine: { random: () => 0.5 },
      config: {
        rules: [
          {
            name: 'notify-cancelled',
            on: { event: 'policy.cancelled' },
            actions: [
              {
                type: 'http',
                delay: '1h',
                retry: { attempts: 3, baseMs: 60_000, maxMs: 60_000 },
                params: { url, body: { a: 1 } },
              },
            ],
          },
        ],
      },
    });
    try {
      await t.deliver({
        provider: 'ten99policy',
        body: { id: 'ev_1', type: 'policy.cancelled', created: t0 / 1000, data: { id: 'pl_1' } },
      });
      await t.advance('1d');
      const at = (name: string) => t.recorded.filter((r) => r.name === name).map((r) => r.at);
      const failed = t.recorded.find((r) => r.name === 'action.failed')?.payload as { job: ActionJob };
      const hour = t0 + 3_600_000;
      expect(at('action.failed')).toEqual([hour]);
      // The retry is due a backoff after the failed attempt, not after the end of the advance.
      expect(failed.job.runAt).toBeGreaterThan(hour);
      expect(failed.job.runAt).toBeLessThanOrEqual(hour + 60_000);
      expect(hits).toEqual([hour, failed.job.runAt]);
      expect(at('action.succeeded')).toEqual([failed.job.runAt]);
      expect(t.clock.now()).toBe(t0 + 86_400_000);
      expect(t.clock.pending()).toBe(0);
    } finally {
      await t.close();
      server.close();
    }
  });

  it('takes its own catalogs, clock start and reconcile policy', async () => {
    const t = createTestEngine({ providers: [acme], start: '2030-01-01T00:00:00Z', reconcile: 'strict' });
    expect(new Date(t.clock.now()).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    const [r] = await t.deliver({ id: 'e1', type: 'claim.paid', created: 1, data: { id: 'c1' } });
    expect(r?.status).toBe('rejected');
    expect(t.violations({ key: 'acme/claim/c1', policy: 'strict' })).toHaveLength(1);
    await t.close();
  });
});
