import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../db/index.ts';

/**
 * Which database the test run targets: `npm test` runs the whole suite once with
 * RIPOSTE_TEST_DB=sqlite and once with RIPOSTE_TEST_DB=postgres (against a throwaway cluster
 * whose admin URL is RIPOSTE_TEST_PG_URL).
 */
export function testDialect(): 'sqlite' | 'postgres' {
  return process.env.RIPOSTE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

/** A fresh, empty, migrated database URL of the run's dialect, and a function that drops it. */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (testDialect() === 'postgres') {
    const admin = process.env.RIPOSTE_TEST_PG_URL;
    if (!admin) throw new Error('RIPOSTE_TEST_DB=postgres needs RIPOSTE_TEST_PG_URL');
    const name = `t_${crypto.randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-test-'));
  return { url: path.join(dir, 'riposte.db'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** An open, migrated store on a fresh database; `close()` also drops it. */
export async function openTestStore(): Promise<Store> {
  const { url, drop } = await createTestDatabaseUrl();
  const store = await openStore({ url, poolSize: 4 });
  const close = store.close;
  return {
    ...store,
    close: async () => {
      await close();
      await drop();
    },
  };
}
