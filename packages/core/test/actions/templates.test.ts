import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { backoff, mergeRetry, parseDelay } from '../../src/actions/schedule.js';
import { compileTemplates, type TemplateIssue } from '../../src/actions/templates.js';
import { loadConfig } from '../../src/config/load.js';
import { createEngine } from '../../src/engine.js';
import type { RuleSpec } from '../../src/rules/types.js';
import { failure } from '../helpers.js';

const ctx = {
  event: { id: 'evt_1', data: { amount: 12, items: [{ id: 'a' }], nested: { ok: true } } },
  resource: { id: 'q1', state: 'pending' },
  now: 5,
};

function render(value: unknown) {
  const issues: TemplateIssue[] = [];
  const r = compileTemplates(value, ['params'], issues);
  return { issues, out: r(ctx) };
}

describe('templates', () => {
  test('a whole-value template keeps its type; text interpolates', () => {
    expect(
      render({ n: '{{event.data.amount}}', s: 'n={{ event.data.amount }}', o: '{{event.data.nested}}' }).out,
    ).toEqual({
      n: 12,
      s: 'n=12',
      o: { ok: true },
    });
    expect(render(['{{event.data.items.0.id}}', 'x{{resource.missing}}y', 3]).out).toEqual(['a', 'xy', 3]);
  });

  test('a missing value renders empty wherever it stands; a null one stays null', () => {
    const issues: TemplateIssue[] = [];
    const params = {
      gone: '{{resource.missing}}',
      list: ['{{event.data.note}}'],
      none: '{{event.data.none}}',
    };
    const out = compileTemplates(params, ['params'], issues)({ event: { data: { none: null } } });
    expect(issues).toEqual([]);
    expect(out).toEqual({ gone: '', list: [''], none: null });
  });

  test('a whole-value object or array is a copy: changing the params never changes the context', () => {
    const { out } = render({ o: '{{event.data.nested}}', a: '{{event.data.items}}' }) as {
      out: { o: { ok: boolean }; a: Array<{ id: string }> };
    };
    expect(out).toEqual({ o: { ok: true }, a: [{ id: 'a' }] });
    out.o.ok = false;
    out.a[0]!.id = 'z';
    out.a.push({ id: 'b' });
    expect(ctx.event.data).toEqual({ amount: 12, items: [{ id: 'a' }], nested: { ok: true } });
  });

  test('only plain paths from known roots, never prototypes', () => {
    const cases = [
      '{{event.data.amount + 1}}',
      '{{process.env.HOME}}',
      '{{event.constructor}}',
      '{{event.__proto__.x}}',
      "{{event['id']}}",
      '{{event.id()}}',
    ];
    for (const c of cases) {
      const { issues } = render({ v: c });
      expect(issues, c).toHaveLength(1);
      expect(issues[0]?.path).toEqual(['params', 'v']);
    }
  });

  test('a params key that names a prototype is an issue at its path, and renders as an own key only', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const params = JSON.parse(`{"message": "m", "body": {"${key}": {"level": "error"}}}`) as object;
      const { issues, out } = render(params);
      const body = (out as { body: object }).body;
      expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(body, key)?.value).toEqual({ level: 'error' });
      expect((body as { level?: unknown }).level).toBeUndefined();
      expect(issues.map((i) => i.path)).toEqual([['params', 'body', key]]);
    }
  });

  test('a JSON config or rules in code whose params carry a __proto__ key are refused at its path', () => {
    const raw = JSON.parse(
      '{"rules": [{"name": "a", "on": "x", "actions": [{"type": "log", "params": {"message": "m", "__proto__": {"level": "error"}}}]}]}',
    ) as { rules: RuleSpec[] };
    const path = ['rules', 0, 'actions', 0, 'params', '__proto__'];
    // loadConfig refuses the key wherever it sits in a file; rules given in code meet the template check.
    expect(failure(() => loadConfig(raw)).issues).toMatchObject([{ code: 'config_invalid', path }]);
    expect(failure(() => createEngine({ providers: [], rules: raw.rules })).issues).toMatchObject([
      { code: 'template_invalid', path },
    ]);
  });

  test('rendering never reaches inherited properties', () => {
    fc.assert(
      fc.property(fc.constantFrom('toString', 'hasOwnProperty', 'valueOf', 'length'), (key) => {
        const { out } = render({ v: `{{resource.${key}}}` });
        expect(out).toEqual({ v: '' });
      }),
    );
  });
});

describe('delays and backoff', () => {
  test('parses durations', () => {
    expect(parseDelay('2d')).toBe(172_800_000);
    expect(parseDelay('90s')).toBe(90_000);
    expect(parseDelay('1.5h')).toBe(5_400_000);
    expect(parseDelay(250)).toBe(250);
    expect(parseDelay('soon')).toBeUndefined();
  });

  test('full jitter stays within the exponential cap', () => {
    const policy = mergeRetry({ attempts: 5, baseMs: 100, maxMs: 1000 }, { baseMs: 200 }, undefined);
    expect(policy).toEqual({ attempts: 5, baseMs: 200, maxMs: 1000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const wait = backoff(policy, attempt, () => r);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThan(Math.min(1000, 200 * 2 ** (attempt - 1)));
        },
      ),
    );
  });
});
