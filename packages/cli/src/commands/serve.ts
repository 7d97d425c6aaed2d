import { type Poller, parseDuration } from '@policyflow/adapters/polling';
import { booleanOption, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadForCommand } from '../config.js';
import { UsageError } from '../exit.js';
import type { CliIo } from '../io.js';
import { describeFailure, reportNotices, reportPollFailure, reportRequestError } from '../notices.js';
import { pollLoop } from '../pollLoop.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { type PolicyflowServer, startServer } from '../server.js';

const usage = `Usage: policyflow serve [--config FILE] [--port N] [--host H] [--unsigned]

Runs the webhook server and the configured pollers until SIGTERM/SIGINT.

  POST /webhooks/:provider                    signed provider webhooks (kota, ten99policy)
  GET  /resources/:provider/:lifecycle/:id    a resource's state, data and history
  GET  /healthz                               200 while serving
  GET  /metrics                               Prometheus text: events, actions, queue depth, poll lag

  --config FILE   policyflow.config.yaml (default: ./policyflow.config.{yaml,yml,json} if present)
  --port N        0–65535, decimal; default $PORT (when set and not empty) or 3000; 0 picks a free port
  --host H        default 127.0.0.1 (use 0.0.0.0 in a container)
  --unsigned      accept webhooks without signatures: local testing only

On SIGTERM it stops accepting requests, finishes those in flight, stops the pollers and closes the store.
`;

const DEFAULT_PORT = 3000;

/**
 * The port to listen on: `--port`, else `$PORT` (an empty one counts as unset), else 3000. Either must be
 * decimal digits from 0 to 65535, where 0 picks a free port; anything else (`0x1F91`, `1e3`, an empty
 * `--port=`) is a usage error, exit 1.
 *
 * @example
 * ```ts
 * portOf(undefined, { PORT: '' }); // 3000
 * ```
 */
export function portOf(flag: string | undefined, env: CliIo['env']): number {
  if (flag !== undefined)
    return parsePort(flag, `--port '${flag}'`, 'pass --port with a number from 0 to 65535');
  const fromEnv = env.PORT;
  if (fromEnv === undefined || fromEnv.trim() === '') return DEFAULT_PORT;
  return parsePort(fromEnv, `PORT '${fromEnv}'`, 'set PORT to a number from 0 to 65535, or pass --port');
}

function parsePort(raw: string, what: string, hint: string): number {
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError(`${what} is not a port`, `${hint} (0 picks a free port)`);
  return port;
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

interface PollPlan {
  readonly poller: Poller;
  readonly everyMs: number;
}

// Parsed before the server listens, so a bad interval fails the start with nothing left to close.
function pollPlans(runtime: Runtime): PollPlan[] {
  return runtime.pollers.map(({ poller, every }) => ({ poller, everyMs: parseDuration(every) }));
}

function startPolling(
  runtime: Runtime,
  plans: ReadonlyArray<PollPlan>,
  io: CliIo,
  signal: AbortSignal,
): Promise<void>[] {
  return plans.map(({ poller, everyMs }) =>
    pollLoop(poller, everyMs, signal, {
      onPass: (s) => {
        runtime.lastPoll.set(poller.provider, runtime.engine.clock.now());
        if (s.ingested > 0)
          io.stderr(`poll ${poller.provider}: ${s.ingested} events ${JSON.stringify(s.statuses)}\n`);
      },
      onError: (e) => reportPollFailure(io, poller.provider, e),
    }).catch((e: unknown) => {
      // Refused credentials: webhooks keep being served; the poll-lag gauge shows this provider falling behind.
      reportPollFailure(io, poller.provider, e, `; polling ${poller.provider} stopped until serve restarts`);
    }),
  );
}

async function listen(runtime: Runtime, io: CliIo, port: number, host: string): Promise<PolicyflowServer> {
  try {
    return await startServer(
      {
        engine: runtime.engine,
        handlers: runtime.handlers,
        disabled: runtime.disabled,
        metrics: runtime.metrics,
        onError: reportRequestError(io),
        beforeScrape: () => {
          const now = runtime.engine.clock.now();
          for (const { poller } of runtime.pollers) {
            const last = runtime.lastPoll.get(poller.provider);
            const lag = last === undefined ? -1 : (now - last) / 1000;
            runtime.metrics.gauge(
              'policyflow_poll_lag_seconds',
              'Seconds since the last successful poll (-1: none yet).',
              { provider: poller.provider },
              lag,
            );
          }
        },
      },
      port,
      host,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot listen on ${host}:${port}${code ? ` (${code})` : ''}`,
      code === 'EADDRINUSE' ? 'pick another --port, or stop the process using it' : 'check --host and --port',
      2,
    );
  }
}

async function serveUntilAborted(
  runtime: Runtime,
  server: PolicyflowServer,
  plans: ReadonlyArray<PollPlan>,
  io: CliIo,
  shown: { readonly config: string | undefined; readonly unsigned: boolean },
): Promise<void> {
  const polling = new AbortController();
  let loops: Promise<void>[] = [];
  try {
    io.stdout(
      `policyflow serve listening on ${server.url}${shown.config ? ` (config ${shown.config})` : ' (no config: memory store, no rules)'}\n`,
    );
    for (const provider of runtime.handlers.keys()) io.stdout(`  POST ${server.url}/webhooks/${provider}\n`);
    for (const why of runtime.disabled.values()) io.stderr(`warning: ${why}\n`);
    if (shown.unsigned) io.stderr('warning: --unsigned accepts webhooks without checking signatures\n');
    loops = startPolling(runtime, plans, io, polling.signal);
    await waitForAbort(io.signal);
    io.stderr('shutting down: finishing in-flight requests, stopping pollers, closing the store\n');
  } finally {
    // Also when the start failed after listening: a listener left open would keep the process alive.
    polling.abort();
    await server.close();
    await Promise.all(loops);
  }
}

/**
 * `policyflow serve`: webhooks, resources, health and metrics over HTTP, plus the configured pollers.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const done = serveCommand.run(['--port', '0', '--unsigned'], { ...nodeIo(), signal: controller.signal });
 * controller.abort(); // graceful stop
 * await done;
 * ```
 */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the webhook server (+ pollers) with /resources, /healthz and /metrics',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('serve', argv, {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      unsigned: { type: 'boolean' },
    });
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    const port = portOf(stringOption(args, 'port'), io.env);
    const host = stringOption(args, 'host') ?? '127.0.0.1';
    const { config, path } = loadForCommand(stringOption(args, 'config'), io);
    const runtime = await createRuntime(config, {
      cwd: io.cwd,
      unsigned: booleanOption(args, 'unsigned'),
      logSink: (line) => io.stdout(`${JSON.stringify(line)}\n`),
      // The provider hears only the code; why it failed is for the operator.
      onWebhookFailure: (f) =>
        io.stderr(`webhook ${f.provider} answered ${f.status} ${f.code}: ${describeFailure(f.cause)}\n`),
    });
    reportNotices(runtime.engine, io);
    try {
      const plans = pollPlans(runtime);
      const server = await listen(runtime, io, port, host);
      await serveUntilAborted(runtime, server, plans, io, {
        config: path,
        unsigned: booleanOption(args, 'unsigned'),
      });
    } finally {
      await runtime.close();
    }
    io.stderr('stopped\n');
    return 0;
  },
};
