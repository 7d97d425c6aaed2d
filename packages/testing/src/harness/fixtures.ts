import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One delivery read from a fixture file. */
export interface Fixture {
  readonly provider: string;
  readonly body: unknown;
  /** 1-based line (ndjson) or item (json) number, for messages. */
  readonly line: number;
}

/** Options of {@link loadFixtures}. */
export interface LoadFixturesOptions {
  /** The provider; default: the part of the name before the first `-` (`kota-v2` → `kota`). */
  readonly provider?: string;
  /** Folder to read; default: this package's `fixtures/`. */
  readonly dir?: string | URL;
}

const FIXTURES = new URL('../../fixtures/', import.meta.url);

function items(parsed: unknown): unknown[] {
  if (Array.isArray(parsed)) return parsed;
  if (typeof parsed === 'object' && parsed !== null) {
    const page = parsed as Record<string, unknown>;
    for (const key of ['items', 'data', 'events'])
      if (Array.isArray(page[key])) return page[key] as unknown[];
  }
  return [parsed];
}

function read(dir: URL, name: string): { text: string; ndjson: boolean } {
  for (const [file, ndjson] of [
    [`${name}.ndjson`, true],
    [`${name}.json`, false],
    [name, name.endsWith('.ndjson')],
  ] as const) {
    try {
      return { text: readFileSync(new URL(file, dir), 'utf8'), ndjson };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new TypeError(`no fixture '${name}' (.ndjson or .json) in ${dir.pathname}`);
}

/**
 * Reads provider deliveries from a fixture: `<name>.ndjson` (one body a line) or `<name>.json` (an array, or
 * a list page with `items`/`data`).
 *
 * @example
 * ```ts
 * const events = loadFixtures('kota-v2');          // [{ provider: 'kota', body: { id: 'evt_…', … }, line: 1 }, …]
 * await t.deliver(...events);
 * ```
 */
export function loadFixtures(name: string, options: LoadFixturesOptions = {}): Fixture[] {
  const dir =
    options.dir === undefined
      ? FIXTURES
      : options.dir instanceof URL
        ? options.dir
        : pathToFileURL(`${resolve(options.dir)}/`);
  const provider = options.provider ?? name.split(/[-./]/)[0] ?? name;
  const { text, ndjson } = read(dir, name);
  const bodies = ndjson
    ? text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as unknown)
    : items(JSON.parse(text));
  return bodies.map((body, i) => ({ provider, body, line: i + 1 }));
}
