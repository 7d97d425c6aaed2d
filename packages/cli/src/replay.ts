import type { Engine, IngestResult } from '@policyflow/core';
import type { EventInput } from './events.js';

/** One replayed delivery: where it came from and what the engine made of it. */
export interface ReplayedEvent {
  readonly line: number;
  readonly result: IngestResult;
}

/** Options of {@link replayInto}. */
export interface ReplayOptions {
  readonly provider: string;
  /** Called after each event with how many are done, for progress bars. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly onResult?: (replayed: ReplayedEvent) => void;
}

/**
 * Ingests deliveries one after another, in file order, with `source: 'replay'`.
 *
 * @example
 * ```ts
 * const replayed = await replayInto(engine, await readEvents('events.ndjson', io), { provider: 'kota' });
 * ```
 */
export async function replayInto(
  engine: Engine,
  events: ReadonlyArray<EventInput>,
  options: ReplayOptions,
): Promise<ReplayedEvent[]> {
  const out: ReplayedEvent[] = [];
  for (const input of events) {
    const result = await engine.ingest(input.body, { provider: options.provider, source: 'replay' });
    const replayed = { line: input.line, result };
    out.push(replayed);
    options.onResult?.(replayed);
    options.onProgress?.(out.length, events.length);
  }
  return out;
}

/**
 * One `--json` line of `policyflow replay`: `{"eventId","type","status","key","from","to","actions":[…]}`, plus
 * `line` and, for invalid events, `error`.
 *
 * @example
 * ```ts
 * io.stdout(`${JSON.stringify(jsonLine(replayed))}\n`);
 * ```
 */
export function jsonLine({ line, result }: ReplayedEvent): Record<string, unknown> {
  return {
    eventId: result.eventId ?? null,
    type: result.type ?? null,
    status: result.status,
    key: result.key ?? null,
    from: result.from ?? null,
    to: result.to ?? null,
    actions: result.actions.map((a) => ({ rule: a.rule, type: a.type, idempotencyKey: a.idempotencyKey })),
    line,
    ...(result.error ? { error: result.error } : {}),
  };
}

/**
 * Counts events per resource key, for the "events" column of resource tables.
 *
 * @example
 * ```ts
 * const counts = eventsPerKey(replayed.map((r) => r.result));
 * ```
 */
export function eventsPerKey(results: ReadonlyArray<Pick<IngestResult, 'key'>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of results) if (r.key !== undefined) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}

/**
 * A progress reporter for stderr: redraws one line when the terminal is interactive and the input is large,
 * otherwise does nothing (so pipes and CI logs stay clean).
 *
 * @example
 * ```ts
 * const progress = progressBar(io, events.length);
 * await replayInto(engine, events, { provider, onProgress: progress.update });
 * progress.done();
 * ```
 */
export function progressBar(
  io: { readonly interactive: boolean; stderr(text: string): void },
  total: number,
  threshold = 2000,
): { update(done: number, total: number): void; done(): void } {
  if (!io.interactive || total < threshold) return { update: () => {}, done: () => {} };
  let lastPercent = -1;
  return {
    update(done) {
      const percent = Math.floor((done / total) * 100);
      if (percent === lastPercent) return;
      lastPercent = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      io.stderr(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${percent}% ${done}/${total}`);
    },
    done() {
      io.stderr('\r\x1b[K');
    },
  };
}
