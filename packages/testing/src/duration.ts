const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** A duration: milliseconds, or text such as `'2d'`, `'1h30m'`, `'500ms'`. */
export type Duration = number | string;

/**
 * Milliseconds of a {@link Duration}. Throws a `TypeError` on malformed text, since a typo in a test's
 * duration is a bug in the test, not an expected failure.
 *
 * @example
 * ```ts
 * toMilliseconds('1h30m'); // 5_400_000
 * toMilliseconds(250);     // 250
 * ```
 */
export function toMilliseconds(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) throw new TypeError(`invalid duration ${duration}`);
    return duration;
  }
  const text = duration.trim();
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    consumed = PART.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length || !Number.isFinite(total)) {
    throw new TypeError(`invalid duration '${duration}' (use e.g. '2d', '1h30m', '500ms')`);
  }
  return Math.round(total);
}
