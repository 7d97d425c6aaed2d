import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/load.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { createEngine } from '../../src/engine.js';
import { describeIssue } from '../../src/errors.js';
import { failure } from '../helpers.js';
import { insurer, quoteEvent } from '../rules/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'policyflow-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = `
store: { type: memory }
providers:
  kota:
    webhook: { secrets: ["\${KOTA_SECRET}"], toleranceSeconds: 300 }
rules:
  - name: quote-needs-action
    on: { event: quote.action_required }
    conditions:
      all:
        - { fact: event, path: $.data.required_action.code, operator: equal, value: missing_documents }
    actions:
      - { type: http, params: { url: "https://hooks.example.com/quotes", body: { quote: "{{resource.id}}" } } }
      - { type: log, delay: 2d, whileIn: action_required, params: { message: "quote {{resource.id}} still needs action" } }
`;

describe('loadConfig', () => {
  test('loads YAML with environment variables interpolated, and the engine runs its rules', async () => {
    const config = loadConfig(file('good.yaml', GOOD), { env: { KOTA_SECRET: 'whsec_abc' } });
    expect(config.providers?.kota?.webhook?.secrets).toEqual(['whsec_abc']);
    expect(config.rules).toHaveLength(1);
    const engine = createEngine({ providers: [insurer], config, logSink: () => undefined });
    const r = await engine.explain(
      quoteEvent('quote.action_required', 'q1', 100, { required_action: { code: 'missing_documents' } }),
      { provider: 'insurer' },
    );
    expect(r.candidates.map((c) => [c.rule, c.passed, c.actions.length])).toEqual([
      ['quote-needs-action', true, 2],
    ]);
  });

  test('loads JSON and plain objects; $${ escapes interpolation', () => {
    const json = file(
      'c.json',
      JSON.stringify({
        rules: [{ name: 'r', on: 'x.*', actions: [{ type: 'log', params: { message: 'cost $${X}' } }] }],
      }),
    );
    const config = loadConfig(json, { env: {} });
    expect(config.rules[0]?.actions[0]?.params).toEqual({ message: `cost \${X}` });
    expect(loadConfig({ rules: [] }).rules).toEqual([]);
  });

  test('problems in a JSON file are located too', () => {
    const text = '{\n  "rules": [\n    { "name": "r", "on": "x", "actions": [{ "type": "nope" }] }\n  ]\n}\n';
    const e = failure(() => loadConfig(file('bad.json', text), { env: {} }));
    expect(e.issues?.[0]).toEqual({
      code: 'unknown_action',
      path: ['rules', 0, 'actions', 0, 'type'],
      line: 3,
      column: 53,
      message: "unknown action 'nope' (registered: http, log, emit)",
    });
    expect(describeIssue(e.issues![0]!)).toBe(
      "rules[0].actions[0].type (line 3, column 53): unknown action 'nope' (registered: http, log, emit)",
    );
  });

  test('an alias without its anchor, or too many aliases, is a located config error, not a crash', () => {
    const unresolved = 'rules:\n  - &r { name: a, on: x, actions: [] }\n  - *r\n  - *nowhere\n';
    const e = failure(() => loadConfig(file('alias.yaml', unresolved), { env: {} }));
    expect(e.code).toBe('config_invalid');
    expect(e.issues).toEqual([
      {
        code: 'config_invalid',
        path: [],
        line: 4,
        column: 5,
        message: 'Unresolved alias (the anchor must be set before the alias): nowhere',
      },
    ]);
    // Each level ten aliases of the one before: expanded, 10,000 strings from a few lines.
    const laughs = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'rules: []',
    ].join('\n');
    const many = failure(() => loadConfig(file('laughs.yaml', laughs), { env: {} }));
    expect(many.code).toBe('config_invalid');
    expect(many.issues?.[0]?.message).toMatch(/alias count/);
  });

  test('a missing environment variable is an error naming it', () => {
    const e = failure(() => loadConfig(file('env.yaml', GOOD), { env: {} }));
    expect(e.code).toBe('config_env_missing');
    expect(e.message).toMatch(
      /providers\.kota\.webhook\.secrets\[0\] \(line 5, column 26\): environment variable KOTA_SECRET is not set/,
    );
  });

  test('omitted sections are not read: their variables need not be set, and the result has none of them', () => {
    const text = GOOD.replace(
      'store: { type: memory }',
      `store: { type: postgres, url: "\${DATABASE_URL}" }`,
    );
    const config = loadConfig(file('omit.yaml', text), { env: {}, omit: ['store', 'providers'] });
    expect(config.store).toBeUndefined();
    expect(config.providers).toBeUndefined();
    expect(config.rules.map((r) => r.name)).toEqual(['quote-needs-action']);
    // Only the named sections: a variable the rules use is still required.
    const rules = text.replace('https://hooks.example.com/quotes', `\${HOOK_URL}`);
    const e = failure(() =>
      loadConfig(file('omit-rules.yaml', rules), { env: {}, omit: ['store', 'providers'] }),
    );
    expect(e.issues?.map(describeIssue)).toEqual([
      'rules[0].actions[0].params.url (line 13, column 38): environment variable HOOK_URL is not set',
    ]);
  });

  test('a __proto__ key is an error wherever it sits, never a prototype or a key dropped without a word', () => {
    const raw = JSON.parse(
      '{"__proto__": {"store": {"type": "memory"}}, "providers": {"__proto__": {}}, "rules": []}',
    ) as object;
    const e = failure(() => loadConfig(raw));
    expect(e.issues?.map(describeIssue)).toEqual([
      "__proto__: '__proto__' cannot be a key",
      "providers.__proto__: '__proto__' cannot be a key",
    ]);
    const json = file('proto.json', '{ "rules": [], "__proto__": { "store": { "type": "memory" } } }');
    expect(failure(() => loadConfig(json)).issues?.map(describeIssue)).toEqual([
      "__proto__ (line 1, column 29): '__proto__' cannot be a key",
    ]);
  });

  test('rejects a duration the engine cannot read, with its path, wherever the config takes one', () => {
    const yaml = `providers:
  kota: { poll: { every: banana } }
  ten99policy: { poll: { every: 0s } }
rules:
  - name: a
    on: quote.created
    actions:
      - { type: log, delay: 2 days, params: { message: hi } }
      - { type: log, delay: -5, params: { message: hi } }
`;
    const e = failure(() => loadConfig(file('durations.yaml', yaml), { env: {} }));
    expect(e.code).toBe('config_invalid');
    expect(e.issues?.map(describeIssue)).toEqual([
      'providers.kota.poll.every (line 2, column 26): expected a duration such as 500ms, 30s, 15m, 2h, 2d, 1w',
      'providers.ten99policy.poll.every (line 3, column 33): a poll interval must be longer than 0',
      'rules[0].actions[0].delay (line 8, column 29): expected a duration such as 500ms, 30s, 15m, 2h, 2d, 1w',
      'rules[0].actions[1].delay (line 9, column 29): expected a duration such as 500ms, 30s, 15m, 2h, 2d, 1w',
    ]);
  });

  test('takes every duration the engine reads, in each field that takes one', () => {
    const config = loadConfig({
      providers: { kota: { poll: { every: ' 1.5m ' } }, ten99policy: { poll: { every: '250ms' } } },
      rules: [
        {
          name: 'a',
          on: 'quote.created',
          actions: [
            { type: 'log', delay: '2d', params: { message: 'hi' } },
            { type: 'log', delay: ' 1w', params: { message: 'hi' } },
            { type: 'log', delay: 0, params: { message: 'hi' } },
          ],
        },
      ],
    });
    expect(config.providers?.kota?.poll?.every).toBe(' 1.5m ');
    expect(config.rules[0]?.actions.map((a) => a.delay)).toEqual(['2d', ' 1w', 0]);
  });

  test('every problem at once, each with its path, line and column', () => {
    const yaml = `rules:
  - name: a
    on: quote.created
    conditions:
      all:
        - { fact: event, operator: equals, value: 1 }
        - { fact: event, operator: equal }
    actions:
      - { type: htp }
      - { type: log, params: { message: "{{event.data.amount + 1}}" } }
      - { type: http, params: { url: "https://x.test", timeoutMs: soon } }
  - on: quote.updated
    actions: []
`;
    const e = failure(() => loadConfig(file('bad.yaml', yaml), { env: {} }));
    expect(e.code).toBe('config_invalid');
    const lines = e.issues?.map(describeIssue) ?? [];
    expect(lines).toEqual([
      'rules[1].name (line 12, column 5): Invalid input: expected string, received undefined',
      "rules[0].conditions.all[0].operator (line 6, column 36): unknown operator 'equals' (known: equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, dateBefore, dateAfter, withinDays, daysUntil)",
      "rules[0].conditions.all[1].value (line 7, column 11): a condition needs 'value'",
      "rules[0].actions[0].type (line 9, column 17): unknown action 'htp' (registered: http, log, emit)",
      'rules[0].actions[1].params.message (line 10, column 41): template {{event.data.amount + 1}} is not a plain path (letters, digits, _ and dots only)',
      'rules[0].actions[2].params.timeoutMs (line 11, column 67): Invalid input: expected number, received string',
    ]);
    // Each issue keeps its own code, and its location as numbers.
    expect(e.issues?.map((i) => [i.code, i.line, i.column])).toEqual([
      ['config_invalid', 12, 5],
      ['unknown_operator', 6, 36],
      ['config_invalid', 7, 11],
      ['unknown_action', 9, 17],
      ['template_invalid', 10, 41],
      ['action_params_invalid', 11, 67],
    ]);
  });

  test("a typo deep in a condition tree is named beside the rule's other problems", () => {
    const yaml = `rules:
  - name: a
    on: quote.created
    conditions:
      all:
        - { fact: event, operator: equalz, value: 1 }
        - { fact: event, operator: equal, value: 1, pth: "$.data.x" }
        - any: [{ fact: event, operator: equal, value: 2, prio: 1 }]
        - { fact: event, operator: equal }
    actions: []
`;
    const e = failure(() => loadConfig(file('deep.yaml', yaml), { env: {} }));
    expect(e.issues?.map(describeIssue)).toEqual([
      'rules[0].conditions.all[1] (line 7, column 11): Unrecognized key: "pth"',
      'rules[0].conditions.all[2].any[0] (line 8, column 17): Unrecognized key: "prio"',
      "rules[0].conditions.all[0].operator (line 6, column 36): unknown operator 'equalz' (known: equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, dateBefore, dateAfter, withinDays, daysUntil)",
      "rules[0].conditions.all[3].value (line 9, column 11): a condition needs 'value'",
    ]);
  });

  test("named conditions are checked like a rule's own, reference cycles included", () => {
    const config = {
      conditions: {
        c: { all: [{ fact: 'event', operator: 'equalz', value: 1 }] },
        a: { all: [{ condition: 'b' }] },
        b: { any: [{ condition: 'a' }] },
        s: { not: { condition: 's' } },
        m: { all: [{ condition: 'missing' }] },
        ok: { all: [{ fact: 'event', path: '$.type', operator: 'equal', value: 'x' }] },
        twice: { any: [{ condition: 'ok' }, { condition: 'ok' }] },
      },
      rules: [{ name: 'r', on: 'x', conditions: { condition: 'twice' }, actions: [] }],
    };
    const e = failure(() => loadConfig(config));
    expect(e.issues?.map((i) => [i.code, describeIssue(i)])).toEqual([
      [
        'unknown_operator',
        expect.stringMatching(/^conditions\.c\.all\[0\]\.operator: unknown operator 'equalz'/),
      ],
      [
        'config_invalid',
        "conditions.m.all[0].condition: no named condition 'missing' (known: c, a, b, s, m, ok, twice)",
      ],
      ['config_invalid', 'conditions.a: named conditions refer to each other in a cycle: a → b → a'],
      ['config_invalid', 'conditions.s: named conditions refer to each other in a cycle: s → s'],
    ]);
    const { c: _c, a: _a, b: _b, s: _s, m: _m, ...sound } = config.conditions;
    expect(loadConfig({ ...config, conditions: sound }).rules).toHaveLength(1);
  });

  test('a YAML alias that refers to a node containing it is an error, not a crash', () => {
    for (const yaml of [
      'a: &x { b: *x }\nrules: []\n',
      'rules: &r\n  - name: a\n    on: x\n    actions: *r\n',
    ]) {
      const e = failure(() => loadConfig(file('alias.yaml', yaml), { env: {} }));
      expect(e.code).toBe('config_invalid');
      expect(e.issues?.map(describeIssue)).toContainEqual(
        expect.stringMatching(/: a YAML alias here refers to a node that contains it$/),
      );
    }
    // An alias used twice, not inside itself, is ordinary YAML.
    const yaml = `rules:\n  - name: a\n    on: x\n    actions: [{ type: log, params: &p { message: hi } }, { type: log, params: *p }]\n`;
    expect(loadConfig(file('shared.yaml', yaml), { env: {} }).rules[0]?.actions).toHaveLength(2);
  });

  test('a single kind of problem keeps its own code', () => {
    const rule = (type: string) => ({ rules: [{ name: 'r', on: 'x', actions: [{ type }] }] });
    expect(failure(() => loadConfig(rule('nope'))).code).toBe('unknown_action');
    const op = {
      rules: [
        {
          name: 'r',
          on: 'x',
          conditions: { any: [{ fact: 'now', operator: 'near', value: 1 }] },
          actions: [],
        },
      ],
    };
    expect(failure(() => loadConfig(op)).code).toBe('unknown_operator');
    const tpl = {
      rules: [{ name: 'r', on: 'x', actions: [{ type: 'log', params: { message: '{{x.y}}' } }] }],
    };
    expect(failure(() => loadConfig(tpl)).code).toBe('template_invalid');
  });

  test('custom actions and operators are known when passed in', () => {
    const config = {
      rules: [
        {
          name: 'r',
          on: 'x',
          conditions: { all: [{ fact: 'event', operator: 'near', value: 1 }] },
          actions: [{ type: 'ticket', params: { title: '{{event.id}}' } }],
        },
      ],
    };
    const ticket = { handler: () => undefined, params: z.object({ title: z.string() }) };
    expect(() => loadConfig(config, { actions: { ticket }, operators: { near: () => true } })).not.toThrow();
    const wrong = { rules: [{ ...config.rules[0], actions: [{ type: 'ticket', params: { title: 3 } }] }] };
    const e = failure(() => loadConfig(wrong, { actions: { ticket }, operators: { near: () => true } }));
    expect(e.code).toBe('action_params_invalid');
    expect(e.issues?.[0]?.path).toEqual(['rules', 0, 'actions', 0, 'params', 'title']);
    expect(describeIssue(e.issues![0]!)).toMatch(/^rules\[0\]\.actions\[0\]\.params\.title: /);
  });

  test('YAML syntax errors carry line and column', () => {
    const e = failure(() => loadConfig(file('syntax.yaml', 'rules:\n  - name: [unclosed\n')));
    expect(e.code).toBe('config_invalid');
    expect(e.issues?.[0]?.line).toBe(3); // where the parser found the flow sequence unclosed: the end
    expect(e.issues?.[0]?.column).toBeGreaterThan(0);
  });
});

describe('configJsonSchema', () => {
  test('describes the file format, conditions included', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, unknown>;
      $defs?: Record<string, unknown>;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['store', 'providers', 'rules', 'conditions', 'retry']),
    );
    const text = JSON.stringify(schema);
    expect(text).toContain('"operator"');
    expect(text).toContain('"whileIn"');
    expect(text).toContain('"lifecycle"');
  });
});
