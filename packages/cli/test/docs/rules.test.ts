import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  builtinActions,
  configJsonSchema,
  defaultOperators,
  httpParams,
  loadConfig,
  TEMPLATE_ROOTS,
} from '@policyflow/core';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(join(import.meta.dirname, '../../../../docs/rules.md'), 'utf8');

function propertyNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) propertyNames(item, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value !== null && typeof value === 'object') {
        for (const name of Object.keys(value)) out.add(name);
      }
      propertyNames(value, out);
    }
  }
  return out;
}

function constants(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) constants(item, out);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'const' && typeof value === 'string') out.add(value);
      constants(value, out);
    }
  }
  return out;
}

/** True when `name` appears in code, alone or as the last part of a dotted path (`poll.every`). */
function documented(name: string): boolean {
  const escaped = name.replace(/[$.]/g, '\\$&');
  return new RegExp(`\`(?:[\\w$]+\\.)*${escaped}\``).test(doc);
}

const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const env = new Proxy({} as Record<string, string>, { get: (_t, name) => `test-${String(name)}` });

describe('docs/rules.md', () => {
  it('documents every field of the config schema', () => {
    const missing = [...propertyNames(configJsonSchema())].filter((name) => !documented(name));
    expect(missing).toEqual([]);
  });

  it('documents every store type, built-in operator, action type, http param and template root', () => {
    const names = [
      ...constants(configJsonSchema()),
      ...defaultOperators.map((o) => o.name),
      'dateBefore',
      'dateAfter',
      'withinDays',
      'daysUntil',
      ...builtinActions.keys(),
      ...Object.keys(httpParams.shape),
      ...TEMPLATE_ROOTS,
    ];
    expect(names.filter((name) => !documented(name))).toEqual([]);
  });

  it('has YAML examples that load as configs', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(5);
    const dir = mkdtempSync(join(tmpdir(), 'pf-rules-doc-'));
    yamlBlocks.forEach((block, i) => {
      const file = join(dir, `example-${i}.yaml`);
      writeFileSync(file, block);
      expect(() => loadConfig(file, { env }), `example ${i}:\n${block}`).not.toThrow();
    });
  });
});
