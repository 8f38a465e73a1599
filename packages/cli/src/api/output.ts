import Table from 'cli-table3';
import type { Command } from 'commander';

export type OutputFormat = 'table' | 'json' | 'csv' | 'jsonl';

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Shares of leftover width go to columns without a fixed width. */
  width?: number;
}

export function outputOption(cmd: Command, formats: OutputFormat[] = ['table', 'json', 'csv']): Command {
  return cmd.option('--output <format>', `output format: ${formats.join(', ')}`, 'table');
}

export function parseFormat(s: string, formats: OutputFormat[] = ['table', 'json', 'csv']): OutputFormat {
  if (!formats.includes(s as OutputFormat)) throw new Error(`--output must be one of ${formats.join(', ')}, not "${s}"`);
  return s as OutputFormat;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled. */
export function csvLine(values: unknown[]): string {
  return values.map((v) => {
    const s = text(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}

/** A table as wide as the terminal at most: long cells wrap inside their column. */
export function renderTable<T>(rows: T[], columns: Column<T>[], width = process.stdout.columns || Infinity): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => text(c.value(r))));
  const natural = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => Math.max(...row[i].split('\n').map((l) => l.length)))) + 2);
  // Borders take one column each plus one; shrink the widest columns until the table fits.
  const budget = Math.max(columns.length * 6, width - (columns.length + 1));
  const widths = [...natural];
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 6) break;
    widths[widest]--;
  }
  const table = new Table({ head: columns.map((c) => c.header), colWidths: widths, wordWrap: true, wrapOnWordBoundary: false, style: { head: [], border: [] } });
  for (const row of cells) table.push(row);
  return table.toString() + '\n';
}

/** Rows in the chosen format; JSON gives the objects whole, table and CSV the columns. */
export function printRows<T>(rows: T[], columns: Column<T>[], format: OutputFormat, json: (row: T) => unknown = (r) => r): void {
  const out = process.stdout;
  if (format === 'json') out.write(JSON.stringify(rows.map(json), null, 2) + '\n');
  else if (format === 'jsonl') for (const r of rows) out.write(JSON.stringify(json(r)) + '\n');
  else if (format === 'csv') out.write([csvLine(columns.map((c) => c.header)), ...rows.map((r) => csvLine(columns.map((c) => c.value(r))))].join('\n') + '\n');
  else out.write(renderTable(rows, columns));
}

/** One object: JSON as is, or a two-column table of its fields. */
export function printObject(obj: Record<string, unknown>, format: OutputFormat): void {
  if (format === 'json' || format === 'jsonl') return void process.stdout.write(JSON.stringify(obj, null, 2) + '\n');
  const rows = Object.entries(obj).map(([field, value]) => ({ field, value }));
  printRows(rows, [{ header: 'field', value: (r) => r.field }, { header: 'value', value: (r) => r.value }], format);
}

/** `--help` text: a command's examples, shown after its options. */
export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}
