import { basename } from 'node:path';
import { parseDuration } from '@policyflow/adapters/polling';
import {
  type ActionJob,
  createEngine,
  createMemoryStore,
  type Engine,
  formatPath,
  type LogLine,
} from '@policyflow/core';
import { booleanOption, onePositional, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadForCommand, RULES_ONLY } from '../config.js';
import { readEvents } from '../events.js';
import { UsageError } from '../exit.js';
import { countByStatus, formatCounts, formatState, renderTable, resourceRows } from '../format.js';
import type { CliIo } from '../io.js';
import { countJobs, describeJob, jobLine, jobsById, type SettleEnd, settleJobs } from '../jobs.js';
import { builtinCatalogs, requireProvider } from '../providers.js';
import { eventsPerKey, jsonLine, progressBar, type ReplayedEvent, replayInto } from '../replay.js';
import { dryRunStore } from '../store.js';

const DEFAULT_WAIT = '60s';

const usage = `Usage: policyflow replay FILE|- --provider kota|ten99policy [--config FILE] [--json] [--states]
                         [--execute [--wait D]]

Feeds saved provider events through the engine, in file order, and reports what each did. A dry run by
default: rules fire and their actions are recorded (with idempotency keys) but not run.
FILE is NDJSON (one event a line), a JSON array, or a saved list-API page; - reads stdin.

  --provider P    the provider that sent the events: kota or ten99policy
  --config FILE   rules to fire (default: ./policyflow.config.yaml if present); the store is always memory
  --json          one JSON line per event, then (with --execute) a {"job":{…}} line per action with its
                  outcome, then a {"summary":{…}} line
  --states        print each resource's final state
  --execute       run the actions for real (http calls, logs, emits) and wait for them: retries and delayed
                  actions run as they come due, then each action's outcome is printed: succeeded, dead (with
                  its last error), or still pending with when it is due (such a job never runs: the store is
                  memory and ends with the replay)
  --wait D        with --execute, wait at most D for retries and delays to come due (default ${DEFAULT_WAIT};
                  0: run only what is due at once), e.g. 500ms, 30s, 5m

Exit code: 0 when every event was accepted, 1 when some were invalid (they are listed with their line) or,
with --execute, when an action failed for good (dead).
Example: policyflow replay events.ndjson --provider kota --states
`;

const notable = new Set(['forced', 'rejected', 'invalid', 'unhandled']);
const maxProblems = 20;

function describe({ line, result }: ReplayedEvent): string {
  if (result.status === 'invalid') {
    const where = result.error && result.error.path.length > 0 ? ` at ${formatPath(result.error.path)}` : '';
    return `line ${line}: invalid [${result.error?.code}]${where}: ${result.error?.message}`;
  }
  const move = result.key ? ` ${result.key} ${formatState(result.from)} → ${formatState(result.to)}` : '';
  return `line ${line}: ${result.status} ${result.type}${move}`;
}

/** What `--execute` ran: each fired action's job as it ended, and why the pending ones did not run. */
interface Executed {
  readonly jobs: ReadonlyArray<ActionJob>;
  readonly end: SettleEnd;
  readonly wait: string;
}

function notRunBecause(executed: Executed): string {
  if (executed.end === 'interrupted') return 'replay was interrupted';
  return `due after the --wait of ${executed.wait}`;
}

// Dead first, then still pending, so that a long list cut at `maxProblems` still shows what needs a look.
const jobOrder: Readonly<Record<string, number>> = {
  dead: 0,
  pending: 1,
  running: 1,
  failed: 1,
  cancelled: 2,
};

function printFired(io: CliIo, replayed: ReadonlyArray<ReplayedEvent>, executed: Executed | undefined): void {
  const fired = replayed.flatMap((r) => r.result.actions);
  if (fired.length === 0) return;
  if (executed === undefined) {
    io.stdout('\nactions recorded, not run:\n');
    const lines = fired.map((a) => `${a.rule} → ${a.type} (${a.idempotencyKey})`);
    for (const line of lines.slice(0, maxProblems)) io.stdout(`  ${line}\n`);
    if (lines.length > maxProblems) io.stdout(`  … and ${lines.length - maxProblems} more\n`);
    return;
  }
  const now = Date.now();
  const why = notRunBecause(executed);
  const jobs = [...executed.jobs].sort((a, b) => (jobOrder[a.status] ?? 3) - (jobOrder[b.status] ?? 3));
  io.stdout('\nactions:\n');
  for (const job of jobs.slice(0, maxProblems)) {
    io.stdout(`  ${job.rule} → ${job.type} (${job.id}): ${describeJob(job, now, why)}\n`);
  }
  if (jobs.length > maxProblems)
    io.stdout(`  … and ${jobs.length - maxProblems} more (use --json to see every job)\n`);
  io.stdout(`  ${formatCounts(countJobs(executed.jobs))}\n`);
}

function printHuman(
  io: CliIo,
  file: string,
  provider: string,
  replayed: ReadonlyArray<ReplayedEvent>,
  executed: Executed | undefined,
): void {
  const counts = countByStatus(replayed.map((r) => r.result));
  const mode = executed ? 'actions executed' : 'dry run';
  io.stdout(`replayed ${replayed.length} events from ${file} as ${provider} (${mode})\n`);
  io.stdout(`${formatCounts(counts)}\n`);
  printFired(io, replayed, executed);
  const problems = replayed.filter((r) => notable.has(r.result.status));
  if (problems.length === 0) return;
  io.stdout('\nworth a look:\n');
  for (const p of problems.slice(0, maxProblems)) io.stdout(`  ${describe(p)}\n`);
  if (problems.length > maxProblems) {
    io.stdout(`  … and ${problems.length - maxProblems} more (use --json to see every event)\n`);
  }
}

