import { createRequire } from 'node:module';
import {
  type Catalog,
  type Condition,
  createEngine,
  type Engine,
  kota,
  type LogLine,
  type RuleSpec,
  statePatterns,
  type Trigger,
  ten99policy,
} from '@policyflow/core';
import { seededRandom } from '@policyflow/testing';
import type { TopLevelCondition } from 'json-rules-engine';
import { ratios, report, rounds, type Timing } from './report.js';
import { floor, type SyntheticEvent, syntheticEvents } from './synthetic.js';

// json-rules-engine is a dependency of @policyflow/core, not of the workspace root: load it from there.
const { Engine: JreEngine } = createRequire(new URL('../packages/core/package.json', import.meta.url))(
  'json-rules-engine',
) as typeof import('json-rules-engine');

const EVENTS = 200_000;
const RESOURCES = 20_000;
const RULES = 50;
/** The naive pipeline runs json-rules-engine per event: measured over a sample, or it takes minutes. */
const NAIVE_SAMPLE = 10_000;
const ROUNDS = 3;

function catalogs(): Record<string, Catalog> {
  return { kota: kota(), ten99policy: ten99policy() };
}

// Conditions a platform's rules typically test: the event's data, the resource's state and version, the
// provider, whether the transition was forced. Some pass almost always, some rarely: rules are selective.
const POOL: ReadonlyArray<Condition> = [
  { fact: 'event', path: '$.data.status', operator: 'equal', value: 'active' },
  { fact: 'resource', path: '$.state', operator: 'notIn', value: ['archived', 'deleted', 'cancelled'] },
  { fact: 'provider', operator: 'in', value: ['kota', 'ten99policy'] },
  { fact: 'event', path: '$.occurredAt', operator: 'greaterThan', value: 0 },
  { fact: 'transition', path: '$.forced', operator: 'notEqual', value: true },
  { fact: 'resource', path: '$.version', operator: 'lessThan', value: 3 },
  { fact: 'event', path: '$.data.id', operator: 'notEqual', value: '' },
  { fact: 'event', path: '$.data.object', operator: 'equal', value: 'policy' },
  {
    any: [
      { fact: 'event', path: '$.apiVersion', operator: 'equal', value: 'v2' },
      { fact: 'provider', operator: 'equal', value: 'ten99policy' },
    ],
  },
  { fact: 'resource', path: '$.context.is_active', operator: 'equal', value: true },
];

interface BenchRule {
  readonly spec: RuleSpec;
  /**
   * The trigger as a json-rules-engine condition, for the naive pipeline (which has no index). It has the
   * highest priority, so json-rules-engine skips the other conditions when it fails: the naive pipeline at its best.
   */
  readonly naiveTrigger: Condition;
}

function triggerFor(i: number, types: string[], lifecycles: Array<[string, string[]]>, rand: () => number) {
  const pick = <T>(list: ReadonlyArray<T>): T => list[Math.floor(rand() * list.length)]!;
  const kind = i % 10;
  if (kind < 4) {
    const type = pick(types);
    return {
      on: type as Trigger,
      naive: { fact: 'type', operator: 'equal', value: type, priority: 10 } as Condition,
    };
  }
  if (kind < 6) {
    const list = [pick(types), pick(types), pick(types)];
    return {
      on: list as Trigger,
      naive: { fact: 'type', operator: 'in', value: list, priority: 10 } as Condition,
    };
  }
  if (kind < 7) {
    const prefix = pick(types).split('.')[0]!;
    const matching = types.filter((t) => t.startsWith(`${prefix}.`));
    return {
      on: `${prefix}.*` as Trigger,
      naive: { fact: 'type', operator: 'in', value: matching } as Condition,
    };
  }
  if (kind < 9) {
    const [lifecycle, states] = pick(lifecycles);
    const to = pick(states);
    return {
      on: { lifecycle, to } as Trigger,
      naive: { fact: 'lifecycle', operator: 'equal', value: lifecycle, priority: 10 } as Condition,
    };
  }
  return {
    on: 'violation' as Trigger,
    naive: { fact: 'forced', operator: 'equal', value: true } as Condition,
  };
}

