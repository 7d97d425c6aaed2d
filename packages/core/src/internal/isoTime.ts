const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;

/** The value of `n` decimal digits of `s` from `at`, or -1 when one of them is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Minutes east of UTC of a `±HH:MM` or `±HHMM` zone that ends `s` at `at`; undefined for anything else. */
function zoneOffset(s: string, at: number): number | undefined {
  const sign = s.charCodeAt(at);
  if (sign !== PLUS && sign !== DASH) return undefined;
  const colon = s.charCodeAt(at + 3) === COLON ? 1 : 0;
  if (s.length !== at + 5 + colon) return undefined;
  const hours = digits(s, at + 1, 2);
  const minutes = digits(s, at + 3 + colon, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  return (sign === PLUS ? 1 : -1) * (hours * 60 + minutes);
}

/**
 * Reads the ISO-8601 shape providers send — `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z`, a
 * `±HH:MM` offset or no zone (UTC) — into epoch ms, without `Date.parse`, which costs more than the rest of
 * an event's envelope. Returns undefined for any other shape or an impossible date, so the caller can leave
 * those to `Date.parse`: for what it reads it gives `Date.parse`'s answer (a property test holds it to that).
 *
 * @example
 * ```ts
 * readIsoTime('2024-12-01T00:56:00Z'); // 1733014560000
 * readIsoTime('1 Dec 2024'); // undefined
 * ```
 */
export function readIsoTime(s: string): number | undefined {
  if (
    s.length < 19 ||
    s.charCodeAt(4) !== DASH ||
    s.charCodeAt(7) !== DASH ||
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== COLON ||
    s.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  // Each digit read apart, then one test that all were digits: a digit is 0–9 after `- ZERO`, and `>>> 0`
  // makes anything below '0' huge, so the largest of them says whether one was not a digit.
  const y0 = (s.charCodeAt(0) - ZERO) >>> 0;
  const y1 = (s.charCodeAt(1) - ZERO) >>> 0;
  const y2 = (s.charCodeAt(2) - ZERO) >>> 0;
  const y3 = (s.charCodeAt(3) - ZERO) >>> 0;
  const m0 = (s.charCodeAt(5) - ZERO) >>> 0;
  const m1 = (s.charCodeAt(6) - ZERO) >>> 0;
  const d0 = (s.charCodeAt(8) - ZERO) >>> 0;
  const d1 = (s.charCodeAt(9) - ZERO) >>> 0;
  const h0 = (s.charCodeAt(11) - ZERO) >>> 0;
  const h1 = (s.charCodeAt(12) - ZERO) >>> 0;
  const i0 = (s.charCodeAt(14) - ZERO) >>> 0;
  const i1 = (s.charCodeAt(15) - ZERO) >>> 0;
  const s0 = (s.charCodeAt(17) - ZERO) >>> 0;
  const s1 = (s.charCodeAt(18) - ZERO) >>> 0;
  const top = Math.max(y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1);
  if (top > 9) return undefined;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = i0 * 10 + i1;
  const second = s0 * 10 + s1;
  // Years below 100 are left to Date.parse: Date.UTC would read them as 19xx.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let at = 19;
  let ms = 0;
  if (s.charCodeAt(at) === DOT) {
    // Digits past the third are cut, as Date.parse does.
    let n = 0;
    for (at++; at < s.length; at++, n++) {
      const d = s.charCodeAt(at) - ZERO;
      if (d < 0 || d > 9) break;
      if (n < 3) ms = ms * 10 + d;
    }
    if (n === 0) return undefined;
    for (; n < 3; n++) ms *= 10;
  }
  let offset = 0;
  if (at < s.length) {
    const c = s.charCodeAt(at);
    if ((c === 90 || c === 122) && at + 1 === s.length)
      offset = 0; // Z or z
    else {
      const zone = zoneOffset(s, at);
      if (zone === undefined) return undefined;
      offset = zone;
    }
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + ms;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`), for years from 100
 * on: the arithmetic `Date.UTC` does, without the call into the runtime it cost every event.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// Date, then optionally a time (seconds and fraction optional), then optionally a zone.
const ISO_SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * True when `s` is an ISO-8601 date or date-time whose fields are possible: a calendar day of its month, an
 * hour below 24, minutes and seconds below 60. What `readIsoTime` leaves to `Date.parse` must pass this
 * first, since `Date.parse` reads far more than ISO (`'policy 5'` is 1 May 2001 to V8) and rolls impossible
 * days over (`2023-02-29` becomes 1 March).
 *
 * @example
 * ```ts
 * isIsoDateTime('2024-03-10'); // true
 * isIsoDateTime('2023-02-29'); // false
 * ```
 */
export function isIsoDateTime(s: string): boolean {
  const m = ISO_SHAPE.exec(s);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return (
    (m[4] === undefined || Number(m[4]) < 24) &&
    (m[5] === undefined || Number(m[5]) < 60) &&
    (m[6] === undefined || Number(m[6]) < 60)
  );
}
