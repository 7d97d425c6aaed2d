/**
 * @policyflow/cli: the `policyflow` command, runnable in-process.
 *
 * @example
 * ```ts
 * import { main, nodeIo } from '@policyflow/cli';
 * process.exitCode = await main(['demo'], nodeIo());
 * ```
 */
export type { Command } from './command.js';
export type { ExitCode } from './exit.js';
export { exitCodes, reportError, UsageError } from './exit.js';
export type { DiagramNode, GraphFormat } from './graph.js';
export { renderGraph } from './graph.js';
export type { CliIo } from './io.js';
export { nodeIo } from './io.js';
export { commands, main } from './main.js';