/** `--wait`: only with `--execute`, a duration (default 60s). */
function waitOf(raw: string | undefined, execute: boolean): { readonly ms: number; readonly shown: string } {
  if (raw === undefined) return { ms: parseDuration(DEFAULT_WAIT), shown: DEFAULT_WAIT };
  if (!execute) {
    throw new UsageError(
      '--wait only applies with --execute',
      'add --execute to run the actions, or drop --wait',
    );
  }
  try {
    return { ms: parseDuration(raw), shown: raw.trim() };
  } catch {
    throw new UsageError(`'${raw}' is not a duration`, 'pass --wait as e.g. 500ms, 30s, 5m or 1h');
  }
}

/** Runs the fired jobs as they come due, within the wait, and reads each one's outcome. */
async function execute(
  engine: Engine,
  replayed: ReadonlyArray<ReplayedEvent>,
  wait: { readonly ms: number; readonly shown: string },
  signal: AbortSignal | undefined,
): Promise<Executed> {
  const end = await settleJobs(engine, { waitMs: wait.ms, signal });
  const ids = replayed.flatMap((r) => r.result.actions.map((a) => a.idempotencyKey));
  return { jobs: await jobsById(engine, ids), end, wait: wait.shown };
}

function reportExecuted(io: CliIo, executed: Executed, json: boolean): boolean {
  const counts = countJobs(executed.jobs);
  const pending = counts.pending ?? 0;
  if (pending > 0) {
    io.stderr(
      `note: ${pending} action(s) were still pending, ${notRunBecause(executed)}, and did not run: replay keeps its jobs in memory only${executed.end === 'wait_over' ? ' (pass a longer --wait to wait for them)' : ''}\n`,
    );
  }
  const dead = counts.dead ?? 0;
  if (dead === 0) return false;
  io.stderr(
    `${dead} action(s) failed for good (dead): their last errors are listed${json ? ' (status "dead")' : ' above'}; fix the cause and replay again\n`,
  );
  return true;
}

/**
 * `policyflow replay`: saved events through the engine, dry run unless `--execute`.
 *
 * @example
 * ```ts
 * await replayCommand.run(['events.ndjson', '--provider', 'kota', '--json'], io);
 * ```
 */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'feed saved provider events (NDJSON/JSON) through the engine, dry run unless --execute',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('replay', argv, {
      provider: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      states: { type: 'boolean' },
      execute: { type: 'boolean' },
      wait: { type: 'string' },
    });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    const file = onePositional(
      args,
      'replay takes one FILE (or - for stdin)',
      'e.g. `policyflow replay events.ndjson --provider kota`',
    );
    const catalogs = builtinCatalogs();
    const provider = requireProvider(stringOption(args, 'provider'), catalogs);
    const events = await readEvents(file, io);
    const { config } = loadForCommand(stringOption(args, 'config'), io, RULES_ONLY);
    const executing = booleanOption(args, 'execute');
    const wait = waitOf(stringOption(args, 'wait'), executing);
    // Every job is kept (not only the newest 10 000 finished ones) so that each one's outcome can be printed.
    const store = executing
      ? createMemoryStore({ finishedJobLimit: Number.POSITIVE_INFINITY })
      : dryRunStore(createMemoryStore());
    const json = booleanOption(args, 'json');
    // Keep stdout parseable under --json: action log lines go to stderr there.
    const logSink = (line: LogLine) => (json ? io.stderr : io.stdout)(`${JSON.stringify(line)}\n`);
    const engine = createEngine({ providers: catalogs, store, logSink, ...(config ? { config } : {}) });
    try {
      const progress = progressBar(io, events.length);
      const replayed = await replayInto(engine, events, {
        provider,
        onProgress: progress.update,
        ...(json ? { onResult: (r: ReplayedEvent) => io.stdout(`${JSON.stringify(jsonLine(r))}\n`) } : {}),
      });
      progress.done();
      const executed = executing ? await execute(engine, replayed, wait, io.signal) : undefined;
      const counts = countByStatus(replayed.map((r) => r.result));
      if (json) {
        for (const job of executed?.jobs ?? []) io.stdout(`${JSON.stringify(jobLine(job))}\n`);
        io.stdout(`${JSON.stringify({ summary: counts })}\n`);
      } else printHuman(io, file === '-' ? 'stdin' : basename(file), provider, replayed, executed);
      if (booleanOption(args, 'states')) {
        const rows = await resourceRows(engine, eventsPerKey(replayed.map((r) => r.result)));
        io.stdout(`\n${renderTable(['resource', 'lifecycle', 'state', 'events'], rows)}`);
      }
      const anyDead = executed !== undefined && reportExecuted(io, executed, json);
      if ((counts.invalid ?? 0) > 0) {
        io.stderr(
          `${counts.invalid} event(s) were invalid: fix or drop the lines listed${json ? ' (status "invalid")' : ' above'}, then replay again\n`,
        );
        return 1;
      }
      return anyDead ? 1 : 0;
    } finally {
      await engine.close();
    }
  },
};
