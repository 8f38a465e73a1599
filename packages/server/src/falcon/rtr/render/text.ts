/** Small helpers shared by the renderers: reading untyped result JSON and laying out tables. */

export type Data = Record<string, unknown>;

export const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : v === null || v === undefined ? fallback : String(v));
export const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
export const list = (v: unknown): Data[] => (Array.isArray(v) ? v.filter((x): x is Data => typeof x === 'object' && x !== null) : []);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => str(x)) : []);

/** Left-aligned columns separated by two spaces; `right` lists columns to right-align. */
export function table(headers: string[], rows: string[][], right: number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 && !right.includes(i) ? c : right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const CANONICAL_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Agents send canonical UTC ISO times (`2024-01-02T03:04:05.000Z`), which need no parsing. */
export function isCanonicalUtc(s: string): boolean {
  return CANONICAL_UTC.test(s);
}

/** `2024-01-02 03:04:05` (UTC) from an ISO string; '' when absent. */
export function utc(iso: unknown): string {
  const s = str(iso);
  if (!s) return '';
  // Agents send canonical UTC ISO times; those need no parsing (a batch renders ~10^5 of them).
  if (isCanonicalUtc(s)) return `${s.slice(0, 10)} ${s.slice(11, 19)}`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Thousands separators, as Windows tools print sizes. */
export function grouped(n: number): string {
  const digits = Math.trunc(n).toString();
  if (digits.length <= 3) return digits;
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
