import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index.ts';
import { createTestDatabaseUrl } from '../testing/db.ts';
import { RowsStatement } from './rows-statement.ts';

// Runs on the suite's dialect: SQLite's `?` and PostgreSQL's `$n` placeholders.
describe('RowsStatement', () => {
  let store: Store;
  let drop: () => Promise<void>;
  const insert = new RowsStatement('insert into pairs (k, v) values', 2);
  const upsertBack = new RowsStatement('with x (k, v) as (values', 2, ') update pairs set v = x.v from x where pairs.k = x.k returning pairs.k, pairs.v');

  beforeAll(async () => {
    const db = await createTestDatabaseUrl();
    drop = db.drop;
    store = await openStore({ url: db.url });
    await sql`create table pairs (k text primary key, v text)`.execute(store.db);
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });

  it('inserts rows of any count, also inside a transaction, and reads rows back', async () => {
    await insert.execute(store.db, [['a', '1']]);
    await store.db.transaction().execute(async (trx) => {
      await insert.execute(trx, [['b', '2'], ['c', null]]);
      await insert.execute(trx, [['d', '4'], ['e', '5']]);
    });
    const rows = await upsertBack.execute<{ k: string; v: string }>(store.db, [['b', 'two'], ['zz', 'none']]);
    expect(rows).toEqual([{ k: 'b', v: 'two' }]);
    const all = (await sql<{ k: string; v: string | null }>`select k, v from pairs order by k`.execute(store.db)).rows;
    expect(all).toEqual([
      { k: 'a', v: '1' },
      { k: 'b', v: 'two' },
      { k: 'c', v: null },
      { k: 'd', v: '4' },
      { k: 'e', v: '5' },
    ]);
  });

  it('refuses a row of the wrong width instead of shifting every value after it', async () => {
    expect(() => insert.compile(store.db, [['x', '1'], ['y']])).toThrow(/1 values where 2/);
  });
});
