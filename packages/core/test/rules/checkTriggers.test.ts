import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  createEngine,
  kota,
  loadConfig,
  type RuleSpec,
  statePatterns,
  ten99policy,
} from '../../src/index.js';
import { failure } from '../helpers.js';

const log = [{ type: 'log' as const, params: { message: 'm' } }];
const providers = [kota(), ten99policy()];

function issuesOf(rules: ReadonlyArray<RuleSpec>) {
  return failure(() => createEngine({ providers, rules: [...rules] })).issues?.map((i) => [
    i.path,
    i.message,
  ]);
}

describe('rule triggers are checked against the providers', () => {
  test('a lifecycle, provider or state no catalog has is an issue at its path; every one is reported', () => {
    const issues = issuesOf([
      { name: 'ok', on: { lifecycle: 'employer_quote', to: 'accepted' }, actions: log },
      { name: 'state', on: { lifecycle: 'employer_quote', to: 'acepted' }, actions: log },
      { name: 'lifecycle', on: { lifecycle: 'employer_qoute', to: 'accepted' }, actions: log },
      { name: 'list', on: { lifecycle: 'employer_quote', from: ['accepted', 'nope'] }, actions: log },
      { name: 'provider', on: { lifecycle: 'policy', provider: 'acme' }, actions: log },
      { name: 'elsewhere', on: { lifecycle: 'employer_quote', provider: 'ten99policy' }, actions: log },
      { name: 'violation', on: { violation: true, lifecycle: 'claim' }, actions: log },
    ]);
    expect(issues).toEqual([
      [
        ['rules', 1, 'on', 'to'],
        "no state 'acepted' in employer_quote (states: accepted, action_required, not_undertaken, pending_insurer_acceptance, pending_quote)",
      ],
      [
        ['rules', 2, 'on', 'lifecycle'],
        expect.stringMatching(/^no lifecycle 'employer_qoute' \(have: .*employer_quote/),
      ],
      [['rules', 3, 'on', 'from', 1], expect.stringMatching(/^no state 'nope' in employer_quote/)],
      [['rules', 4, 'on', 'provider'], "no provider 'acme' is registered (have: kota, ten99policy)"],
      [
        ['rules', 5, 'on', 'lifecycle'],
        expect.stringMatching(/^no lifecycle 'employer_quote' in ten99policy \(have: application, /),
      ],
      [['rules', 6, 'on', 'lifecycle'], expect.stringMatching(/^no lifecycle 'claim' \(have: /)],
    ]);
  });

  test('a state value’s names are its own, or its regions’ paths', () => {
    expect(statePatterns('active')).toEqual(['active']);
    expect(statePatterns({ status: 'active', renewal: 'none' })).toEqual(['status.active', 'renewal.none']);
    expect(statePatterns({ a: { b: 'c' } })).toEqual(['a.b.c']);
  });

  test('a parallel machine’s states are named by region, as the runtime matches them', () => {
    const rules: RuleSpec[] = [
      { name: 'status', on: { lifecycle: 'policy', provider: 'kota', to: 'status.active' }, actions: log },
      { name: 'renewal', on: { lifecycle: 'policy', provider: 'kota', to: 'renewal.renewed' }, actions: log },
    ];
    expect(() => createEngine({ providers, rules })).not.toThrow();
    // `active` alone is no state of Kota's policy (its regions hold it), and the rule would never fire there;
    // without a provider the lifecycle is 1099Policy's too, whose flat `active` it names.
    expect(
      issuesOf([{ name: 'flat', on: { lifecycle: 'policy', provider: 'kota', to: 'active' }, actions: log }]),
    ).toEqual([
      [
        ['rules', 0, 'on', 'to'],
        expect.stringMatching(/^no state 'active' in policy \(states: renewal\.canceled, renewal\.none, /),
      ],
    ]);
    expect(() =>
      createEngine({
        providers,
        rules: [{ name: 'any', on: { lifecycle: 'policy', to: 'active' }, actions: log }],
      }),
    ).not.toThrow();
  });

  test('a whileIn no state of the rule’s lifecycles matches is an issue; event types themselves are not checked', () => {
    const issues = issuesOf([
      {
        name: 'typo',
        on: 'employer.health_insurance.quote.*',
        actions: [{ type: 'log', whileIn: 'action_requird', params: { message: 'm' } }],
      },
      {
        name: 'fine',
        on: 'employer.health_insurance.quote.action_required',
        actions: [{ type: 'log', whileIn: 'action_required', params: { message: 'm' } }],
      },
      // A type no catalog knows fires as `unhandled`: nothing to check its whileIn against.
      {
        name: 'unknown',
        on: 'custom.thing',
        actions: [{ type: 'log', whileIn: 'x', params: { message: 'm' } }],
      },
    ]);
    expect(issues).toEqual([
      [
        ['rules', 0, 'actions', 0, 'whileIn'],
        expect.stringMatching(
          /^no state 'action_requird' in employer_quote \(states: .*\): every job it guards/,
        ),
      ],
    ]);
  });

  test('loadConfig checks them, located, when told the providers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policyflow-triggers-'));
    const path = join(dir, 'policyflow.config.yaml');
    const text = [
      'rules:',
      '  - name: right',
      '    on: { lifecycle: employer_quote, to: accepted }',
      '    actions: [{ type: log, params: { message: m } }]',
      '  - name: wrong',
      '    on: { lifecycle: employer_quote, to: acepted }',
      '    actions: [{ type: log, params: { message: m } }]',
      '',
    ].join('\n');
    writeFileSync(path, text);
    expect(loadConfig(path, { env: {} }).rules).toHaveLength(2);
    const e = failure(() => loadConfig(path, { env: {}, providers }));
    expect(e.issues).toEqual([
      {
        code: 'config_invalid',
        path: ['rules', 1, 'on', 'to'],
        line: 6,
        column: 42,
        message: expect.stringMatching(/^no state 'acepted' in employer_quote/),
      },
    ]);
  });
});
