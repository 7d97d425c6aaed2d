import { describeError, type Engine } from '@policyflow/core';
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

/**
 * The message of a failure and of what caused it, for a log line: `store failed: connection refused`. A
 * cause the message already quotes is not repeated.
 *
 * @example
 * ```ts
 * describeFailure(new Error('commit failed', { cause: new Error('disk full') })); // 'commit failed: disk full'
 * ```
 */
export function describeFailure(error: unknown): string {
  return describeError(error);
}

/**
 * The line `serve` and `poll` write when a provider's poll fails; `then` says what happens next.
 *
 * @example
 * ```ts
 * reportPollFailure(io, 'kota', error); // poll kota failed: …
 * ```
 */
export function reportPollFailure(io: CliIo, provider: string, error: unknown, then = ''): void {
  io.stderr(`poll ${provider} failed: ${describeFailure(error)}${then}\n`);
}

/**
 * The server's `onError`: the request (method and path, never the query) and what it failed on, to stderr.
 *
 * @example
 * ```ts
 * await startServer({ engine, handlers, metrics, onError: reportRequestError(io) }, 0, '127.0.0.1');
 * ```
 */
export function reportRequestError(
  io: CliIo,
): (error: unknown, request: { readonly method: string; readonly path: string }) => void {
  return (error, request) =>
    io.stderr(`${request.method} ${request.path} failed: ${describeFailure(error)}\n`);
}
