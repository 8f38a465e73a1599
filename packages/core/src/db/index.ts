import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type MigrationProvider } from 'kysely';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';
import type { SqlDialect } from './migrations/context.ts';
import { FALLBACK_AUTOCHECKPOINT_BYTES, SqliteCheckpointer } from './sqlite-checkpointer.ts';
import { QueuedSqliteDialect } from './sqlite-dialect.ts';
import type { DialectAdapter } from './dialect-adapter.ts';
import { PostgresAdapter } from './postgres-adapter.ts';
import { SqliteAdapter } from './sqlite-adapter.ts';

const SQLITE_PAGE_SIZE = 16_384;

export type { CommandStatus, CommandsTable, Database, HostGroupsTable, HostsTable, TransfersTable } from './schema.ts';
export { RowsStatement } from './rows-statement.ts';
export type { SqlDialect } from './migrations/context.ts';
export { chunks, IN_CHUNK } from './chunks.ts';
export type { BulkUpsert, DialectAdapter, PreparedReader } from './dialect-adapter.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: SqlDialect;
  /** What the SQL says differently on this dialect (locks, statistics, prepared readers, upserts, dates). */
  adapter: DialectAdapter;
  /** PostgreSQL connection string (for LISTEN/NOTIFY clients); undefined on SQLite. */
  postgresUrl?: string;
  /** SQLite database file, for services that keep their own read-only connection; undefined on PostgreSQL and `:memory:`. */
  sqliteFile?: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite file path. */
  url: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

/** The one place where the SQL dialect is chosen. */
export async function openStore(opts: OpenOptions): Promise<Store> {
  const isPostgres = /^postgres(ql)?:\/\//.test(opts.url);
  let db: Kysely<Database>;
  let checkpointer: SqliteCheckpointer | undefined;
  if (isPostgres) {
    // COUNT(*) and bigint columns come back as strings by default; our values fit in a double.
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    pool.on('error', () => {
      /* idle client errors (server restart) are retried by the pool on next use */
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    if (opts.url !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(opts.url)), { recursive: true });
    const sqlite = new SQLite(opts.url);
    // 16 KiB pages (only a new database takes them): a fan-out writes and then rewrites thousands
    // of command rows, and larger pages split less and log fewer page headers; inserting and ending
    // 10,000 commands cost 25-40% less than with the default 4 KiB.
    sqlite.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    if (opts.url !== ':memory:') {
      const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
      sqlite.pragma(`wal_autocheckpoint = ${Math.ceil(FALLBACK_AUTOCHECKPOINT_BYTES / pageSize)}`);
      checkpointer = new SqliteCheckpointer(path.resolve(opts.url), createRequire(import.meta.url).resolve('better-sqlite3'));
    }
    cachePreparedStatements(sqlite);
    db = new Kysely<Database>({ dialect: new QueuedSqliteDialect({ database: sqlite }) });
  }
  const dialect: SqlDialect = isPostgres ? 'postgres' : 'sqlite';
  const sqliteFile = isPostgres || opts.url === ':memory:' ? undefined : path.resolve(opts.url);
  const store: Store = {
    db,
    dialect,
    adapter: isPostgres ? new PostgresAdapter(opts.url) : new SqliteAdapter(sqliteFile),
    postgresUrl: isPostgres ? opts.url : undefined,
    sqliteFile,
    close: async () => {
      await checkpointer?.close();
      await db.destroy();
    },
  };
  await migrate(store);
  return store;
}

async function migrate(store: Store): Promise<void> {
  const all = migrations({ dialect: store.dialect, autoIdType: store.dialect === 'sqlite' ? 'integer' : 'serial' });
  const provider: MigrationProvider = { getMigrations: async () => all };
  const migrator = new Migrator({ db: store.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Kysely prepares every query afresh; on SQLite preparing costs as much as running a small
 * query. Statements are reused by their SQL text (bounded; SQLite re-prepares one itself if the
 * schema changed). Safe because queries run one at a time on this connection and none is
 * iterated lazily.
 */
function cachePreparedStatements(db: SQLite.Database, max = 1000): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, SQLite.Statement>();
  db.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, stmt);
    }
    return stmt;
  }) as typeof db.prepare;
}
