import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo, configFolder } from '../helpers.js';

const dir = join(import.meta.dirname, '../fixtures');

describe('validate', () => {
  it('exits 0 and summarizes a valid config', async () => {
    const io = { ...captureIo({ cwd: dir }), env: { T99_WEBHOOK_SECRET: 'whsec_test' } };
    expect(await main(['validate', '--config', 'policyflow.config.yaml'], io)).toBe(0);
    expect(io.out()).toContain(
      'policyflow.config.yaml: ok — 2 rule(s), providers: ten99policy, store: memory',
    );
  });

  it('finds policyflow.config.yaml in the working folder without --config', async () => {
    const io = { ...captureIo({ cwd: dir }), env: { T99_WEBHOOK_SECRET: 'whsec_test' } };
    expect(await main(['validate'], io)).toBe(0);
  });

  it('exits 1 with every problem as file:line:col path: message', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['validate', '--config', 'broken.config.yaml'], io)).toBe(1);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/^broken\.config\.yaml:\d+:\d+ \S+: .+/);
    expect(io.out()).toContain('broken.config.yaml:4:9 rules[0].on: ');
    expect(io.out()).toContain("rules[0].actions[0].type: unknown action 'sms'");
    expect(io.out()).toContain("rules[1].conditions.all[0].operator: unknown operator 'equalz'");
    expect(io.err()).toContain('4 problem(s)');
  });

  it('locates a duration it cannot read', async () => {
    const dir = configFolder(
      'providers:\n  ten99policy:\n    api: { key: k }\n    poll: { every: banana }\n',
    );
    const io = captureIo({ cwd: dir });
    expect(await main(['validate'], io)).toBe(1);
    expect(io.out()).toMatch(
      /^policyflow\.config\.yaml:4:\d+ providers\.ten99policy\.poll\.every: expected a duration/m,
    );
  });

  it('locates a trigger that names a lifecycle or state the providers do not have', async () => {
    const dir = configFolder(
      [
        'rules:',
        '  - { name: right, on: { lifecycle: employer_quote, to: accepted }, actions: [{ type: log, params: { message: m } }] }',
        '  - { name: state, on: { lifecycle: employer_quote, to: acepted }, actions: [{ type: log, params: { message: m } }] }',
        '  - { name: lifecycle, on: { lifecycle: employer_qoute }, actions: [{ type: log, params: { message: m } }] }',
        '',
      ].join('\n'),
    );
    const io = captureIo({ cwd: dir });
    expect(await main(['validate'], io)).toBe(1);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^policyflow\.config\.yaml:3:\d+ rules\[1\]\.on\.to: no state 'acepted' in employer_quote \(states: accepted, /,
    );
    expect(lines[1]).toMatch(
      /^policyflow\.config\.yaml:4:\d+ rules\[2\]\.on\.lifecycle: no lifecycle 'employer_qoute' \(have: /,
    );
  });

  it('names a missing environment variable with its line', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['validate', '--config', 'policyflow.config.yaml'], io)).toBe(1);
    expect(io.out()).toMatch(
      /policyflow\.config\.yaml:4:\d+ providers\.ten99policy\.webhook\.secrets\[0\]: .*T99_WEBHOOK_SECRET/,
    );
  });

  it('exits 1 when there is no config to check', async () => {
    const io = captureIo({ cwd: import.meta.dirname });
    expect(await main(['validate'], io)).toBe(1);
    expect(io.err()).toContain('pass --config FILE');
    const missing = captureIo({ cwd: dir });
    expect(await main(['validate', '--config', 'nope.yaml'], missing)).toBe(1);
    expect(missing.err()).toContain('no config file at');
  });
});

describe('schema', () => {
  it('prints the config JSON Schema', async () => {
    const io = captureIo();
    expect(await main(['schema'], io)).toBe(0);
    const schema = JSON.parse(io.out()) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['store', 'providers', 'rules']));
  });
});
