import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Catalog, createEngine, kota, ten99policy } from '@policyflow/core';
import { seededRandom } from '@policyflow/testing';

const fixtures = fileURLToPath(new URL('../packages/testing/fixtures/', import.meta.url));

export interface SyntheticEvent {
  readonly provider: string;
  readonly body: string;
  readonly type: string;
  readonly key: string;
}

type Template = { provider: string; catalog: Catalog; body: Record<string, unknown> };

function loadTemplates(): Map<string, Template[]> {
  const byLifecycle = new Map<string, Template[]>();
  const sources: Array<[string, Catalog, string]> = [
    ['kota', kota(), 'kota-v2.ndjson'],
    ['ten99policy', ten99policy(), 'ten99policy.ndjson'],
  ];
  const seen = new Set<string>();
  for (const [provider, catalog, file] of sources) {
    for (const line of readFileSync(fixtures + file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const body = JSON.parse(line) as Record<string, unknown>;
      const entry = catalog.events.get(body.type as string);
      if (!entry || seen.has(`${provider}:${entry.type}`)) continue;
      seen.add(`${provider}:${entry.type}`);
      const lc = `${provider}/${entry.lifecycle}`;
      const list = byLifecycle.get(lc) ?? [];
      list.push({ provider, catalog, body });
      byLifecycle.set(lc, list);
    }
  }
  return byLifecycle;
}

function setPath(obj: Record<string, unknown>, path: ReadonlyArray<string>, value: string): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]!] as Record<string, unknown>;
  cur[path[path.length - 1]!] = value;
}

/**
 * `count` events over `resources` resources of the built-in lifecycles. Each resource walks its machine's
 * derived table (allowed steps where there are any), deliveries of different resources interleave, and
 * timestamps increase. Payloads are the fixtures' with ids and times replaced, so they pass validation.
 */
export function syntheticEvents(count: number, resources: number, seed = 1): SyntheticEvent[] {
  const rand = seededRandom(seed);
  const templates = loadTemplates();
  const engine = createEngine({ providers: [kota(), ten99policy()] });
  const lifecycles = [...templates.keys()];
  const state: Array<{ lc: string; id: string; stateKey: string }> = [];
  for (let i = 0; i < resources; i++) {
    const lc = lifecycles[i % lifecycles.length]!;
    const [provider, lifecycle] = lc.split('/') as [string, string];
    state.push({
      lc,
      id: `r${i.toString(36).padStart(6, '0')}`,
      stateKey: engine.table(provider, lifecycle)!.initialKey,
    });
  }
  const out: SyntheticEvent[] = [];
  let t = Date.UTC(2025, 0, 1) / 1000;
  for (let n = 0; n < count; n++) {
    const r = state[Math.floor(rand() * resources)]!;
    const [provider, lifecycle] = r.lc.split('/') as [string, string];
    const table = engine.table(provider, lifecycle)!;
    const options = templates.get(r.lc)!;
    const allowed = options.filter(
      (o) => table.step(r.stateKey, o.catalog.events.get(o.body.type as string)!.event)?.allowed,
    );
    const pick = (allowed.length > 0 ? allowed : options)[
      Math.floor(rand() * (allowed.length || options.length))
    ]!;
    const entry = pick.catalog.events.get(pick.body.type as string)!;
    const body = structuredClone(pick.body);
    body.id = `evt_${n.toString(16).padStart(12, '0')}`;
    t += 1;
    if ('created_at' in body) body.created_at = new Date(t * 1000).toISOString();
    else body.created = provider === 'kota' ? new Date(t * 1000).toISOString() : t;
    const data = body.data as Record<string, unknown>;
    setPath(isObj(data.object) ? data.object : data, entry.idPaths[0]!, r.id);
    r.stateKey = table.step(r.stateKey, entry.event)!.toKey;
    out.push({
      provider,
      body: JSON.stringify(body),
      type: entry.type,
      key: `${provider}/${lifecycle}/${r.id}`,
    });
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The floor every benchmark compares with: JSON.parse + the catalog's zod validation of `data`, the least any
 * pipeline must do with the same payloads. Returns how many validated. `text` gives each body (by default the
 * event's own string).
 */
export function floor(events: ReadonlyArray<SyntheticEvent>, text?: (e: SyntheticEvent) => string): number {
  const cats: Record<string, Catalog> = { kota: kota(), ten99policy: ten99policy() };
  let ok = 0;
  for (const e of events) {
    // No call when no `text` is given: the floor is the least a pipeline does, so it pays for nothing more.
    const body = JSON.parse(text === undefined ? e.body : text(e)) as {
      type: string;
      data: Record<string, unknown>;
    };
    const data = isObj(body.data.object) ? body.data.object : body.data;
    if (cats[e.provider]!.events.get(body.type)!.data.safeParse(data).success) ok++;
  }
  return ok;
}
