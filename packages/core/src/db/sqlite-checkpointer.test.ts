import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from './index.ts';

// The write-ahead log is moved into the database file by the checkpoint worker, not by the
// connection that serves requests (its own autocheckpoint only starts at 64 MiB of log).
describe('SQLite checkpoints off the event loop', () => {
  it('copies what was written into the database file while the serving connection is idle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-ckpt-'));
    const file = path.join(dir, 'riposte.db');
    const store = await openStore({ url: file });
    try {
      await sql`create table filler (id integer primary key, body text not null)`.execute(store.db);
      const before = fs.statSync(file).size;
      const body = 'x'.repeat(4000);
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 1000; i++) await sql`insert into filler (body) values (${body})`.execute(trx);
      });
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(4_000_000);
      const until = Date.now() + 5000;
      while (fs.statSync(file).size < before + 4_000_000 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(fs.statSync(file).size).toBeGreaterThan(before + 4_000_000);
      const [{ n }] = (await sql<{ n: number }>`select count(*) as n from filler`.execute(store.db)).rows;
      expect(n).toBe(1000);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
