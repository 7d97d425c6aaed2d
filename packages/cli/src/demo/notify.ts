import type { ActionDefinition } from '@policyflow/core';
import { z } from 'zod';

const params = z.object({ channel: z.string().min(1), text: z.string().min(1) });

/**
 * The demo's custom action: posts to a team channel. Its first attempt at each job fails the way a flaky
 * chat API does, so the demo shows the runner retrying with backoff.
 *
 * @example
 * ```ts
 * createEngine({ providers, config, actions: { notify: flakyNotify((line) => console.log(line)) } });
 * ```
 */
export function flakyNotify(post: (line: string) => void): ActionDefinition {
  return {
    params,
    handler: (raw, ctx) => {
      // The runner parsed `raw` with `params` before calling: it has this shape.
      const p = raw as z.output<typeof params>;
      if (ctx.attempt === 1) {
        return {
          ok: false,
          retryable: true,
          message: 'chat API timed out (the demo fails every first attempt)',
        };
      }
      post(`${p.channel}: ${p.text}`);
      return undefined;
    },
  };
}
