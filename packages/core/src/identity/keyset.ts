import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { badRequest } from '../util/errors.ts';
import type { CursorCodec } from './cursors.ts';

/** Most items one page of entities, timeline events or incidents holds. */
export const MAX_PAGE = 1000;

/** One Relay page: the rows, whether more follow, and the cursor to ask for them with. */
export interface IdentityPage<R> {
  nodes: R[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badRequest(`first must be between 1 and ${MAX_PAGE}`);
}

export interface KeysetOptions<O> {
  codec: CursorCodec;
  /** The query's digest (CursorCodec.queryHash): a cursor of another query is refused. */
  hash: string;
  after?: string;
  first: number;
  desc: boolean;
  /** The sort column and the unique column that breaks its ties, as selected. */
  sort: keyof O & string;
  id: keyof O & string;
}

/**
 * The page of `query` after the cursor, ordered by (sort, id) in one direction: keyset paging,
 * so a page costs the same wherever it starts and rows written meanwhile neither repeat nor vanish.
 */
export async function keysetPage<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, o: KeysetOptions<O>): Promise<IdentityPage<O>> {
  checkFirst(o.first);
  const sort = sql.ref(o.sort);
  const id = sql.ref(o.id);
  let q = query;
  if (o.after) {
    const [value, last] = o.codec.decode(o.after, o.hash);
    if ((typeof value !== 'string' && typeof value !== 'number') || typeof last !== 'string') throw badRequest('invalid cursor');
    const op = sql.raw(o.desc ? '<' : '>');
    q = q.where(sql<SqlBool>`(${sort} ${op} ${value} or (${sort} = ${value} and ${id} ${op} ${last}))`);
  }
  const dir = o.desc ? 'desc' : 'asc';
  const rows = await q.orderBy(sort, dir).orderBy(id, dir).limit(o.first + 1).execute();
  const nodes = rows.slice(0, o.first);
  const end = nodes.at(-1);
  return { nodes, hasNextPage: rows.length > o.first, endCursor: end ? o.codec.encode(o.hash, [end[o.sort], end[o.id]]) : null };
}
