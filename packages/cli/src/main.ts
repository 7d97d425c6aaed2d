import { createRequire } from 'node:module';
import type { Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand } from './commands/explain.js';
import { graphCommand } from './commands/graph.js';
import { pollCommand } from './commands/poll.js';
import { replayCommand } from './commands/replay.js';
import { schemaCommand } from './commands/schema.js';
import { serveCommand } from './commands/serve.js';
import { validateCommand } from './commands/validate.js';
import { reportError } from './exit.js';
import type { CliIo } from './io.js';

/** Every sub-command, in the order `policyflow --help` lists them. */
export const commands: ReadonlyArray<Command> = [
  demoCommand,
  validateCommand,
  replayCommand,
  explainCommand,
  serveCommand,
  pollCommand,
  graphCommand,
  schemaCommand,
];

function version(): string {
  const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
  return `policyflow ${pkg.version}`;
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: policyflow <command> [options]',
    '',
    'Insurance provider events (Kota, 1099Policy) → lifecycle state → rules and actions.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `policyflow <command> --help` for a command's options.",
    '',
  ].join('\n');
}

/**
 * Runs the `policyflow` command line in-process and resolves to its exit code
 * (0 ok, 1 bad input or usage, 2 runtime failure). Never throws.
 *
 * @example
 * ```ts
 * const code = await main(['replay', 'events.ndjson', '--provider', 'kota'], nodeIo());
 * ```
 */
export async function main(argv: ReadonlyArray<string>, io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`error: unknown command '${name}'\n  → run \`policyflow --help\` to list the commands\n`);
    return 1;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, io.stderr);
  }
}
