import { type Poller, type PollSummary, parseDuration } from '@policyflow/adapters/polling';
import { booleanOption, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadForCommand } from '../config.js';
import { UsageError } from '../exit.js';
import { formatCounts } from '../format.js';
import type { CliIo } from '../io.js';
import { reportNotices, reportPollFailure } from '../notices.js';
import { pollLoop } from '../pollLoop.js';
import { createRuntime } from '../runtime.js';

const usage = `Usage: policyflow poll [--config FILE] [--once]

Reads the providers' events APIs from their stored checkpoints and ingests what is new: the way to run without
a public webhook endpoint, or to recover webhooks that never arrived. A provider is polled when the config
gives it an API key (providers.<name>.api.key) and every providers.<name>.poll.every (default 1m).

  --config FILE   default: ./policyflow.config.{yaml,yml,json}
  --once          one catch-up pass over every provider, then exit (for cron)

Checkpoints live in the configured store, so use a durable one (pglite or postgres) to resume after a restart.
`;

function describe(s: PollSummary): string {
  const statuses = formatCounts(s.statuses as Record<string, number>);
  return `${s.provider}: ${s.fetched} fetched in ${s.requests} request(s), ${s.ingested} ingested (${statuses})${s.gap ? ' — GAP: events were lost to the retention window' : ''}`;
}

const failedHint = '  → check providers.<name>.api (baseUrl, key) and the network, then run poll again\n';

/** Polls until `io.signal` aborts; true when a provider refused the credentials, which stops every loop. */
async function pollForever(
  pollers: ReadonlyArray<{ readonly poller: Poller; readonly every: string }>,
  io: CliIo,
): Promise<boolean> {
  // A refused key stops all providers, not just its own: the command then exits 2 so that whoever runs it
  // (a supervisor, a container) notices, rather than polling on with one provider silently missing.
  const stop = new AbortController();
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal;
  // All parsed before the first loop starts, so a bad interval leaves no loop running on a closing runtime.
  const plans = pollers.map(({ poller, every }) => ({ poller, everyMs: parseDuration(every) }));
  let refused = false;
  await Promise.all(
    plans.map(({ poller, everyMs }) =>
      pollLoop(poller, everyMs, signal, {
        onPass: (s) => io.stdout(`${describe(s)}\n`),
        onError: (e) => reportPollFailure(io, poller.provider, e),
      }).catch((error: unknown) => {
        refused = true;
        reportPollFailure(io, poller.provider, error);
        stop.abort();
      }),
    ),
  );
  return refused;
}

/** One pass over each provider in turn; an abort (SIGTERM/SIGINT) ends the pass in flight and skips the rest. */
async function pollEachOnce(
  pollers: ReadonlyArray<{ readonly poller: Poller }>,
  io: CliIo,
): Promise<'ok' | 'failed' | 'interrupted'> {
  let failed = false;
  for (const { poller } of pollers) {
    if (io.signal?.aborted) return 'interrupted';
    try {
      io.stdout(`${describe(await poller.pollOnce(io.signal ? { signal: io.signal } : {}))}\n`);
    } catch (error) {
      // What an abort throws is the abort's doing, not the provider's: it is not reported as a failure.
      if (io.signal?.aborted) return 'interrupted';
      failed = true;
      reportPollFailure(io, poller.provider, error);
    }
  }
  return failed ? 'failed' : 'ok';
}

/**
 * `policyflow poll`: catch up from the providers' events APIs, once or continuously.
 *
 * @example
 * ```ts
 * await pollCommand.run(['--config', 'policyflow.config.yaml', '--once'], io);
 * ```
 */
export const pollCommand: Command = {
  name: 'poll',
  summary: "ingest new events from the providers' events APIs (once, or every poll.every)",
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('poll', argv, { config: { type: 'string' }, once: { type: 'boolean' } });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    const { config } = loadForCommand(stringOption(args, 'config'), io);
    const runtime = await createRuntime(config, {
      cwd: io.cwd,
      logSink: (l) => io.stdout(`${JSON.stringify(l)}\n`),
    });
    reportNotices(runtime.engine, io);
    try {
      if (runtime.pollers.length === 0) {
        throw new UsageError(
          'no provider to poll',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a config snippet with an env reference
          'give a provider an API key in the config: providers: { kota: { api: { key: "${KOTA_API_KEY}" } } }',
        );
      }
      if (!booleanOption(args, 'once')) {
        io.stderr(
          `polling ${runtime.pollers.map((p) => `${p.poller.provider} every ${p.every}`).join(', ')}; Ctrl-C stops\n`,
        );
        if (!(await pollForever(runtime.pollers, io))) return 0;
        io.stderr(failedHint);
        return 2;
      }
      const outcome = await pollEachOnce(runtime.pollers, io);
      await runtime.engine.drain();
      if (outcome === 'failed') io.stderr(failedHint);
      if (outcome === 'interrupted') {
        io.stderr(
          'poll interrupted before every provider was caught up; run poll again to go on from the checkpoints\n',
        );
      }
      return outcome === 'ok' ? 0 : 2;
    } finally {
      await runtime.close();
    }
  },
};
