import { describeIssue, isPolicyflowError } from '@policyflow/core';

/** The CLI's exit codes: 0 ok, 1 bad input or usage, 2 runtime failure. */
export const exitCodes = { ok: 0, badInput: 1, failure: 2 } as const;

/** One of {@link exitCodes}. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/**
 * A failure the user can fix: wrong arguments, a missing file, an invalid config. `hint` says what to do.
 *
 * @example
 * ```ts
 * throw new UsageError('missing --provider', 'pass --provider kota or --provider ten99policy');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly hint: string;
  readonly exitCode: ExitCode;

  constructor(message: string, hint: string, exitCode: ExitCode = exitCodes.badInput) {
    super(message);
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

// Codes that mean the input (arguments, files, config) is wrong rather than the machine or the network.
const inputCodes = new Set<string>([
  'invalid_json',
  'invalid_envelope',
  'invalid_data',
  'unknown_provider',
  'config_invalid',
  'config_env_missing',
  'unknown_action',
  'unknown_operator',
  'template_invalid',
  'action_params_invalid',
  'invalid_argument',
  'not_found',
  'lifecycle_unknown',
  'catalog_conflict',
]);

/**
 * Turns anything a command threw into a message on stderr and an exit code.
 *
 * @example
 * ```ts
 * try { return await run(); } catch (e) { return reportError(e, io.stderr); }
 * ```
 */
export function reportError(error: unknown, write: (text: string) => void): ExitCode {
  if (error instanceof UsageError) {
    write(`error: ${error.message}\n  → ${error.hint}\n`);
    return error.exitCode;
  }
  if (isPolicyflowError(error)) {
    const input = inputCodes.has(error.code);
    write(`error [${error.code}]: ${error.message}\n`);
    for (const issue of error.issues ?? []) write(`  ${describeIssue(issue)}\n`);
    write(
      input
        ? '  → fix the input named above and run the command again\n'
        : '  → this is a runtime failure; check the store/network it names, then retry\n',
    );
    return input ? exitCodes.badInput : exitCodes.failure;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  write(
    `error: ${message}\n  → this looks like a bug or an environment problem; rerun, and report it with this output if it persists\n`,
  );
  return exitCodes.failure;
}
