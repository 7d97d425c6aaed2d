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
 * Splits a file's text into deliveries. Accepts one JSON document, pretty-printed or not (a JSON array of
 * events, a saved list-API page `{ items: [...] }` / `{ data: [...] }`, or a single event), else NDJSON (one
 * event a line; blank lines skipped; a line that is not JSON is kept as text under its line number).
 *
 * @example
 * ```ts
 * parseEventsText('{"id":"ev_1","type":"policy.active",…}\n'); // [{ line: 1, body: {…} }]
 * ```
 */
export function parseEventsText(text: string): EventInput[] {
  const whole = parseWhole(text.trim());
  if (whole !== undefined) {
    const list = listOf(whole.value);
    if (list) return list.map((body, i) => ({ line: i + 1, body }));
    return [{ line: 1, body: whole.value }];
  }
  return parseLines(text);
}

// A saved page or an event is often pretty-printed, so the whole text is tried as one document first; NDJSON
// of two events or more fails at the second one's start, so the attempt costs about one line.
function parseWhole(trimmed: string): { readonly value: unknown } | undefined {
  if (trimmed === '') return undefined;
  try {
    return { value: JSON.parse(trimmed) };
  } catch {
    return undefined;
  }
}

function parseLines(text: string): EventInput[] {
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
