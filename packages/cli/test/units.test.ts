import { describe, expect, it } from 'vitest';
import { parseEventsText } from '../src/events.js';
import { formatState, renderTable } from '../src/format.js';
import { Metrics } from '../src/metrics.js';
import { progressBar } from '../src/replay.js';

describe('parseEventsText', () => {
  it('reads NDJSON with line numbers, keeping bad lines as text', () => {
    expect(parseEventsText('{"id":"a"}\n\nnope\n{"id":"b"}\n')).toEqual([
      { line: 1, body: { id: 'a' } },
      { line: 3, body: 'nope' },
      { line: 4, body: { id: 'b' } },
    ]);
  });

  it('reads a pretty-printed document whole, and only then falls back to NDJSON', () => {
    const pretty = (value: unknown) => JSON.stringify(value, null, 2);
    expect(parseEventsText(pretty({ items: [{ id: 'a' }, { id: 'b' }], page: 1 }))).toEqual([
      { line: 1, body: { id: 'a' } },
      { line: 2, body: { id: 'b' } },
    ]);
    expect(parseEventsText(pretty({ data: [{ id: 'a' }], has_more: false }))).toEqual([
      { line: 1, body: { id: 'a' } },
    ]);
    expect(parseEventsText(pretty({ id: 'e', type: 'x', data: { id: 'r' } }))).toEqual([
      { line: 1, body: { id: 'e', type: 'x', data: { id: 'r' } } },
    ]);
    expect(parseEventsText(`${pretty([{ id: 'a' }])}\n`)).toEqual([{ line: 1, body: { id: 'a' } }]);
    // Not one document: each line on its own, a broken one kept as text under its line number.
    expect(parseEventsText('{"id":"a"}\n{"id":\n')).toEqual([
      { line: 1, body: { id: 'a' } },
      { line: 2, body: '{"id":' },
    ]);
  });

  it('reads a JSON array and saved list pages', () => {
    expect(parseEventsText('[{"id":"a"},{"id":"b"}]')).toHaveLength(2);
    expect(parseEventsText('{"items":[{"id":"a"}],"page":1}')).toEqual([{ line: 1, body: { id: 'a' } }]);
    expect(parseEventsText('{"id":"e","type":"x","data":[1]}')).toEqual([
      { line: 1, body: { id: 'e', type: 'x', data: [1] } },
    ]);
  });
});

describe('formatting', () => {
  it('writes parallel states as region=leaf', () => {
    expect(formatState({ status: 'active', renewal: 'opened' })).toBe('status=active renewal=opened');
    expect(formatState('cancelled')).toBe('cancelled');
    expect(formatState(undefined)).toBe('∅');
  });

  it('pads table columns', () => {
    expect(renderTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n───  ──\nxxx  y\n');
  });
});

describe('progressBar', () => {
  it('draws on an interactive stderr for large inputs only', () => {
    let drawn = '';
    const io = {
      interactive: true,
      stderr: (t: string) => {
        drawn += t;
      },
    };
    const bar = progressBar(io, 4000);
    bar.update(2000, 4000);
    bar.update(2001, 4000);
    bar.done();
    expect(drawn).toContain('50% 2000/4000');
    expect(drawn.match(/%/g)).toHaveLength(1);
    let quiet = '';
    const append = (t: string) => {
      quiet += t;
    };
    progressBar({ interactive: false, stderr: append }, 4000).update(1, 4000);
    progressBar({ interactive: true, stderr: append }, 10).update(1, 10);
    expect(quiet).toBe('');
  });
});

describe('Metrics', () => {
  it('renders counters and gauges in Prometheus text format, escaping label values', () => {
    const m = new Metrics();
    m.counter('x_total', 'Xs.', { code: 'a"b' });
    m.counter('x_total', 'Xs.', { code: 'a"b' }, 2);
    m.gauge('y', 'Y.', {}, 5);
    expect(m.render()).toBe(
      '# HELP x_total Xs.\n# TYPE x_total counter\nx_total{code="a\\"b"} 3\n# HELP y Y.\n# TYPE y gauge\ny 5\n',
    );
  });
});
