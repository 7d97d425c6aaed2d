import { join } from 'node:path';
import { createEngine, type IngestResult } from '@policyflow/core';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { readEvents } from '../events.js';
import { fixtureFiles, fixturesDir } from '../fixtures.js';
import { countByStatus, formatCounts, renderTable, resourceRows } from '../format.js';
import { builtinCatalogs } from '../providers.js';
import { eventsPerKey, replayInto } from '../replay.js';

const usage = `Usage: policyflow demo

Replays the bundled Kota and 1099Policy fixtures through the engine and prints every resource's
lifecycle state and what became of each event. Needs no setup, network or database.
`;

/**
 * `policyflow demo`: the main job on the bundled fixtures.
 *
 * @example
 * ```ts
 * await demoCommand.run([], io);
 * ```
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'replay the bundled Kota and 1099Policy fixtures and print the resulting states',
  usage,
  async run(argv, io) {
    const args = parseCommandArgs('demo', argv, {});
    if (args.values.help) {
      io.stdout(usage);
      return 0;
    }
    const catalogs = builtinCatalogs();
    const loaded = new Set(catalogs.map((c) => c.provider));
    const engine = createEngine({ providers: catalogs });
    io.stdout(
      `Policyflow demo: replaying provider fixtures through the engine (providers: ${[...loaded].join(', ')})\n\n`,
    );
    const all: IngestResult[] = [];
    try {
      for (const { file, provider } of fixtureFiles) {
        const events = await readEvents(join(fixturesDir(), file), io);
        const results = (await replayInto(engine, events, { provider })).map((r) => r.result);
        all.push(...results);
        const counts = formatCounts(countByStatus(results));
        io.stdout(`  ${file.padEnd(30)} ${String(results.length).padStart(3)} events  ${counts}\n`);
      }
      const rows = await resourceRows(engine, eventsPerKey(all), { shortIds: true });
      io.stdout(`\n${renderTable(['resource', 'lifecycle', 'state', 'events'], rows)}`);
      io.stdout(
        `\n${rows.length} resources from ${all.length} events: ${formatCounts(countByStatus(all))}\n`,
      );
      return 0;
    } finally {
      await engine.close();
    }
  },
};
