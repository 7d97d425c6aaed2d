import { parseArgs } from 'node:util';
import { UsageError } from './exit.js';

/** Option specs in node:util `parseArgs` form. */
export type OptionSpecs = Record<
  string,
  { readonly type: 'string' | 'boolean'; readonly short?: string; readonly multiple?: boolean }
>;

/** Parsed arguments: option values by name, and the positionals. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;
  readonly positionals: ReadonlyArray<string>;
}

/**
 * Parses a command's arguments strictly (unknown options are usage errors, exit 1) with `--help` built in.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs('replay', argv, { provider: { type: 'string' } });
 * ```
 */
export function parseCommandArgs(
  command: string,
  argv: ReadonlyArray<string>,
  options: OptionSpecs,
): ParsedArgs {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new UsageError(message, `run \`policyflow ${command} --help\` for the options it takes`);
  }
}

/**
 * A string option's value, or undefined.
 *
 * @example
 * ```ts
 * const provider = stringOption(args, 'provider');
 * ```
 */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A boolean option's value (false when absent).
 *
 * @example
 * ```ts
 * if (booleanOption(args, 'json')) printJson();
 * ```
 */
export function booleanOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/**
 * The command's one positional argument; a usage error (exit 1) when there is none or more than one.
 *
 * @example
 * ```ts
 * const file = onePositional(args, 'replay takes one FILE (or - for stdin)', 'e.g. `policyflow replay events.ndjson`');
 * ```
 */
export function onePositional(args: ParsedArgs, message: string, hint: string): string {
  const [only, ...extra] = args.positionals;
  if (only === undefined || extra.length > 0) throw new UsageError(message, hint);
  return only;
}

/**
 * A usage error (exit 1) when the command was given a positional argument, which it takes none of.
 *
 * @example
 * ```ts
 * noPositionals(args, 'schema', 'run `policyflow schema > policyflow.schema.json`');
 * ```
 */
export function noPositionals(args: ParsedArgs, command: string, hint: string): void {
  const [first] = args.positionals;
  if (first !== undefined)
    throw new UsageError(`${command} takes no positional arguments (got '${first}')`, hint);
}
