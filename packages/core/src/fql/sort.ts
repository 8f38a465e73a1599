import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { FqlError } from './errors.ts';
import { columnOf, lookupField, type FqlSchema } from './schema.ts';

export interface FqlSortTerm {
  /** Unqualified column of the base table. */
  column: string;
  direction: 'asc' | 'desc';
  /** For a computed field (FqlField.expression): what to order by instead of the column. */
  expression?: RawBuilder<unknown>;
}

/** `prop`, `prop.asc`, `prop.desc`, `prop|asc` or `prop | desc` (direction in any case). */
const TERM = /^([A-Za-z_][A-Za-z0-9_.]*?)(?:\.(asc|desc)|\s*\|\s*(asc|desc))?$/i;

/**
 * Reads a Falcon sort string (`hostname.asc,last_seen|desc`) into ORDER BY terms; `defaultSort`
 * (same syntax) applies when `sort` is absent or blank. The schema key is appended as the last
 * term unless present, so that rows with equal sort values still page in a stable order.
 */
export function compileSort(schema: FqlSchema, sort: string | undefined, defaultSort?: string): FqlSortTerm[] {
  const text = sort !== undefined && sort.trim() !== '' ? sort : (defaultSort ?? '');
  const terms: FqlSortTerm[] = [];
  let offset = 0;
  for (const part of text.split(',')) {
    const position = offset + (part.length - part.trimStart().length);
    offset += part.length + 1;
    const term = part.trim();
    if (term === '') continue; // tolerate `a.asc,` and `,`
    const fail = (detail: string, expected: string[] = []): FqlError =>
      new FqlError(`Invalid sort at position ${position}: ${detail}`, position, expected);
    const m = TERM.exec(term);
    if (!m) throw fail(`expected property, property.asc or property.desc, found "${term.slice(0, 60)}"`);
    const [, property, dotted, piped] = m;
    const direction = dotted ?? piped;
    const field = lookupField(schema, property, 'sort', fail);
    const column = columnOf(property, field);
    if (terms.some((t) => t.column === column)) continue; // a later term for the same column cannot change the order
    terms.push({ column, direction: (direction?.toLowerCase() ?? 'asc') as 'asc' | 'desc', ...(field.expression ? { expression: field.expression } : {}) });
  }
  if (!terms.some((t) => t.column === schema.key)) terms.push({ column: schema.key, direction: 'asc' });
  return terms;
}

/**
 * `query` ordered by `sort` (see compileSort). NULLs sort as if larger than any value on both
 * databases (PostgreSQL's default; SQLite's default is the opposite), so pages agree across them.
 */
export function applySort<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  schema: FqlSchema,
  sort: string | undefined,
  defaultSort?: string,
): SelectQueryBuilder<DB, TB, O> {
  const nullableColumns = new Set(
    Object.entries(schema.fields)
      .filter(([, f]) => f.nullable)
      .map(([name, f]) => f.column ?? name),
  );
  for (const { column, direction, expression } of compileSort(schema, sort, defaultSort)) {
    const nullable = nullableColumns.has(column);
    const ref = expression ?? sql.ref(`${schema.table}.${column}`);
    if (!nullable) query = query.orderBy(ref, direction);
    else query = query.orderBy(ref, (ob) => (direction === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsFirst()));
  }
  return query;
}
