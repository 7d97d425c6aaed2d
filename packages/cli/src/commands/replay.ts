import { basename } from 'node:path';
import { createEngine, createMemoryStore, formatPath, type LogLine } from '@policyflow/core';
import { booleanOption, onePositional, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadForCommand, RULES_ONLY } from '../config.js';
import { readEvents } from '../events.js';
import { countByStatus, formatCounts, formatState, renderTable, resourceRows } from '../format.js';
import type { CliIo } from '../io.js';
import { builtinCatalogs, requireProvider } from '../providers.js';
import { eventsPerKey, jsonLine, progressBar, type ReplayedEvent, replayInto } from '../replay.js';
import { dryRunStore } from '../store.js';

const usage = `Usage: policyflow replay FILE|- --provider kota|ten99policy [--config FILE] [--json] [--states] [--execute]

Feeds saved provider events through the engine, in file order, and reports what each did. A dry run by
default: rules fire and their actions are recorded (with idempotency keys) but not run.
FILE is NDJSON (one event a line), a JSON array, or a saved list-API page; - reads stdin.

  --provider P    the provider that sent the events: kota or ten99policy
  --config FILE   rules to fire (default: ./policyflow.config.yaml if present); the store is always memory
  --json          one JSON line per event, then a {"summary":{…}} line
  --states        print each resource's final state
  --execute       run the actions for real (http calls, logs, emits) and wait for them

Exit code: 0 when every event was accepted, 1 when some were invalid (they are listed with their line).
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

function printHuman(
  io: CliIo,
  file: string,
  provider: string,
  replayed: ReadonlyArray<ReplayedEvent>,
  execute: boolean,
): void {
  const counts = countByStatus(replayed.map((r) => r.result));
  const mode = execute ? 'actions executed' : 'dry run';
  io.stdout(`replayed ${replayed.length} events from ${file} as ${provider} (${mode})\n`);
  io.stdout(`${formatCounts(counts)}\n`);
  const fired = replayed.flatMap((r) =>
    r.result.actions.map((a) => `${a.rule} → ${a.type} (${a.idempotencyKey})`),
  );
  if (fired.length > 0) {
    io.stdout(`\nactions ${execute ? 'run' : 'recorded, not run'}:\n`);
    for (const line of fired.slice(0, maxProblems)) io.stdout(`  ${line}\n`);
    if (fired.length > maxProblems) io.stdout(`  … and ${fired.length - maxProblems} more\n`);
  }
  const problems = replayed.filter((r) => notable.has(r.result.status));
  if (problems.length === 0) return;
  io.stdout('\nworth a look:\n');
  for (const p of problems.slice(0, maxProblems)) io.stdout(`  ${describe(p)}\n`);
  if (problems.length > maxProblems) {
    io.stdout(`  … and ${problems.length - maxProblems} more (use --json to see every event)\n`);
  }
}

/**
 * `policyflow replay`: saved events through the engine, dry run.
 *
 * @example
 * ```ts
 * await replayCommand.run(['events.ndjson', '--provider', 'kota', '--json'], io);
 * ```
 */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'feed saved provider events (NDJSON/JSON) through the engine, dry run',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('replay', argv, {
      provider: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      states: { type: 'boolean' },
      execute: { type: 'boolean' },
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
    const execute = booleanOption(args, 'execute');
    const store = execute ? createMemoryStore() : dryRunStore(createMemoryStore());
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
      if (execute) await engine.drain();
      const counts = countByStatus(replayed.map((r) => r.result));
      if (json) io.stdout(`${JSON.stringify({ summary: counts })}\n`);
      else printHuman(io, file === '-' ? 'stdin' : basename(file), provider, replayed, execute);
      if (booleanOption(args, 'states')) {
        const rows = await resourceRows(engine, eventsPerKey(replayed.map((r) => r.result)));
        io.stdout(`\n${renderTable(['resource', 'lifecycle', 'state', 'events'], rows)}`);
      }
      if ((counts.invalid ?? 0) > 0) {
        io.stderr(
          `${counts.invalid} event(s) were invalid: fix or drop the lines listed${json ? ' (status "invalid")' : ' above'}, then replay again\n`,
        );
        return 1;
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
