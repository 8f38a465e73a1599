import { sql, type SelectQueryBuilder } from 'kysely';
import { compileFilter } from './compile.ts';
import type { FqlSchema } from './schema.ts';
import { applySort } from './sort.ts';

/** A list request as every Falcon-style query endpoint takes it. */
export interface PageQuery {
  filter?: string;
  sort?: string;
  offset?: number;
  limit?: number;
}

/** Where a page sits: `total` counts every match, not only this page's. */
export interface PageBounds {
  total: number;
  offset: number;
  limit: number;
}

/** One page of ids (the schema's key column). */
export interface IdPage extends PageBounds {
  ids: string[];
}

const DEFAULT_LIMIT = 100;

/**
 * The rows of `base` matching `q.filter`, counted, sorted by `q.sort` (else `defaultSort`, then the
 * schema's key) and cut to `q.offset`/`q.limit`. `base` holds the caller's own conditions (the
 * caller's sessions, a group's members); `select` picks the columns of the page's rows.
 */
export async function queryPage<DB, TB extends keyof DB, R>(
  base: SelectQueryBuilder<DB, TB, object>,
  schema: FqlSchema,
  q: PageQuery,
  defaultSort: string,
  select: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, R>,
): Promise<PageBounds & { rows: R[] }> {
  const offset = q.offset ?? 0;
  const limit = q.limit ?? DEFAULT_LIMIT;
  const where = compileFilter(schema, q.filter);
  if (where) base = base.where(where);
  // The row's type stays generic over DB here; its one column is the count.
  const counted = (await base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow()) as { total: number | string };
  const rows = await applySort(select(base), schema, q.sort, defaultSort).offset(offset).limit(limit).execute();
  return { rows: rows as R[], total: Number(counted.total), offset, limit };
}

/** `queryPage` answering the ids (the schema's key column) of the page. */
export async function queryIds<DB, TB extends keyof DB>(base: SelectQueryBuilder<DB, TB, object>, schema: FqlSchema, q: PageQuery, defaultSort: string): Promise<IdPage> {
  const { rows, ...bounds } = await queryPage(base, schema, q, defaultSort, (query) => query.select(sql.ref<string>(`${schema.table}.${schema.key}`).as('id')));
  return { ids: rows.map((r) => (r as { id: string }).id), ...bounds };
}
