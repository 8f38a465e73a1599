import pg from 'pg';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { chunks } from './chunks.ts';
import type { BulkUpsert, DialectAdapter, PreparedReader } from './dialect-adapter.ts';

/** Rows per upsert statement: each column is one array parameter, so only memory bounds it. */
const UPSERT_ROWS = 20_000;

/** PostgreSQL's side of the adapter; `url` is the connection string (for readers' own pools). */
export class PostgresAdapter implements DialectAdapter {
  readonly name = 'postgres' as const;

  constructor(private readonly url: string) {}

  placeholder(n: number): string {
    return `$${n}`;
  }

  async lockTransaction(trx: Kysely<any>, key: number): Promise<void> {
    await sql`select pg_advisory_xact_lock(${key}::bigint)`.execute(trx);
  }

  async waitForRowWriters(trx: Kysely<any>, table: string, column: string, value: string): Promise<void> {
    await sql`select ${sql.ref(column)} from ${sql.table(table)} where ${sql.ref(column)} = ${value} for share`.execute(trx);
  }

  async analyze(db: Kysely<any>, tables: readonly string[]): Promise<void> {
    await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
  }

  preparedReader<Row>(name: string, text: string): PreparedReader<Row> {
    const pool = new pg.Pool({ connectionString: this.url, max: 4 });
    pool.on('error', () => {
      /* an idle connection dropped (server restart): the pool reconnects on next use */
    });
    return {
      get: async (...values) => (await pool.query<Row & pg.QueryResultRow>({ name, text, values })).rows[0],
      close: () => pool.end(),
    };
  }

  async bulkUpsert(db: Kysely<any>, u: BulkUpsert): Promise<void> {
    const columns = Object.entries(u.columns);
    const update = columns.filter(([c]) => !u.key.includes(c));
    const set = sql.join(update.map(([c]) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`));
    // One array parameter per column instead of one parameter per value: binding is most of the cost of big batches.
    for (const part of chunks(u.rows, UPSERT_ROWS)) {
      const arrays = columns.map(([, type], i) => sql`${part.map((row) => row[i])}::${sql.raw(type)}[]`);
      await sql`
        insert into ${sql.table(u.table)} (${sql.join(columns.map(([c]) => sql.ref(c)))})
        select * from unnest(${sql.join(arrays)})
        on conflict (${sql.join(u.key.map((c) => sql.ref(c)))}) do update set ${set}
      `.execute(db);
    }
  }

  epochSeconds(iso: RawBuilder<unknown>): RawBuilder<number> {
    return sql<number>`cast(floor(extract(epoch from cast(${iso} as timestamptz))) as bigint)`;
  }

  wallClockYearMonth(iso: RawBuilder<unknown>, offsetSeconds: number): { year: RawBuilder<number>; month: RawBuilder<number> } {
    const local = sql`((cast(${iso} as timestamptz) at time zone 'UTC') + make_interval(secs => ${sql.lit(offsetSeconds)}))`;
    return { year: sql<number>`cast(extract(year from ${local}) as integer)`, month: sql<number>`cast(extract(month from ${local}) as integer)` };
  }

  byteOrder(text: RawBuilder<unknown>): RawBuilder<unknown> {
    return sql`${text} collate "C"`;
  }
}
