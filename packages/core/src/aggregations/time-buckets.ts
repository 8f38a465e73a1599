import { sql, type RawBuilder } from 'kysely';
import type { DialectAdapter } from '../db/index.ts';
import { badRequest } from '../util/errors.ts';

/**
 * Date-histogram buckets. A bucket is named by an integer key computed in SQL from the stored ISO
 * text: for fixed-length intervals the bucket's start in epoch seconds, for calendar intervals a
 * month index (year*12 + month-1) of the zone's wall clock. Both databases compute the same
 * integers; JS turns keys into instants and steps between them to fill empty buckets.
 */

export type Interval =
  | { kind: 'fixed'; unit: string; seconds: number; alignSeconds: number }
  | { kind: 'calendar'; unit: string; months: number };

const DAY = 86_400;
const FIXED: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: DAY, week: 7 * DAY };
// Unix time 0 was a Thursday: Monday-based weeks start 3 days earlier.
const WEEK_ALIGN = -3 * DAY;
const ALIASES: Record<string, string> = {
  s: 'second', '1s': 'second', sec: 'second', seconds: 'second',
  m: 'minute', '1m': 'minute', min: 'minute', minutes: 'minute',
  h: 'hour', '1h': 'hour', hours: 'hour',
  d: 'day', '1d': 'day', days: 'day',
  w: 'week', '1w': 'week', weeks: 'week',
  M: 'month', '1M': 'month', mo: 'month', '1mo': 'month', months: 'month',
  q: 'quarter', '1q': 'quarter', quarters: 'quarter',
  y: 'year', '1y': 'year', years: 'year',
};

export function parseInterval(text: string | undefined): Interval {
  const raw = (text ?? '').trim();
  // `M` is month and `m` minute, as in Elasticsearch; everything else is case-insensitive.
  const unit = ALIASES[raw] ?? ALIASES[raw.toLowerCase()] ?? raw.toLowerCase();
  if (unit in FIXED) return { kind: 'fixed', unit, seconds: FIXED[unit], alignSeconds: unit === 'week' ? WEEK_ALIGN : 0 };
  if (unit === 'month') return { kind: 'calendar', unit, months: 1 };
  if (unit === 'quarter') return { kind: 'calendar', unit, months: 3 };
  if (unit === 'year') return { kind: 'calendar', unit, months: 12 };
  throw badRequest(`date_histogram interval must be second, minute, hour, day, week, month, quarter or year; got "${raw}"`);
}

/** A fixed UTC offset in seconds: `UTC`, `Z`, `+02:00`, `-0530`, `+02`. Zones with daylight saving are refused. */
export function parseTimeZone(text: string | undefined): number {
  const raw = (text ?? '').trim();
  if (raw === '' || /^(utc|z|gmt|etc\/utc|etc\/gmt|\+00:?00|-00:?00)$/i.test(raw)) return 0;
  const m = /^(?:utc|gmt)?([+-])(\d{2}):?(\d{2})?$/i.exec(raw);
  if (!m || Number(m[2]) > 14 || Number(m[3] ?? 0) > 59) {
    throw badRequest(`time_zone must be UTC or a fixed offset such as "+02:00"; got "${raw}"`);
  }
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60);
}

/** The SQL bucket key of a date column. Integers are inlined: they are computed, never user text. */
export function bucketKeySql(adapter: DialectAdapter, col: RawBuilder<unknown>, interval: Interval, offset: number): RawBuilder<number> {
  if (interval.kind === 'fixed') {
    const x = sql`(${adapter.epochSeconds(col)} + ${sql.lit(offset)})`;
    const w = sql.lit(interval.seconds);
    // A non-negative remainder on both databases (their % keeps the dividend's sign).
    const rem = sql`((((${x} - ${sql.lit(interval.alignSeconds)}) % ${w}) + ${w}) % ${w})`;
    return sql<number>`(${x} - ${rem} - ${sql.lit(offset)})`;
  }
  const { year, month } = adapter.wallClockYearMonth(col, offset);
  const index = sql`(${year} * 12 + ${month} - 1)`;
  if (interval.months === 1) return sql<number>`${index}`;
  const n = sql.lit(interval.months);
  return sql<number>`(${index} - (${index} % ${n}))`;
}

/** Start instant (epoch ms) of the bucket with this key. */
export function keyToMillis(key: number, interval: Interval, offset: number): number {
  if (interval.kind === 'fixed') return key * 1000;
  return Date.UTC(Math.floor(key / 12), key % 12, 1) - offset * 1000;
}

/** The key of the bucket after `key`. */
export function nextKey(key: number, interval: Interval): number {
  return interval.kind === 'fixed' ? key + interval.seconds : key + interval.months;
}

/** The key of the bucket holding the instant `ms` (for extended_bounds). */
export function keyOfMillis(ms: number, interval: Interval, offset: number): number {
  const s = Math.floor(ms / 1000);
  if (interval.kind === 'fixed') {
    const x = s + offset;
    const w = interval.seconds;
    return x - ((((x - interval.alignSeconds) % w) + w) % w) - offset;
  }
  const local = new Date((s + offset) * 1000);
  const index = local.getUTCFullYear() * 12 + local.getUTCMonth();
  return index - (index % interval.months);
}

/** ISO 8601 of an instant on the zone's wall clock: `2024-01-02T00:00:00.000+02:00` (or `Z`). */
export function formatInZone(ms: number, offset: number): string {
  if (offset === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offset * 1000).toISOString().slice(0, -1);
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}
