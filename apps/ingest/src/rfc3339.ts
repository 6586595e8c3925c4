/**
 * RFC 3339 `date-time` (section 5.6): `2026-05-01T12:34:56Z`, `2026-05-01t12:34:56.123456+09:00`.
 * Seconds and an offset are required; fractions of 1 to 9 digits; `T`/`Z` in either case.
 * Parsed by hand, one pass over the characters: this runs for every login ingest receives.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The value of `count` decimal digits at `at`, or -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The instant of an RFC 3339 date-time in epoch milliseconds, or null when the text is not one
 * or names a day that does not exist (`Date.parse` would turn 2026-02-30 into March 2nd).
 * Years before 1000 are refused (no login is that old). A leap second (`:60`) counts as the
 * first millisecond of the next minute.
 */
export function parseRfc3339(text: string): number | null {
  const length = text.length;
  if (length < 20 || length > 35) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const t = text.charCodeAt(10);
  if (
    year < 1000 ||
    text.charCodeAt(4) !== 45 /* - */ ||
    text.charCodeAt(7) !== 45 ||
    (t !== 84 /* T */ && t !== 116) /* t */ ||
    text.charCodeAt(13) !== 58 /* : */ ||
    text.charCodeAt(16) !== 58 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60
  ) {
    return null;
  }
  const monthDays = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > monthDays) return null;

  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 46 /* . */) {
    const start = ++at;
    while (at < length) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) break;
      if (at - start < 3) millis = millis * 10 + d;
      at++;
    }
    const count = at - start;
    if (count === 0 || count > 9) return null;
    if (count < 3) millis *= 10 ** (3 - count);
  }

  let offsetMinutes = 0;
  const sign = text.charCodeAt(at);
  if (sign === 90 /* Z */ || sign === 122 /* z */) {
    if (at + 1 !== length) return null;
  } else if (sign === 43 /* + */ || sign === 45 /* - */) {
    if (at + 6 !== length || text.charCodeAt(at + 3) !== 58) return null;
    const offsetHour = digits(text, at + 1, 2);
    const offsetMinute = digits(text, at + 4, 2);
    if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return null;
    offsetMinutes = (sign === 45 ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  } else {
    return null;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Whether `text` is already what `Date#toISOString` writes (`2026-05-01T12:00:00.000Z`). */
export function isCanonicalUtc(text: string): boolean {
  return (
    text.length === 24 &&
    text.charCodeAt(10) === 84 /* T */ &&
    text.charCodeAt(19) === 46 /* . */ &&
    text.charCodeAt(23) === 90 /* Z */
  );
}
