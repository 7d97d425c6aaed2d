import { createPoller, kotaClient, type Poller, ten99policyClient } from '@policyflow/adapters/polling';
import {
  createWebhookHandler,
  customScheme,
  kotaSignature,
  type SignatureScheme,
  ten99policySignature,
  type WebhookHandler,
} from '@policyflow/adapters/webhook';
import {
  createEngine,
  type Engine,
  type EngineOptions,
  type LogSink,
  type PolicyflowConfig,
  type Store,
} from '@policyflow/core';
import { countEngineEvents, Metrics } from './metrics.js';
import { builtinCatalogs } from './providers.js';
import { openStore } from './store.js';

/** A loaded config (`loadConfig`); the runtime reads `store` and `providers`. */
export type RuntimeConfig = PolicyflowConfig;

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** Accept webhooks without checking signatures (local testing only). */
  readonly unsigned?: boolean;
  /** Use this store instead of the config's. */
  readonly store?: Store;
  /** Extra engine options (the loaded config, actions, clock…). */
  readonly engine?: Partial<EngineOptions>;
  /** Where the `log` action writes (default: JSON lines on the console). */
  readonly logSink?: LogSink;
  /** Folder relative store paths resolve against. */
  readonly cwd: string;
  /** Called when a webhook is answered 5xx (a store that failed, say), with the error behind it. */
  readonly onWebhookFailure?: (failure: {
    readonly provider: string;
    readonly status: number;
    readonly code: string;
    readonly cause: unknown;
  }) => void;
}

/** An engine with its webhook handlers, pollers and metrics, built from a config. */
export interface Runtime {
  readonly engine: Engine;
  readonly handlers: ReadonlyMap<string, WebhookHandler>;
  /** Providers without a webhook handler, and what to configure to get one. */
  readonly disabled: ReadonlyMap<string, string>;
  readonly pollers: ReadonlyArray<{ readonly poller: Poller; readonly every: string }>;
  readonly metrics: Metrics;
  /** Last successful poll (epoch ms) by provider, for the poll-lag gauge. */
  readonly lastPoll: Map<string, number>;
  close(): Promise<void>;
}

const schemes: Readonly<Record<string, () => SignatureScheme>> = {
  kota: () => kotaSignature(),
  ten99policy: () => ten99policySignature(),
};

const unsignedScheme = customScheme('unsigned', () => true);

function pollerFor(
  engine: Engine,
  provider: string,
  api: { readonly baseUrl?: string | undefined; readonly key?: string | undefined },
): Poller | undefined {
  if (api.key === undefined) return undefined;
  const base = api.baseUrl === undefined ? {} : { baseUrl: api.baseUrl };
  if (provider === 'kota') return createPoller({ engine, client: kotaClient({ ...base, apiKey: api.key }) });
  if (provider === 'ten99policy') {
    return createPoller({ engine, client: ten99policyClient({ ...base, apiKey: api.key }) });
  }
  return undefined;
}

/**
 * Builds what `serve` and `poll` run: the store, the engine (with the config's rules), a signed webhook handler
 * per provider with secrets, and a poller per provider with an API key.
 *
 * @example
 * ```ts
 * const runtime = await createRuntime(config, { cwd: process.cwd() });
 * await runtime.pollers[0]?.poller.pollOnce();
 * await runtime.close();
 * ```
 */
export async function createRuntime(
  config: RuntimeConfig | undefined,
  options: RuntimeOptions,
): Promise<Runtime> {
  const store = options.store ?? (await openStore(config?.store, options.cwd));
  const engine = createEngine({
    ...options.engine,
    ...(config ? { config } : {}),
    ...(options.logSink ? { logSink: options.logSink } : {}),
    providers: builtinCatalogs(),
    store,
  });
  const metrics = new Metrics();
  const stopCounting = countEngineEvents(engine, metrics);
  const handlers = new Map<string, WebhookHandler>();
  const disabled = new Map<string, string>();
  const pollers: Array<{ poller: Poller; every: string }> = [];
  for (const catalog of builtinCatalogs()) {
    const provider = catalog.provider;
    const settings = config?.providers?.[provider];
    const secrets = (settings?.webhook?.secrets ?? []).filter((s) => s.length > 0);
    const onReject = (r: { status: number; code: string; cause?: unknown }) => {
      metrics.counter(
        'policyflow_webhook_rejections_total',
        'Webhook deliveries answered without ingesting.',
        {
          provider,
          code: r.code,
        },
      );
      if (r.status >= 500)
        options.onWebhookFailure?.({ provider, status: r.status, code: r.code, cause: r.cause });
    };
    if (options.unsigned || secrets.length > 0) {
      const tolerance = settings?.webhook?.toleranceSeconds;
      handlers.set(
        provider,
        createWebhookHandler({
          engine,
          provider,
          scheme: options.unsigned ? unsignedScheme : (schemes[provider]?.() ?? unsignedScheme),
          secrets: options.unsigned ? ['unsigned'] : secrets,
          onReject,
          ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
        }),
      );
    } else {
      disabled.set(
        provider,
        `webhooks for ${provider} are off: set providers.${provider}.webhook.secrets in the config (or run serve --unsigned for local testing)`,
      );
    }
    const poller = settings?.api ? pollerFor(engine, provider, settings.api) : undefined;
    if (poller) pollers.push({ poller, every: settings?.poll?.every ?? '1m' });
  }
  return {
    engine,
    handlers,
    disabled,
    pollers,
    metrics,
    lastPoll: new Map(),
    async close() {
      stopCounting();
      await engine.close();
    },
  };
}
