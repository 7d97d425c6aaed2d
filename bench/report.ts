/** Times `fn` once over `count` items and formats a line with items/s and µs per item. */
export async function time(
  label: string,
  count: number,
  fn: () => unknown,
): Promise<{ perSecond: number; line: string }> {
  const start = process.hrtime.bigint();
  await fn();
  const ns = Number(process.hrtime.bigint() - start);
  const perSecond = count / (ns / 1e9);
  const us = ns / 1e3 / count;
  return {
    perSecond,
    line: `${label.padEnd(56)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} events/s  ${us.toFixed(2)} µs/event`,
  };
}

/** One pipeline's time per event: wall clock, process CPU, and its printed line. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
  readonly line: string;
}

/** Wall-clock and process CPU time per event: on a shared machine the CPU figure is the steadier one. */
export async function measure(label: string, count: number, fn: () => unknown): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const { perSecond, line } = await time(label, count, fn);
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / count;
  return { wall: 1e6 / perSecond, cpu, line: `${line}  (${cpu.toFixed(2)} µs CPU)` };
}

/** The better of two rounds of one pipeline, wall and CPU each. */
export function best(a: Timing, b: Timing): Timing {
  return {
    wall: Math.min(a.wall, b.wall),
    cpu: Math.min(a.cpu, b.cpu),
    line: a.wall <= b.wall ? a.line : b.line,
  };
}

/**
 * Runs each pipeline once per round, `times` rounds alternating, and keeps each pipeline's best: the
 * machine is shared, and a pipeline measured only once takes whatever slow minute it lands in.
 */
export async function rounds(
  pipelines: ReadonlyArray<readonly [label: string, count: number, fn: () => unknown]>,
  times = 3,
): Promise<Timing[]> {
  const out: Array<Timing | undefined> = pipelines.map(() => undefined);
  for (let round = 0; round < times; round++) {
    for (const [i, [label, count, fn]] of pipelines.entries()) {
      // Each starts from a collected heap, not from the garbage the one before it left behind.
      (globalThis as { gc?: () => void }).gc?.();
      const t = await measure(label, count, fn);
      const kept = out[i];
      out[i] = kept === undefined ? t : best(kept, t);
    }
  }
  return out as Timing[];
}

/** `x / y` of two timings, wall and CPU, as `label: … wall, … CPU  (target …)`. */
export function ratios(
  label: string,
  x: Timing,
  y: Timing,
  fmt: (r: number) => string,
  target: string,
): string {
  return `${label}: ${fmt(y.wall / x.wall)} wall, ${fmt(y.cpu / x.cpu)} CPU  (target ${target})`;
}

/** Prints one benchmark's figures as a block. */
export function report(title: string, lines: ReadonlyArray<string>): void {
  console.log(`\n## ${title}`);
  for (const l of lines) console.log(`  ${l}`);
}

/** The middle value (the upper of the two middle ones for an even count). */
export function median(values: ReadonlyArray<number>): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}
