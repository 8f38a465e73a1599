import type { RawBuilder } from 'kysely';
import { FqlError, nameList } from './errors.ts';

export type FqlType = 'string' | 'number' | 'boolean' | 'date';

/** How one filterable/sortable property of an API resource maps to SQL. */
export interface FqlField {
  type: FqlType;
  /** Column on the base table (default: the property name). Qualify nothing; the compiler qualifies with schema.table. */
  column?: string;
  /**
   * Multi-valued property stored in a side table: matches when ANY row of the side table matches.
   * e.g. tags: { table: 'host_tags', ownerColumn: 'device_id', valueColumn: 'tag' } with key column schema.key on the base table.
   */
  many?: { table: string; ownerColumn: string; valueColumn: string };
  /** Allowed in sort (default true for single-valued fields, false for many). */
  sortable?: boolean;
  /** For string fields: exact-equality compares case-insensitively (default true). */
  caseInsensitive?: boolean;
  /**
   * The column may hold NULL. Only then does sorting spell out where NULLs go (which keeps the two
   * databases in agreement but stops SQLite from reading the order off an index).
   */
  nullable?: boolean;
  /**
   * A value computed per row of the base table instead of a column (e.g. a correlated subquery
   * over another table, referring to `<table>.<key>`). Trusted SQL from code, never from a request.
   */
  expression?: RawBuilder<unknown>;
}

/**
 * The properties of one API resource. Table and column names are trusted (they come from code,
 * never from a request) and are the only identifiers that reach SQL.
 */
export interface FqlSchema {
  /** Base table name, e.g. 'hosts'. */
  table: string;
  /** Primary key column of the base table (used for the many-valued subqueries and as a stable sort tiebreaker). */
  key: string;
  fields: Record<string, FqlField>;
  /**
   * Why a property that is not in `fields` cannot be used, when there is more to say than
   * "unknown" (a vendor property the service has no data for); undefined for unknown ones.
   */
  refusal?: (property: string) => string | undefined;
}

/** Whether `compileSort` accepts the field. A side-table field has no single value to order by. */
export function isSortable(field: FqlField): boolean {
  return !field.many && field.sortable !== false;
}

/**
 * The field for `property` (for sorting: only sortable ones), or an FqlError that lists the
 * properties that would have been accepted.
 */
export function lookupField(
  schema: FqlSchema,
  property: string,
  use: 'filter' | 'sort',
  error: (detail: string, expected: string[]) => FqlError,
): FqlField {
  const usable = (f: FqlField) => use === 'filter' || isSortable(f);
  // hasOwn: `constructor` or `__proto__` must not resolve to Object.prototype members.
  const field = Object.hasOwn(schema.fields, property) ? schema.fields[property] : undefined;
  if (field && usable(field)) return field;
  const names = Object.keys(schema.fields).filter((name) => usable(schema.fields[name])).sort();
  const reason = field ? undefined : schema.refusal?.(property);
  if (reason) throw error(`property "${property}" cannot be used: ${reason}`, names);
  const what = field ? `property "${property}" cannot be sorted on` : `unknown property "${property}"`;
  throw error(`${what}; ${use === 'sort' ? 'sortable' : 'filterable'} properties are: ${nameList(names)}`, names);
}

/** The base-table column holding a single-valued field. */
export function columnOf(property: string, field: FqlField): string {
  return field.column ?? property;
}
