import { type Catalog, createEngine, kota, ten99policy } from '@policyflow/core';
import { type AnyActor, createActor } from 'xstate';
import { ratios, report, rounds, type Timing } from './report.js';
import { floor, type SyntheticEvent, syntheticEvents } from './synthetic.js';

const EVENTS = 200_000;
const RESOURCES = 20_000;
const IDLE_RESOURCES = 100_000;
const HOT_RESOURCES = 200;

function catalogs(): Record<string, Catalog> {
  return { kota: kota(), ten99policy: ten99policy() };
}

/** Parse + zod + one live XState actor per resource: what a hand-written pipeline would do. */
function naive(events: ReadonlyArray<SyntheticEvent>): number {
  const cats = catalogs();
  const actors = new Map<string, AnyActor>();
  for (const e of events) {
    const body = JSON.parse(e.body) as { type: string; data: Record<string, unknown> };
    const entry = cats[e.provider]!.events.get(body.type)!;
    const data =
      typeof body.data.object === 'object' ? (body.data.object as Record<string, unknown>) : body.data;
    if (!entry.data.safeParse(data).success) continue;
    let actor = actors.get(e.key);
    if (!actor) {
      actor = createActor(cats[e.provider]!.lifecycles.get(entry.lifecycle)!.machine).start();
      actors.set(e.key, actor);
    }
    actor.send({ type: entry.event });
  }
  return actors.size;
}

async function engineRun(
  events: ReadonlyArray<SyntheticEvent>,
  text: (e: SyntheticEvent) => string = (e) => e.body,
): Promise<number> {
  const engine = createEngine({ providers: [kota(), ten99policy()] });
  let applied = 0;
  for (const e of events) {
    const r = await engine.ingest(text(e), { provider: e.provider, source: 'bench' });
    if (r.status === 'applied' || r.status === 'forced') applied++;
  }
  return applied;
}

/** `t` less the time of `base` (per event, wall and CPU). */
function less(t: Timing, base: Timing): Timing {
  return { wall: t.wall - base.wall, cpu: t.cpu - base.cpu, line: t.line };
}

/** A copy of `text` that shares no memory with it. */
function fresh(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function gc(): void {
  // Twice: array buffers' memory is released once the first collection has found them dead.
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
}

/** The JS heap, and array buffers beside it: the memory store keeps its rows in typed arrays, off the heap. */
function held(): { heap: number; buffers: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

async function heapPerIdleResource(): Promise<{ heap: number; buffers: number } | undefined> {
  if (!(globalThis as { gc?: unknown }).gc) return undefined;
  // One event per resource: every resource is idle after its first event. The inputs stay alive across both
  // readings, so the difference is what the engine and its store retain.
  const firstPerKey = new Map<string, SyntheticEvent>();
  for (const e of syntheticEvents(IDLE_RESOURCES * 3, IDLE_RESOURCES, 7))
    if (!firstPerKey.has(e.key)) firstPerKey.set(e.key, e);
  const input = [...firstPerKey.values()];
  firstPerKey.clear();
  gc();
  const before = held();
  const engine = createEngine({ providers: [kota(), ten99policy()] });
  // Each body as a fresh string, as a server reads it: the store may keep the text it is handed (a context
  // that is one event's data), and the input's own strings would hide that text from the count.
  for (const e of input) await engine.ingest(fresh(e.body), { provider: e.provider, source: 'bench' });
  gc();
  const after = held();
  const count = (await engine.store.listResources()).length;
  if (input.length !== count) throw new Error(`expected ${input.length} resources, got ${count}`);
  return { heap: (after.heap - before.heap) / count, buffers: (after.buffers - before.buffers) / count };
}

/** Issue 2's benchmark: floor, naive pipeline and engine over the same 200k events; heap per idle resource. */
export async function run(): Promise<void> {
  const events = syntheticEvents(EVENTS, RESOURCES, 1);
  // Warm up each path on a slice so the JIT has seen the code before the timed runs.
  const warm = events.slice(0, 20_000);
  floor(warm);
  naive(warm);
  await engineRun(warm);

  // The machine is shared: every pipeline runs once per round, the rounds alternate, and each keeps its best.
  const [f, n, e] = (await rounds([
    ['floor: JSON.parse + zod', EVENTS, () => floor(events)],
    ['naive: parse + zod + live XState actor per resource', EVENTS, () => naive(events)],
    ['engine: createEngine + memory store', EVENTS, () => engineRun(events)],
  ])) as [Timing, Timing, Timing];
  // The same count of events over 100× fewer resources: what the ratio is when every resource's row and data
  // stay in the CPU caches, so the distance between the two figures is the memory latency of 20k resources.
  const hot = syntheticEvents(EVENTS, HOT_RESOURCES, 1);
  const [hf, he] = (await rounds([
    ['floor', EVENTS, () => floor(hot)],
    ['engine', EVENTS, () => engineRun(hot)],
  ])) as [Timing, Timing];
  // Every body a fresh string, as a server reads each delivery: the memory store keeps a delivery's text, which
  // is then young and must be copied out of the young generation, where the inputs above are old already.
  // The copy itself is timed apart and taken off both.
  const copy = (e: SyntheticEvent): string => fresh(e.body);
  let sink = 0;
  const [cf, ff, ef] = (await rounds([
    [
      'copies',
      EVENTS,
      () => {
        for (const e of events) sink += copy(e).length;
      },
    ],
    ['floor', EVENTS, () => floor(events, copy)],
    ['engine', EVENTS, () => engineRun(events, copy)],
  ])) as [Timing, Timing, Timing];
  if (sink === 0) throw new Error('no copies made');
  const heap = await heapPerIdleResource();
  const pct = (r: number): string => `${(r * 100).toFixed(0)}%`;
  const times = (r: number): string => `${r.toFixed(2)}x`;
  report('core (issue 2)', [
    f.line,
    n.line,
    e.line,
    ratios('engine / floor', e, f, pct, '>= 50%'),
    ratios('engine / naive', e, n, times, '>= 2x'),
    ratios(`engine / floor with ${HOT_RESOURCES} resources (for reference)`, he, hf, pct, '>= 50%'),
    ratios(
      'engine / floor with every body a fresh string (for reference)',
      less(ef, cf),
      less(ff, cf),
      pct,
      '>= 50%',
    ),
    heap === undefined
      ? 'heap per idle resource: run with --expose-gc'
      : `heap per idle resource at ${IDLE_RESOURCES / 1000}k resources: ${(heap.heap / 1024).toFixed(3)} KiB  (target <= 0.5 KiB); with array buffers ${((heap.heap + heap.buffers) / 1024).toFixed(3)} KiB`,
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
