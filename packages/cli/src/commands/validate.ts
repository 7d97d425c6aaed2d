import { relative } from 'node:path';
import { isPolicyflowError } from '@policyflow/core';
import { parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { configPath, formatIssue, issuesOf, loadConfigFile } from '../config.js';
import { UsageError } from '../exit.js';

const usage = `Usage: policyflow validate [--config FILE]

Checks a config file: its shape against the schema (\`policyflow schema\`), \${ENV} variables, rule triggers,
conditions, operators, action types and templates. Prints every problem as file:line:col path: message.

  --config FILE   default: ./policyflow.config.{yaml,yml,json}

Exit code: 0 valid, 1 invalid (every problem listed).
`;

/**
 * `policyflow validate`: every problem of a config file, located.
 *
 * @example
 * ```ts
 * await validateCommand.run(['--config', 'policyflow.config.yaml'], io);
 * ```
 */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file; every problem as file:line:col path: message',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('validate', argv, { config: { type: 'string' } });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    if (args.positionals.length > 0) {
      throw new UsageError('validate takes no positional arguments', 'pass the file with --config FILE');
    }
    const path = configPath(stringOption(args, 'config'), io.cwd);
    if (path === undefined) {
      throw new UsageError(
        'no config file found (looked for policyflow.config.yaml, .yml, .json)',
        'pass --config FILE, or create policyflow.config.yaml (see docs/rules.md)',
      );
    }
    const shown = relative(io.cwd, path) || path;
    try {
      const config = loadConfigFile(path, io.env);
      const providers = Object.keys(config.providers ?? {});
      io.stdout(
        `${shown}: ok — ${config.rules.length} rule(s)` +
          `${providers.length > 0 ? `, providers: ${providers.join(', ')}` : ''}, store: ${config.store?.type ?? 'memory'}\n`,
      );
      return 0;
    } catch (error) {
      if (!isPolicyflowError(error)) throw error;
      const issues = issuesOf(error, path, io.cwd);
      for (const issue of issues) io.stdout(`${formatIssue(issue)}\n`);
      io.stderr(`${shown}: ${issues.length} problem(s); fix them and run \`policyflow validate\` again\n`);
      return 1;
    }
  },
};
