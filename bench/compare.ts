/**
 * `pnpm bench:compare <coreA> <coreB> [pairs] [--rules]`: the core benchmark's engine run on two builds of
 * `@policyflow/core` (folders holding a built `index.js`, e.g. a `git worktree` of the old commit after
 * `pnpm build`, and `packages/core/dist`), in one process, in pairs that alternate which build goes first.
 * With `--rules`, each engine holds the rules benchmark's 50 rules and runs their log actions.
 *
 * On a shared VM the same build can measure 30% apart from one minute to the next, so runs of two builds made
 * at different times say little. Within a pair both builds see the same minute; the median of the pairs'
 * ratios is what to quote (below 1: B is faster).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Core from '@policyflow/core';
import { createEngine, kota, type RuleSpec, ten99policy } from '@policyflow/core';
import { median } from './report.js';
import { benchRules } from './rules.js';
import { type SyntheticEvent, syntheticEvents } from './synthetic.js';

type CoreModule = Pick<typeof Core, 'createEngine' | 'kota' | 'ten99policy'>;

async function load(dir: string): Promise<CoreModule> {
  return (await import(pathToFileURL(resolve(dir, 'index.js')).href)) as CoreModule;
}

/** µs per event of one engine over every event. */
async function engineRun(core: CoreModule, events: ReadonlyArray<SyntheticEvent>): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const engine = core.createEngine({
    providers: [core.kota(), core.ten99policy()],
    rules,
    logSink: () => {},
  });
  const start = process.hrtime.bigint();
  for (const e of events) await engine.ingest(e.body, { provider: e.provider, source: 'bench' });
  await engine.drain();
  return Number(process.hrtime.bigint() - start) / 1e3 / events.length;
}

const [dirA, dirB, pairsArg] = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (dirA === undefined || dirB === undefined) {
  console.error(
    'usage: pnpm bench:compare <coreA> <coreB> [pairs] [--rules]  (folders with a built index.js)',
  );
  process.exit(1);
}
const pairs = Number(pairsArg ?? 10);
const [a, b] = [await load(dirA), await load(dirB)];
const events = syntheticEvents(200_000, 20_000, 1);
const rules: RuleSpec[] = process.argv.includes('--rules')
  ? benchRules(createEngine({ providers: [kota(), ten99policy()] }), events).map((r) => r.spec)
  : [];
await engineRun(a, events.slice(0, 20_000));
await engineRun(b, events.slice(0, 20_000));
const times: [number[], number[]] = [[], []];
const ratios: number[] = [];
for (let i = 0; i < pairs; i++) {
  const order = i % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
  const got = [0, 0];
  for (const which of order) got[which] = await engineRun(which === 0 ? a : b, events);
  times[0].push(got[0]!);
  times[1].push(got[1]!);
  ratios.push(got[1]! / got[0]!);
}
const fmt = (v: number): string => v.toFixed(2);
console.log(`A ${dirA}: median ${fmt(median(times[0]))} µs/event, best ${fmt(Math.min(...times[0]))}`);
console.log(`B ${dirB}: median ${fmt(median(times[1]))} µs/event, best ${fmt(Math.min(...times[1]))}`);
console.log(
  `B/A per pair: median ${median(ratios).toFixed(3)}  [${ratios.map((r) => r.toFixed(2)).join(' ')}]`,
);
