import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { createTestEngine } from '../../src/index.js';

// The examples of docs/testing.md, run as tests so the page stays true.
const config = fileURLToPath(new URL('policyflow.config.yaml', import.meta.url));
const quote = (type: string, at: string, data: Record<string, unknown> = {}) => ({
  id: `evt_${type}_${at}`,
  type: `employer.health_insurance.quote.${type}`,
  created: at,
  data: { id: 'erhq_1', employer_id: 'er_1', ...data },
});

test('a rule fires when its conditions pass', async () => {
  const t = createTestEngine({ config });
  await t.deliver(
    quote('action_required', '2025-01-01T09:00:00Z', { required_action: { code: 'missing_documents' } }),
  );
  await t.drain();
  expect(t.actions({ rule: 'quote-needs-docs' }).map((j) => j.type)).toEqual(['emit', 'log']);
  expect(t.recorded.filter((r) => r.name === 'action.emit').map((r) => r.payload)).toMatchObject([
    { name: 'quote.needs_docs', payload: { quote: 'erhq_1' } },
  ]);
});

test('the reminder is cancelled when the quote moves on', async () => {
  const t = createTestEngine({ config, start: '2025-01-01T09:00:00Z' });
  await t.deliver(
    quote('action_required', '2025-01-01T09:00:00Z', { required_action: { code: 'missing_documents' } }),
  );
  await t.advance('1d');
  await t.deliver(quote('pending_insurer_acceptance', '2025-01-02T09:00:00Z'));
  await t.advance('1d');
  expect(t.logs()).toEqual([]);
  expect(t.cancelled({ rule: 'quote-needs-docs', whileIn: 'action_required' })).toHaveLength(1);
  expect(await t.state('kota/employer_quote/erhq_1')).toBe('pending_insurer_acceptance');
});
