/**
 * Header access that works the same for a Web `Headers`, a node:http `IncomingHttpHeaders` and a plain record,
 * so the schemes never care which framework delivered the request.
 */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>;

/**
 * Reads one header by its lower-case name; repeated headers are joined with `, ` as HTTP allows.
 *
 * @example
 * ```ts
 * readHeader(request.headers, 'webhook-id'); // 'msg_…' or undefined
 * ```
 */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | ReadonlyArray<string> | undefined>>;
  let value = record[name];
  if (value === undefined) {
    // Plain records from users may keep the provider's capitalisation.
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === name) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}
