import SQLite from 'better-sqlite3';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { chunks } from './chunks.ts';
import type { BulkUpsert, DialectAdapter, PreparedReader } from './dialect-adapter.ts';

/** SQLite's side of the adapter; `file` is the database file (undefined for `:memory:`). */
export class SqliteAdapter implements DialectAdapter {
  readonly name = 'sqlite' as const;

  constructor(private readonly file: string | undefined) {}

  placeholder(): string {
    return '?';
  }

  async lockTransaction(): Promise<void> {}

  async waitForRowWriters(): Promise<void> {}

  async analyze(): Promise<void> {}

  preparedReader<Row>(_name: string, text: string): PreparedReader<Row> | undefined {
    if (!this.file) return undefined;
    const conn = new SQLite(this.file, { readonly: true, fileMustExist: true });
    conn.pragma('busy_timeout = 5000');
    const stmt = conn.prepare<unknown[], Row>(text);
    return { get: (...params) => stmt.get(...params), close: () => void conn.close() };
  }

  async bulkUpsert(db: Kysely<any>, u: BulkUpsert): Promise<void> {
    const columns = Object.keys(u.columns);
    const update = columns.filter((c) => !u.key.includes(c));
    for (const part of chunks(u.rows)) {
      await db
        .insertInto(u.table)
        .values(part.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))))
        .onConflict((oc) => oc.columns([...u.key]).doUpdateSet(Object.fromEntries(update.map((c) => [c, sql.ref(`excluded.${c}`)]))))
        .execute();
    }
  }

  epochSeconds(iso: RawBuilder<unknown>): RawBuilder<number> {
    return sql<number>`cast(strftime('%s', ${iso}) as integer)`;
  }

  wallClockYearMonth(iso: RawBuilder<unknown>, offsetSeconds: number): { year: RawBuilder<number>; month: RawBuilder<number> } {
    const modifier = `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds} seconds`;
    return {
      year: sql<number>`cast(strftime('%Y', ${iso}, ${modifier}) as integer)`,
      month: sql<number>`cast(strftime('%m', ${iso}, ${modifier}) as integer)`,
    };
  }

  byteOrder(text: RawBuilder<unknown>): RawBuilder<unknown> {
    return sql`${text} collate binary`;
  }
}