/** 50 rules with 2–3 conditions each and mixed triggers, generated deterministically from the catalogs. */
export function benchRules(engine: Engine, events: ReadonlyArray<SyntheticEvent>): BenchRule[] {
  const rand = seededRandom(42);
  const types = [...new Set(events.map((e) => e.type))].sort();
  const lifecycles = new Map<string, string[]>();
  for (const e of events) {
    const [provider, lifecycle] = e.key.split('/') as [string, string];
    if (lifecycles.has(lifecycle)) continue;
    const table = engine.table(provider, lifecycle)!;
    // The names a trigger gives states: a parallel machine's by region (`status.expired`), as rules write them.
    lifecycles.set(lifecycle, [...new Set([...table.states.values()].flatMap(statePatterns))]);
  }
  const lcs = [...lifecycles.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const rules: BenchRule[] = [];
  for (let i = 0; i < RULES; i++) {
    const { on, naive } = triggerFor(i, types, lcs, rand);
    const count = 2 + (i % 2);
    const conditions: Condition[] = [];
    while (conditions.length < count) {
      const c = POOL[Math.floor(rand() * POOL.length)]!;
      if (!conditions.includes(c)) conditions.push(c);
    }
    rules.push({
      spec: {
        name: `rule-${i}`,
        on,
        priority: 1 + (i % 3),
        conditions: { all: conditions },
        actions: [{ type: 'log', params: { message: `rule-${i} {{event.type}} {{resource.id}}` } }],
      },
      naiveTrigger: naive,
    });
  }
  return rules;
}

/** The naive pipeline: parse + zod, then one json-rules-engine Engine holding all rules, `run()` per event. */
async function naive(
  events: ReadonlyArray<SyntheticEvent>,
  rules: ReadonlyArray<BenchRule>,
): Promise<number> {
  const cats = catalogs();
  const jre = new JreEngine([], { allowUndefinedFacts: true });
  for (const r of rules) {
    const conditions = { all: [r.naiveTrigger, ...((r.spec.conditions as { all: Condition[] }).all ?? [])] };
    jre.addRule({
      name: r.spec.name,
      priority: r.spec.priority ?? 1,
      conditions: conditions as TopLevelCondition,
      event: { type: r.spec.name },
    });
  }
  let fired = 0;
  for (const e of events) {
    const body = JSON.parse(e.body) as { type: string; data: Record<string, unknown> };
    const entry = cats[e.provider]!.events.get(body.type)!;
    const data =
      typeof body.data.object === 'object' ? (body.data.object as Record<string, unknown>) : body.data;
    if (!entry.data.safeParse(data).success) continue;
    const event = { ...body, data, provider: e.provider };
    const result = await jre.run({
      event,
      type: body.type,
      provider: e.provider,
      lifecycle: entry.lifecycle,
    });
    fired += result.events.length;
  }
  return fired;
}

interface EngineFigures {
  fired: number;
  logged: number;
}

async function engineRun(
  events: ReadonlyArray<SyntheticEvent>,
  rules: ReadonlyArray<BenchRule>,
  figures: EngineFigures,
): Promise<void> {
  let logged = 0;
  const sink = (_line: LogLine): void => {
    logged++;
  };
  const engine = createEngine({
    providers: [kota(), ten99policy()],
    rules: rules.map((r) => r.spec),
    logSink: sink,
  });
  let fired = 0;
  for (const e of events) {
    const r = await engine.ingest(e.body, { provider: e.provider, source: 'bench' });
    fired += r.actions.length;
  }
  await engine.drain();
  figures.fired = fired;
  figures.logged = logged;
}

/** Issue 3's benchmark: floor, naive json-rules-engine pipeline and the engine with 50 rules. */
export async function run(): Promise<void> {
  const events = syntheticEvents(EVENTS, RESOURCES, 1);
  const rules = benchRules(createEngine({ providers: [kota(), ten99policy()] }), events);
  const sample = events.slice(0, NAIVE_SAMPLE);
  const warm = events.slice(0, 10_000);
  const figures: EngineFigures = { fired: 0, logged: 0 };
  floor(warm);
  await naive(warm.slice(0, 1000), rules);
  await engineRun(warm, rules, figures);

  // The machine is shared: every pipeline runs once per round, the rounds alternate, and each keeps its best.
  const naiveLabel = `naive: json-rules-engine run() per event (${NAIVE_SAMPLE / 1000}k sample)`;
  const none = (): Promise<void> => engineRun(events, [], { fired: 0, logged: 0 });
  const [f, n, b, e] = (await rounds(
    [
      ['floor: JSON.parse + zod', EVENTS, () => floor(events)],
      [naiveLabel, NAIVE_SAMPLE, () => naive(sample, rules)],
      ['engine without rules (for reference)', EVENTS, none],
      ['engine: 50 rules, log actions into memory', EVENTS, () => engineRun(events, rules, figures)],
    ],
    ROUNDS,
  )) as [Timing, Timing, Timing, Timing];
  const pct = (r: number): string => `${(r * 100).toFixed(0)}%`;
  const times = (r: number): string => `${r.toFixed(1)}x`;
  report('rules (issue 3)', [
    f.line,
    n.line,
    b.line,
    e.line,
    `rules and actions cost: ${(e.wall - b.wall).toFixed(2)} µs wall, ${(e.cpu - b.cpu).toFixed(2)} µs CPU per event`,
    `actions fired and run: ${figures.fired.toLocaleString('en-US')} fired, ${figures.logged.toLocaleString('en-US')} logged`,
    ratios('engine / naive', e, n, times, '>= 40x'),
    ratios('engine / floor', e, f, pct, '>= 40%'),
    ratios('engine without rules / floor', b, f, pct, 'of the core benchmark: >= 50%'),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
