#!/usr/bin/env node
import { nodeIo } from './io.js';
import { main } from './main.js';

// SIGTERM/SIGINT abort the signal long-running commands watch, so `serve` and `poll` shut down gracefully.
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort());

// `policyflow replay … | head` closes stdout early; that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), nodeIo(controller.signal));
