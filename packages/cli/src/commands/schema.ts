import { configJsonSchema } from '@policyflow/core';
import { noPositionals, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

const usage = `Usage: policyflow schema

Prints the JSON Schema of policyflow.config.yaml / .json, for editor completion. Save it and point your
editor at it, e.g. with a first line \`# yaml-language-server: $schema=./policyflow.schema.json\`.

Example: policyflow schema > policyflow.schema.json
`;

/**
 * `policyflow schema`: the config file's JSON Schema.
 *
 * @example
 * ```ts
 * await schemaCommand.run([], io);
 * ```
 */
export const schemaCommand: Command = {
  name: 'schema',
  summary: "print the config file's JSON Schema (for editors)",
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('schema', argv, {});
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    noPositionals(args, 'schema', 'it takes no arguments: `policyflow schema > policyflow.schema.json`');
    io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
