import { type Engine, type IngestResult, ingestStatuses } from '@policyflow/core';

type StateValueOf = NonNullable<IngestResult['to']>;

/**
 * A state value as one short string: `active`, or `status=active renewal=opened` for parallel machines.
 *
 * @example
 * ```ts
 * formatState({ status: 'active', renewal: 'none' }); // 'status=active renewal=none'
 * ```
 */
export function formatState(value: StateValueOf | undefined): string {
  if (value === undefined) return '∅';
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([region, sub]) => `${region}=${typeof sub === 'string' ? sub : `(${formatState(sub)})`}`)
    .join(' ');
}

/**
 * Lays out rows as a plain-text table with a header rule; columns are padded to their widest cell.
 *
 * @example
 * ```ts
 * renderTable(['key', 'state'], [['ten99policy/policy/pl_1', 'active']]);
 * ```
 */
export function renderTable(
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

/** Every ingest status, in the order summaries print them (core's list). */
export const statusOrder = ingestStatuses;

/**
 * Counts results by status, every status present (zeros included) in {@link statusOrder}.
 *
 * @example
 * ```ts
 * countByStatus(results); // { applied: 3, forced: 0, … }
 * ```
 */
export function countByStatus(results: ReadonlyArray<Pick<IngestResult, 'status'>>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(statusOrder.map((s) => [s, 0]));
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/**
 * `applied 12 · forced 1 · duplicate 2`: the non-zero counts on one line.
 *
 * @example
 * ```ts
 * formatCounts({ applied: 2, forced: 0 }); // 'applied 2'
 * ```
 */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`);
  return parts.length > 0 ? parts.join(' · ') : 'nothing';
}

/**
 * Rows of the resources table (key, lifecycle, state, events) for every resource the engine's store holds.
 *
 * @example
 * ```ts
 * io.stdout(renderTable(['resource', 'lifecycle', 'state', 'events'], await resourceRows(engine, counts)));
 * ```
 */
export async function resourceRows(
  engine: Engine,
  eventsByKey: ReadonlyMap<string, number>,
  options: { readonly shortIds?: boolean } = {},
): Promise<string[][]> {
  const resources = await engine.store.listResources();
  return resources
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((r) => [
      options.shortIds ? `${r.provider}/${r.lifecycle}/${shortId(r.id)}` : r.key,
      r.lifecycle,
      formatState(r.state),
      String(eventsByKey.get(r.key) ?? 0),
    ]);
}

/**
 * Shortens long provider ids for display (`erhq_3b1333d87d9d4fd6…` → `erhq_3b1333d8…`); short ids stay whole.
 *
 * @example
 * ```ts
 * shortId('pl_WzFRszJhoY'); // 'pl_WzFRszJhoY'
 * ```
 */
export function shortId(id: string, max = 16): string {
  return id.length <= max ? id : `${id.slice(0, max - 3)}…`;
}
