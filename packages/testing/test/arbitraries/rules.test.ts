import { test as fcTest } from '@fast-check/vitest';
import { createEngine, kota, loadConfig } from '@policyflow/core';
import fc from 'fast-check';
import { Engine } from 'json-rules-engine';
import { describe, expect, test } from 'vitest';
import { type ConditionTree, conditionFacts, conditionTree, ruleDefinition } from '../../src/index.js';

async function evaluate(tree: ConditionTree, facts: Record<string, unknown>): Promise<boolean> {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addRule({ conditions: tree as never, event: { type: 'hit' } });
  const { events } = await engine.run(facts);
  return events.length > 0;
}

describe('condition trees', () => {
  fcTest.prop([conditionTree(), conditionFacts()], { numRuns: 200 })(
    'json-rules-engine accepts every generated tree against generated facts',
    async (tree, facts) => {
      expect(typeof (await evaluate(tree, facts))).toBe('boolean');
    },
  );

  test('generated trees pass about as often as they fail', async () => {
    const pairs = fc.sample(fc.tuple(conditionTree(), conditionFacts()), { numRuns: 100, seed: 5 });
    let passed = 0;
    for (const [tree, facts] of pairs) if (await evaluate(tree, facts)) passed += 1;
    expect(passed).toBeGreaterThan(10);
    expect(passed).toBeLessThan(90);
  });

  fcTest.prop([conditionTree({ maxDepth: 1, facts: ['event'], paths: ['$.data.x'], operators: ['equal'] })])(
    'honours facts, paths and operators',
    (tree) => {
      const leaves = JSON.stringify(tree).match(/"fact":"[^"]+"/g) ?? [];
      expect(leaves.every((l) => l === '"fact":"event"')).toBe(true);
      expect(JSON.stringify(tree)).not.toMatch(/"operator":"(?!equal")/);
    },
  );
});

describe('ruleDefinition', () => {
  fcTest.prop([ruleDefinition({ catalog: kota(), actionTypes: ['log', 'http'] })])(
    'draws triggers from the catalog: an event type, or a lifecycle and one of its states',
    (rule) => {
      if ('event' in rule.on) expect(kota().events.has(rule.on.event)).toBe(true);
      else expect(kota().lifecycles.has(rule.on.lifecycle)).toBe(true);
      expect(rule.actions.length).toBeGreaterThan(0);
      for (const a of rule.actions) expect(['log', 'http']).toContain(a.type);
    },
  );

  fcTest.prop([ruleDefinition({ catalog: kota() })], { numRuns: 50 })(
    'every generated rule loads as config and builds an engine',
    (rule) => {
      const config = loadConfig({ rules: [rule] }, { env: {} });
      expect(() => createEngine({ providers: [kota()], config })).not.toThrow();
    },
  );

  // Enough runs to meet the roughly one config in a thousand whose message read as a template or a variable.
  fcTest.prop([fc.array(ruleDefinition({ catalog: kota() }), { minLength: 1, maxLength: 3 })], {
    numRuns: 3000,
  })('every generated rule set loads as config', (rules) => {
    // A config's rule names are unique; the arbitrary draws each rule's on its own.
    const named = rules.map((r, i) => ({ ...r, name: `${r.name}-${i}` }));
    expect(() => loadConfig({ rules: named }, { env: {} })).not.toThrow();
  });

  fcTest.prop(
    [ruleDefinition({ catalog: kota() }).filter((r) => 'lifecycle' in r.on && r.on.lifecycle === 'policy')],
    {
      numRuns: 20,
    },
  )('states of a parallel machine are region paths', (rule) => {
    const states = [rule.on, ...rule.actions].flatMap((x) =>
      'to' in x ? [x.to] : 'whileIn' in x && x.whileIn ? [x.whileIn] : [],
    );
    for (const s of states) expect(s).toMatch(/^(status|renewal)\.[a-z_]+$/);
  });
});
