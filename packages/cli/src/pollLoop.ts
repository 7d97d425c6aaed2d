import { setTimeout as sleep } from 'node:timers/promises';
import type { Poller, PollSummary } from '@policyflow/adapters/polling';
import { isPolicyflowError } from '@policyflow/core';

/** Hooks of {@link pollLoop}. */
export interface PollLoopHooks {
  readonly onPass?: (summary: PollSummary) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * Polls once, then every `everyMs`, until `signal` aborts. A failed pass is reported to `onError` and retried
 * next tick, except refused credentials (`provider_auth_failed`): retrying cannot fix them, so they reject
 * the returned promise and the caller decides what a provider it can no longer poll means.
 *
 * @example
 * ```ts
 * await pollLoop(poller, 60_000, controller.signal, { onPass: (s) => console.log(s.statuses) });
 * ```
 */
export async function pollLoop(
  poller: Poller,
  everyMs: number,
  signal: AbortSignal,
  hooks: PollLoopHooks = {},
): Promise<void> {
  while (!signal.aborted) {
    try {
      hooks.onPass?.(await poller.pollOnce({ signal }));
    } catch (error) {
      if (signal.aborted) return;
      if (isPolicyflowError(error, 'provider_auth_failed')) throw error;
      hooks.onError?.(error);
    }
    try {
      await sleep(everyMs, undefined, { signal });
    } catch {
      return;
    }
  }
}
