import { describe, expect, test } from 'vitest';
import type { LogLine } from '../../src/actions/types.js';
import { loadConfig } from '../../src/config/load.js';
import { createEngine } from '../../src/engine.js';
import { kota } from '../../src/providers/kota.js';
import { createSimClock } from './helpers.js';

// DESIGN.md's config example, on the built-in Kota catalog, end to end (the http action is replaced by `emit`
// here so the test stays offline; the http action has its own tests against a local server).
const config = {
  rules: [
    {
      name: 'quote-needs-action',
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
      actions: [
        { type: 'emit', params: { name: 'quote.needs_action', payload: { quote: '{{resource.id}}' } } },
        {
          type: 'log',
          delay: '2d',
          whileIn: 'action_required',
          params: { message: 'quote {{resource.id}} still needs action' },
        },
      ],
    },
  ],
};

function quoteEvent(id: string, type: string, at: string, data: Record<string, unknown> = {}) {
  return {
    id,
    type,
    object: 'event',
    version: 'V2',
    created_at: at,
    data: { id: 'erhq_1', employer_id: 'er_1', object: 'employer_health_insurance_quote', ...data },
  };
}

describe('the DESIGN.md example on the Kota catalog', () => {
  test('emits at once, and reminds two days later while the quote still needs action', async () => {
    const clock = createSimClock(Date.parse('2024-12-02T00:00:00Z'));
    const lines: LogLine[] = [];
    const engine = createEngine({
      providers: [kota()],
      config: loadConfig(config),
      clock,
      logSink: (l) => lines.push(l),
    });
    const emitted: unknown[] = [];
    engine.on('action.emit', (e) => emitted.push(e.payload));

    const needs = quoteEvent(
      'evt_1',
      'employer.health_insurance.quote.action_required',
      '2024-12-01T02:55:00Z',
      {
        required_action: { code: 'missing_documents' },
      },
    );
    const r = await engine.ingest(JSON.stringify(needs), { provider: 'kota', source: 'webhook' });
    expect(r).toMatchObject({ key: 'kota/employer_quote/erhq_1', to: 'action_required' });
    expect(r.actions.map((a) => a.idempotencyKey)).toEqual([
      'evt_1:quote-needs-action:0',
      'evt_1:quote-needs-action:1',
    ]);
    await engine.drain();
    expect(emitted).toEqual([{ quote: 'erhq_1' }]);

    clock.advance(2 * 86_400_000);
    await engine.drain();
    expect(lines.map((l) => l.message)).toEqual(['quote erhq_1 still needs action']);

    const other = quoteEvent(
      'evt_2',
      'employer.health_insurance.quote.action_required',
      '2024-12-01T03:00:00Z',
      {
        required_action: { code: 'something_else' },
      },
    );
    expect((await engine.ingest(other, { provider: 'kota' })).actions).toEqual([]);
  });
});
