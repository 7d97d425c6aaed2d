import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './exit.js';

/** One delivery read from a file: its 1-based line (or array index + 1) and its body. */
export interface EventInput {
  readonly line: number;
  /** The parsed JSON, or the raw text when the line is not JSON (the engine then reports `invalid_json`). */
  readonly body: unknown;
}

function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  // A saved page of a provider's list API: Kota `{ items: […] }`, 1099Policy-style `{ data: […] }`.
  const record = value as Record<string, unknown>;
  for (const field of ['items', 'data']) {
    if (Array.isArray(record[field]) && record.type === undefined) return record[field] as unknown[];
  }
  return undefined;
}

/**
 * Splits a file's text into deliveries. Accepts NDJSON (one event a line; blank lines skipped), a JSON array
 * of events, or a saved list-API page (`{ items: [...] }` / `{ data: [...] }`).
 *
 * @example
 * ```ts
 * parseEventsText('{"id":"ev_1","type":"policy.active",…}\n'); // [{ line: 1, body: {…} }]
 * ```
 */
export function parseEventsText(text: string): EventInput[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n'))) {
    try {
      const whole: unknown = JSON.parse(trimmed);
      const list = listOf(whole);
      if (list) return list.map((body, i) => ({ line: i + 1, body }));
      return [{ line: 1, body: whole }];
    } catch {
      // Not one JSON document: fall through to NDJSON, which reports the bad line.
    }
  }
  const out: EventInput[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Keep the text: the engine records it as `invalid_json`, which the replay report shows with its line.
    }
    out.push({ line: i + 1, body });
  }
  return out;
}

/**
 * Reads events from a file, or from stdin when `file` is `-`.
 *
 * @example
 * ```ts
 * const events = await readEvents('events.ndjson', io);
 * ```
 */
export async function readEvents(
  file: string,
  io: { readonly cwd: string; readStdin(): Promise<string> },
): Promise<EventInput[]> {
  if (file === '-') return parseEventsText(await io.readStdin());
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${path}${code ? ` (${code})` : ''}`,
      'pass an existing NDJSON or JSON file of provider events, or - to read stdin',
    );
  }
  return parseEventsText(text);
}
