/**
 * Date values of FQL filters. Timestamps are stored as `Date#toISOString()` strings
 * (`2026-01-02T03:04:05.678Z`), which sort like the instants they denote, so every date in a
 * filter is normalised to exactly that format and compared as a string.
 */

/** A point in time, or a whole UTC day (a date without a time: `'2024-01-02'`). */
export type FqlDate =
  | { kind: 'instant'; iso: string }
  /** `first` and `last` are the day's first and last millisecond, both inclusive. */
  | { kind: 'day'; first: string; last: string };

const DAY_MS = 86_400_000;

const ABSOLUTE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?$/;

const RELATIVE = /^now((?:[+-]\d{1,9}[a-z]+)*)$/i;
const OFFSET = /([+-])(\d{1,9})([a-z]+)/gi;

const FIXED_UNITS: Record<string, number> = {
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: DAY_MS, day: DAY_MS, days: DAY_MS,
  w: 7 * DAY_MS, week: 7 * DAY_MS, weeks: 7 * DAY_MS,
};
// Months and years vary in length: step the calendar instead of adding milliseconds.
const CALENDAR_UNITS: Record<string, 'month' | 'year'> = {
  mo: 'month', month: 'month', months: 'month',
  y: 'year', yr: 'year', yrs: 'year', year: 'year', years: 'year',
};

/**
 * Reads an absolute date (`2024-01-02`, `2024-01-02T03:04:05Z`, `2024-01-02T03:04:05.123+02:00`;
 * no zone means UTC) or a relative one (`now`, `now-1d`, `now+2h`, `now-1d-12h`; units
 * s, m, h, d, w, mo, y and their long forms). Undefined when the text is neither.
 */
export function parseFqlDate(text: string, now: Date): FqlDate | undefined {
  const relative = RELATIVE.exec(text.trim());
  if (relative) return instant(applyOffsets(now, relative[1]));
  const m = ABSOLUTE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, z, sign, tzh, tzm] = m;
  const date = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (!date) return undefined;
  if (h === undefined) {
    return inRange(date) ? { kind: 'day', first: date.toISOString(), last: new Date(date.getTime() + DAY_MS - 1).toISOString() } : undefined;
  }
  // Only millisecond precision is stored; further digits are dropped.
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let time = date.getTime() + ms;
  if (!z && sign) {
    const offH = Number(tzh);
    const offM = Number(tzm ?? 0);
    if (offH > 23 || offM > 59) return undefined;
    time -= (sign === '+' ? 1 : -1) * (offH * 60 + offM) * 60_000;
  }
  return instant(new Date(time));
}

/** `now` shifted by `-1d+2h`-style offsets, or undefined when a unit is unknown. */
function applyOffsets(now: Date, offsets: string): Date | undefined {
  const date = new Date(now.getTime());
  for (const [, sign, amount, unit] of offsets.matchAll(OFFSET)) {
    const n = (sign === '-' ? -1 : 1) * Number(amount);
    const u = unit.toLowerCase();
    if (u in FIXED_UNITS) date.setTime(date.getTime() + n * FIXED_UNITS[u]);
    else if (CALENDAR_UNITS[u] === 'month') date.setUTCMonth(date.getUTCMonth() + n);
    else if (CALENDAR_UNITS[u] === 'year') date.setUTCFullYear(date.getUTCFullYear() + n);
    else return undefined;
  }
  return date;
}

/** The UTC date for the fields, or undefined when they do not name a real date (Feb 30, 25:00). */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getUTCDate() === day ? date : undefined;
}

function instant(date: Date | undefined): FqlDate | undefined {
  return date && inRange(date) ? { kind: 'instant', iso: date.toISOString() } : undefined;
}

/** Outside years 0000-9999 toISOString() switches to `+010000-…`, which no longer sorts as a string. */
function inRange(date: Date): boolean {
  const year = date.getUTCFullYear(); // NaN for an invalid date
  return year >= 0 && year <= 9999;
}
