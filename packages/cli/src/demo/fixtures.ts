import { join } from 'node:path';
import { createEngine, type IngestResult } from '@policyflow/core';
import { readEvents } from '../events.js';
import { fixtureFiles, fixturesDir } from '../fixtures.js';
import { countByStatus, formatCounts, renderTable, resourceRows } from '../format.js';
import type { CliIo } from '../io.js';
import { builtinCatalogs } from '../providers.js';
import { eventsPerKey, replayInto } from '../replay.js';

/**
 * `policyflow demo --fixtures`: replays every bundled provider fixture and prints the resulting states.
 *
 * @example
 * ```ts
 * await replayFixtures(io);
 * ```
 */
export async function replayFixtures(io: CliIo): Promise<number> {
  const catalogs = builtinCatalogs();
  const engine = createEngine({ providers: catalogs });
  io.stdout(
    `Policyflow demo: replaying the provider fixtures (providers: ${catalogs.map((c) => c.provider).join(', ')})\n\n`,
  );
  const all: IngestResult[] = [];
  try {
    for (const { file, provider } of fixtureFiles) {
      const events = await readEvents(join(fixturesDir(), file), io);
      const results = (await replayInto(engine, events, { provider })).map((r) => r.result);
      all.push(...results);
      io.stdout(
        `  ${file.padEnd(30)} ${String(results.length).padStart(3)} events  ${formatCounts(countByStatus(results))}\n`,
      );
    }
    const rows = await resourceRows(engine, eventsPerKey(all), { shortIds: true });
    io.stdout(`\n${renderTable(['resource', 'lifecycle', 'state', 'events'], rows)}`);
    io.stdout(`\n${rows.length} resources from ${all.length} events: ${formatCounts(countByStatus(all))}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
