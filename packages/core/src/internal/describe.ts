/**
 * A thrown value as one line for a warning: its message, and its cause's when the message does not already
 * hold it. A store wraps a driver's error as `store_failure` with a message of its own ("the postgres store
 * failed to claim jobs"), and the driver's ("Connection terminated unexpectedly") is what an operator needs.
 *
 * @example
 * ```ts
 * describeError(new Error('failed to claim jobs', { cause: new Error('ECONNRESET') })); // 'failed to claim jobs: ECONNRESET'
 * ```
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === '' || error.message.includes(cause)
    ? error.message
    : `${error.message}: ${cause}`;
}
