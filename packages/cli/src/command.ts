import type { CliIo } from './io.js';

/**
 * One `policyflow` sub-command.
 *
 * @example
 * ```ts
 * const hello: Command = { name: 'hello', summary: 'says hello', usage: 'policyflow hello', run: async (_a, io) => { io.stdout('hi\n'); return 0; } };
 * ```
 */
export interface Command {
  readonly name: string;
  /** One line for `policyflow --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Runs the command; resolves to its exit code (0 ok, 1 bad input or usage, 2 runtime failure). */
  run(argv: ReadonlyArray<string>, io: CliIo): Promise<number>;
}
