/**
 * `pnpm bench:processes <checkoutA> <checkoutB> [pairs] [--rules]`: the core benchmark's engine run on the
 * sources of two checkouts of this repository (each with `pnpm install` done; e.g. a `git worktree` of the
 * old commit and this one), each run in a process of its own: a pair runs A's process and B's in turn
 * (alternating which goes first), each process prints the best of three engine runs, and the medians are
 * compared. With `--rules`, each engine holds the rules benchmark's 50 rules and runs their log actions.
 *
 * Why processes: on the project's VMs one process can run the same code 10–15% faster or slower than the
 * next (where its memory landed, what the host's other guests were doing), which `bench:compare`, running
 * both builds in one process, cannot see past. Two builds of the same code measured medians within 1% of
 * each other over ten pairs this way.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Core from '@policyflow/core';
import { createEngine, kota, type RuleSpec, ten99policy } from '@policyflow/core';
import { median } from './report.js';
import { benchRules } from './rules.js';
import { syntheticEvents } from './synthetic.js';

type CoreModule = Pick<typeof Core, 'createEngine' | 'kota' | 'ten99policy'>;

const RUNS = 3;

/** One process: the best of three engine runs over the benchmark's events, as `{"wall":…,"cpu":…}`. */
async function child(checkout: string, withRules: boolean): Promise<void> {
  const url = pathToFileURL(resolve(checkout, 'packages/core/src/index.ts')).href;
  const core = (await import(url)) as CoreModule;
  const events = syntheticEvents(200_000, 20_000, 1);
  const rules: RuleSpec[] = withRules
    ? benchRules(createEngine({ providers: [kota(), ten99policy()] }), events).map((r) => r.spec)
    : [];
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const engine = core.createEngine({
      providers: [core.kota(), core.ten99policy()],
      rules,
      logSink: () => {},
    });
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (const e of events) await engine.ingest(e.body, { provider: e.provider, source: 'bench' });
    await engine.drain();
    const used = process.cpuUsage(cpu0);
    wall = Math.min(wall, Number(process.hrtime.bigint() - start) / 1e3 / events.length);
    cpu = Math.min(cpu, (used.user + used.system) / events.length);
  }
  console.log(JSON.stringify({ wall, cpu }));
}

function runChild(checkout: string, withRules: boolean): { wall: number; cpu: number } {
  const args = ['--expose-gc', '--conditions=source', '--import', 'tsx', fileURLToPath(import.meta.url)];
  const out = spawnSync(process.execPath, [...args, '--child', checkout, ...(withRules ? ['--rules'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (out.status !== 0) throw new Error(`the run in ${checkout} failed (exit ${out.status})`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as { wall: number; cpu: number };
}

function parent(a: string, b: string, pairs: number, withRules: boolean): void {
  const results: Record<'A' | 'B', Array<{ wall: number; cpu: number }>> = { A: [], B: [] };
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const order: Array<['A' | 'B', string]> =
      i % 2 === 0
        ? [
            ['A', a],
            ['B', b],
          ]
        : [
            ['B', b],
            ['A', a],
          ];
    const pair: Partial<Record<'A' | 'B', number>> = {};
    for (const [name, dir] of order) {
      const r = runChild(dir, withRules);
      results[name].push(r);
      pair[name] = r.wall;
      console.log(`pair ${i + 1} ${name}: ${r.wall.toFixed(3)} µs wall, ${r.cpu.toFixed(3)} µs CPU`);
    }
    ratios.push(pair.B! / pair.A!);
  }
  for (const name of ['A', 'B'] as const) {
    const wall = results[name].map((r) => r.wall);
    const cpu = results[name].map((r) => r.cpu);
    console.log(
      `${name}: median ${median(wall).toFixed(3)} µs wall (best ${Math.min(...wall).toFixed(3)}), ` +
        `median ${median(cpu).toFixed(3)} µs CPU (best ${Math.min(...cpu).toFixed(3)})`,
    );
  }
  console.log(`B / A, median of the pairs: ${median(ratios).toFixed(3)} (below 1: B is faster)`);
}

const args = process.argv.slice(2);
const withRules = args.includes('--rules');
if (args[0] === '--child') {
  await child(args[1]!, withRules);
} else {
  const [a, b, pairsArg] = args.filter((x) => !x.startsWith('-'));
  if (a === undefined || b === undefined) {
    console.error('usage: pnpm bench:processes <checkoutA> <checkoutB> [pairs] [--rules]');
    process.exit(1);
  }
  parent(resolve(a), resolve(b), Number(pairsArg ?? 10), withRules);
}
