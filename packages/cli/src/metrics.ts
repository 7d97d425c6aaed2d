import type { Engine } from '@policyflow/core';

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, { labels: Labels; value: number }>;
}

function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

/**
 * A tiny Prometheus registry: counters and gauges with labels, rendered in the text exposition format.
 * Policyflow needs a handful of series, so no client library.
 *
 * @example
 * ```ts
 * const m = new Metrics();
 * m.counter('policyflow_events_total', 'Events ingested, by status.', { provider: 'kota', status: 'applied' });
 * res.end(m.render());
 * ```
 */
export class Metrics {
  private readonly families = new Map<string, Family>();

  private family(name: string, help: string, type: Family['type']): Family {
    let family = this.families.get(name);
    if (!family) {
      family = { help, type, values: new Map() };
      this.families.set(name, family);
    }
    return family;
  }

  /** Adds `by` (default 1) to a counter series. */
  counter(name: string, help: string, labels: Labels, by = 1): void {
    const family = this.family(name, help, 'counter');
    const key = labelKey(labels);
    const entry = family.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    family.values.set(key, entry);
  }

  /** Sets a gauge series. */
  gauge(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, help, 'gauge').values.set(labelKey(labels), { labels, value });
  }

  /** Declares a family so it renders (with no series) before anything is counted. */
  declare(name: string, help: string, type: Family['type']): void {
    this.family(name, help, type);
  }

  /** Every series of a family, with its labels. */
  series(name: string): Array<{ readonly labels: Labels; readonly value: number }> {
    return [...(this.families.get(name)?.values.values() ?? [])].map((v) => ({ ...v }));
  }

  /** The current value of one series (0 when absent). */
  value(name: string, labels: Labels): number {
    return this.families.get(name)?.values.get(labelKey(labels))?.value ?? 0;
  }

  /** The registry in Prometheus text format (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const { labels, value } of family.values.values()) {
        const key = labelKey(labels);
        lines.push(`${name}${key ? `{${key}}` : ''} ${Number.isFinite(value) ? value : 0}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

const EVENTS = 'policyflow_events_total';
const EVENTS_HELP = 'Deliveries ingested, by provider and status.';
const ACTIONS = 'policyflow_actions_total';
const ACTIONS_HELP = 'Action attempts that ended, by action type and outcome.';

/**
 * Counts the engine's bus events into `metrics`: events by status, actions by outcome.
 * Returns a function that stops counting.
 *
 * @example
 * ```ts
 * const stop = countEngineEvents(engine, metrics);
 * ```
 */
export function countEngineEvents(engine: Engine, metrics: Metrics): () => void {
  metrics.declare(EVENTS, EVENTS_HELP, 'counter');
  metrics.declare(ACTIONS, ACTIONS_HELP, 'counter');
  const event = (provider: string, status: string) =>
    metrics.counter(EVENTS, EVENTS_HELP, { provider, status });
  const action = (type: string, outcome: string) => metrics.counter(ACTIONS, ACTIONS_HELP, { type, outcome });
  const offs = [
    engine.on('transition', (t) => event(t.event.provider, t.forced ? 'forced' : 'applied')),
    engine.on('violation', (v) => {
      if (v.policy === 'strict') event(v.event.provider, 'rejected');
    }),
    engine.on('stale', (s) => event(s.event.provider, 'stale')),
    engine.on('duplicate', (d) => event(d.provider, 'duplicate')),
    engine.on('unhandled', (u) => event(u.event.provider, 'unhandled')),
    engine.on('invalid', (i) => event(i.provider, 'invalid')),
    engine.on('action.succeeded', (a) => action(a.job.type, 'succeeded')),
    engine.on('action.failed', (a) => action(a.job.type, 'failed')),
    engine.on('action.dead', (a) => action(a.job.type, 'dead')),
    engine.on('action.cancelled', (a) => action(a.job.type, 'cancelled')),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/**
 * Refreshes the gauges read at scrape time: the action queue depth (pending and running jobs).
 *
 * @example
 * ```ts
 * await sampleGauges(engine, metrics);
 * ```
 */
export async function sampleGauges(engine: Engine, metrics: Metrics): Promise<void> {
  const help = 'Action jobs waiting or running.';
  for (const status of ['pending', 'running'] as const) {
    const jobs = await engine.store.listJobs({ status: [status] });
    metrics.gauge('policyflow_action_queue_depth', help, { status }, jobs.length);
  }
}
