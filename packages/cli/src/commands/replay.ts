import { basename } from 'node:path';
import { createEngine, formatPath } from '@policyflow/core';
import { booleanOption, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { readEvents } from '../events.js';
import { UsageError } from '../exit.js';
import { countByStatus, formatCounts, formatState, renderTable, resourceRows } from '../format.js';
import type { CliIo } from '../io.js';
import { builtinCatalogs, requireProvider } from '../providers.js';
import { eventsPerKey, jsonLine, progressBar, type ReplayedEvent, replayInto } from '../replay.js';

const usage = `Usage: policyflow replay FILE|- --provider kota|ten99policy [--json] [--states]

Feeds saved provider events through the engine, in file order, as a dry run, and reports what each did.
FILE is NDJSON (one event a line), a JSON array, or a saved list-API page; - reads stdin.

  --provider P   the provider that sent the events: kota or ten99policy
  --json         one JSON line per event, then a {"summary":{…}} line
  --states       print each resource's final state

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

function printHuman(io: CliIo, file: string, provider: string, replayed: ReadonlyArray<ReplayedEvent>): void {
  const counts = countByStatus(replayed.map((r) => r.result));
  io.stdout(`replayed ${replayed.length} events from ${file} as ${provider} (dry run)\n`);
  io.stdout(`${formatCounts(counts)}\n`);
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
      json: { type: 'boolean' },
      states: { type: 'boolean' },
    });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    const [file, ...extra] = args.positionals;
    if (file === undefined || extra.length > 0) {
      throw new UsageError(
        'replay takes one FILE (or - for stdin)',
        'e.g. `policyflow replay events.ndjson --provider kota`',
      );
    }
    const catalogs = builtinCatalogs();
    const provider = requireProvider(stringOption(args, 'provider'), catalogs);
    const events = await readEvents(file, io);
    const engine = createEngine({ providers: catalogs });
    try {
      const json = booleanOption(args, 'json');
      const progress = progressBar(io, events.length);
      const replayed = await replayInto(engine, events, {
        provider,
        onProgress: progress.update,
        ...(json ? { onResult: (r: ReplayedEvent) => io.stdout(`${JSON.stringify(jsonLine(r))}\n`) } : {}),
      });
      progress.done();
      const counts = countByStatus(replayed.map((r) => r.result));
      if (json) io.stdout(`${JSON.stringify({ summary: counts })}\n`);
      else printHuman(io, file === '-' ? 'stdin' : basename(file), provider, replayed);
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
