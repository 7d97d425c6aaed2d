import type { Engine } from '@policyflow/core';
import type { CliIo } from './io.js';

/**
 * Writes to stderr what an operator of `serve` or `poll` must see and the engine only puts on its bus:
 * warnings (a lost job lease, a rule that threw, a retried poll…), gaps in polled history, and actions
 * that end in the dead letters. Returns what stops it.
 *
 * @example
 * ```ts
 * const stop = reportNotices(runtime.engine, io);
 * // … serve …
 * stop();
 * ```
 */
export function reportNotices(engine: Engine, io: CliIo): () => void {
  const stops = [
    engine.on('warning', (w) => io.stderr(`warning ${w.code}: ${w.message}\n`)),
    engine.on('gap', (g) => io.stderr(`gap in ${g.provider}'s polled history: ${g.message}\n`)),
    engine.on('action.dead', ({ job, error }) =>
      io.stderr(
        `action ${job.type} of rule ${job.rule} is dead after ${job.attempts} attempt(s) (${job.id})${error ? `: ${error.message}` : ''}\n`,
      ),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

/** The message of a failure and of what caused it, for a log line: `store failed: connection refused`. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === error.message ? error.message : `${error.message}: ${cause}`;
}
