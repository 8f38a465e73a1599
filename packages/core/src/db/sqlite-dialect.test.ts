import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { QueuedSqliteDialect } from './sqlite-dialect.ts';

describe('QueuedSqliteDialect', () => {
  let db: Kysely<{ t: { n: number } }>;
  const open = async () => {
    db = new Kysely({ dialect: new QueuedSqliteDialect({ database: new SQLite(':memory:') }) });
    await db.schema.createTable('t').addColumn('n', 'integer').execute();
  };
  afterEach(async () => {
    await db?.destroy();
  });

  it('runs queries that wait for the connection in the order they asked for it', async () => {
    await open();
    const done: number[] = [];
    await Promise.all(Array.from({ length: 2000 }, (_, i) => db.insertInto('t').values({ n: i }).execute().then(() => done.push(i))));
    expect(done).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const rows = await db.selectFrom('t').select('n').orderBy(sql`rowid`).execute();
    expect(rows.map((r) => r.n)).toEqual(done);
  });

  it('keeps other queries out of a transaction that waits in the middle', async () => {
    await open();
    const seen: number[] = [];
    const count = async () => Number((await db.selectFrom('t').select((eb) => eb.fn.countAll().as('c')).executeTakeFirstOrThrow()).c);
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ n: 1 }).execute();
      await new Promise((r) => setTimeout(r, 30));
      await trx.insertInto('t').values({ n: 2 }).execute();
    });
    await new Promise((r) => setTimeout(r, 5));
    const reads = [count(), count()].map((p) => p.then((c) => seen.push(c)));
    await Promise.all([tx, ...reads]);
    expect(seen).toEqual([2, 2]);
  });

  it('hands the connection on after a query fails', async () => {
    await open();
    const failed = sql`select * from no_such_table`.execute(db);
    const next = db.insertInto('t').values({ n: 7 }).execute();
    await expect(failed).rejects.toThrow(/no such table/);
    await next;
    expect(await db.selectFrom('t').select('n').execute()).toEqual([{ n: 7 }]);
  });
});
