import { CompiledQuery, sql, type Kysely } from 'kysely';

/**
 * A statement over a list of rows, `… VALUES (?, ?, …), (…) …`, whose text is built once per row
 * count and per dialect, then run with flat parameters. On the hot paths of a fan-out (10,000
 * commands stored, then 10,000 results) building the same statement through Kysely's builder
 * cost as much as SQLite running it: every row became a tree of nodes, frozen, then compiled.
 */
export class RowsStatement {
  private readonly texts = new Map<string, string>();

  /**
   * @param head the text before the row list, e.g. `insert into t (a, b) values`
   * @param width the number of values in each row
   * @param tail the text after the row list
   */
  constructor(
    private readonly head: string,
    private readonly width: number,
    private readonly tail = '',
  ) {}

  /** The query for these rows (each exactly `width` values), in the placeholders of `db`'s dialect. */
  compile(db: Kysely<any>, rows: readonly unknown[][]): CompiledQuery {
    const numbered = placeholderStyle(db) === 'numbered';
    const key = `${numbered ? '$' : '?'}${rows.length}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      const tuples: string[] = [];
      for (let r = 0, n = 1; r < rows.length; r++) {
        const marks: string[] = [];
        for (let c = 0; c < this.width; c++, n++) marks.push(numbered ? `$${n}` : '?');
        tuples.push(`(${marks.join(', ')})`);
      }
      text = `${this.head} ${tuples.join(', ')} ${this.tail}`;
      this.texts.set(key, text);
    }
    const parameters: unknown[] = [];
    for (const row of rows) {
      if (row.length !== this.width) throw new Error(`a row of ${row.length} values where ${this.width} were expected`);
      for (const v of row) parameters.push(v);
    }
    return CompiledQuery.raw(text, parameters);
  }

  async execute<R>(db: Kysely<any>, rows: readonly unknown[][]): Promise<R[]> {
    return (await db.executeQuery<R>(this.compile(db, rows))).rows;
  }
}

const styles = new WeakMap<object, 'numbered' | 'question'>();

/** `$1` (PostgreSQL) or `?` (SQLite), as the dialect's own compiler writes them; asked once per Kysely instance. */
function placeholderStyle(db: Kysely<any>): 'numbered' | 'question' {
  let style = styles.get(db);
  if (!style) {
    style = sql`${0}`.compile(db).sql.startsWith('$') ? 'numbered' : 'question';
    styles.set(db, style);
  }
  return style;
}
