import { parseFqlDate, type FqlField } from '../fql/index.ts';
import { badRequest } from '../util/errors.ts';
import type { AggregateRequest, AggregationBucket } from './index.ts';

/** An aggregation request's parameters read and checked: ranges, sizes, orders, labels. */

export interface RangeSpec {
  from?: string | number;
  to?: string | number;
  bucket: AggregationBucket;
}

export function numberRanges(req: AggregateRequest): RangeSpec[] {
  return (req.ranges ?? []).map((r) => {
    const from = num(r.from ?? r.From);
    const to = num(r.to ?? r.To);
    return { from, to, bucket: { label: `${from ?? '*'}-${to ?? '*'}`, count: 0, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) } };
  });
}

export function dateRanges(req: AggregateRequest, now: Date): RangeSpec[] {
  const instant = (text: string | null | undefined) => {
    if (text === undefined || text === null || text === '') return undefined;
    const d = parseFqlDate(text, now);
    if (!d) throw badRequest(`date_ranges: "${text}" is not a date (use '2024-01-02', '2024-01-02T03:04:05Z' or 'now-1d')`);
    return d.kind === 'instant' ? d.iso : d.first;
  };
  return (req.date_ranges ?? []).map((r) => {
    const from = instant(r.from);
    const to = instant(r.to);
    return {
      from,
      to,
      bucket: {
        label: `${from ?? '*'}-${to ?? '*'}`,
        count: 0,
        ...(from ? { from: Date.parse(from), string_from: from } : {}),
        ...(to ? { to: Date.parse(to), string_to: to } : {}),
      },
    };
  });
}

function num(v: number | null | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`range bounds must be numbers; got ${JSON.stringify(v)}`);
  return v;
}

export function intParam(v: number | undefined | null, dflt: number, min: number, max: number, what: string): number {
  if (v === undefined || v === null) return dflt;
  if (!Number.isInteger(v) || v < min || v > max) throw badRequest(`${what} must be an integer from ${min} to ${max}; got ${v}`);
  return v;
}

/** `_count|desc` (default), `_term|asc`, `_key.desc`, `count:asc`…; unknown text is a 400. */
export function termsOrder(sort: string | undefined, dflt: { by: 'count' | 'key'; dir: 'asc' | 'desc' } = { by: 'count', dir: 'desc' }) {
  const text = (sort ?? '').trim();
  if (!text) return dflt;
  const m = /^_?(count|term|key|label)(?:[|.:](asc|desc))?$/i.exec(text);
  if (!m) throw badRequest(`sort must be _count|desc, _count|asc, _term|asc or _term|desc; got "${text}"`);
  const by = m[1].toLowerCase() === 'count' ? ('count' as const) : ('key' as const);
  return { by, dir: ((m[2]?.toLowerCase() as 'asc' | 'desc' | undefined) ?? (by === 'count' ? 'desc' : 'asc')) };
}

export function termLabel(field: FqlField, k: unknown): string | number | boolean {
  switch (field.type) {
    case 'number': return Number(k);
    case 'boolean': return Number(k) === 1;
    default: return String(k);
  }
}

/** Byte order of UTF-8 strings equals code point order; numbers by value. */
export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  const [cx, cy] = [[...x], [...y]];
  for (let i = 0; i < Math.min(cx.length, cy.length); i++) {
    const d = cx[i].codePointAt(0)! - cy[i].codePointAt(0)!;
    if (d) return d;
  }
  return cx.length - cy.length;
}

export function percentLabel(p: number): string {
  return Number.isInteger(p) ? `${p}.0` : String(p);
}

