import type { Kysely, RawBuilder } from 'kysely';
import type { SqlDialect } from './migrations/context.ts';

/** A statement prepared once on connections of its own, run by its positional parameters. */
export interface PreparedReader<Row> {
  get(...params: unknown[]): Promise<Row | undefined> | Row | undefined;
  close(): Promise<void> | void;
}

/** Rows to insert, or to update where `key` already exists. */
export interface BulkUpsert {
  table: string;
  /** Every column written, each with its PostgreSQL type (arrays of each are bound whole). */
  columns: Readonly<Record<string, 'text' | 'integer' | 'bigint'>>;
  /** The unique key whose clash turns an insert into an update of the other columns. */
  key: readonly string[];
  /** Values in the order of `columns`. */
  rows: readonly unknown[][];
}

/**
 * Everything riposte's SQL says differently on SQLite and PostgreSQL, in one place (Kysely's
 * DialectAdapter idea): services write portable Kysely and ask the adapter for the rest.
 * One instance per store, from `openStore`.
 */
export interface DialectAdapter {
  readonly name: SqlDialect;
  /** The text of positional parameter `n` (1-based): `$n` or `?`. */
  placeholder(n: number): string;
  /**
   * Serialise this transaction with every other holding `key`, on every replica, until it ends.
   * SQLite has one writer at a time already.
   */
  lockTransaction(trx: Kysely<any>, key: number): Promise<void>;
  /** Wait until the writer of these rows (if any) has committed, so that later reads see its work. */
  waitForRowWriters(trx: Kysely<any>, table: string, column: string, value: string): Promise<void>;
  /** Refresh the planner's statistics of tables just bulk-loaded (SQLite plans without them). */
  analyze(db: Kysely<any>, tables: readonly string[]): Promise<void>;
  /**
   * `text` (parameters written with `placeholder`) prepared once, read through its own
   * connections: a WAL reader on SQLite (sees every commit, never an open transaction), a small
   * pool running a named statement on PostgreSQL. Undefined for an in-memory database: the caller
   * reads through the store.
   */
  preparedReader<Row>(name: string, text: string): PreparedReader<Row> | undefined;
  /** Insert or update many rows in as few statements as the database allows. */
  bulkUpsert(db: Kysely<any>, upsert: BulkUpsert): Promise<void>;
  /** Epoch seconds (floored) of an ISO-8601 text expression. */
  epochSeconds(iso: RawBuilder<unknown>): RawBuilder<number>;
  /** Year and month (1-12) of an ISO-8601 text expression on the wall clock `offsetSeconds` east of UTC. */
  wallClockYearMonth(iso: RawBuilder<unknown>, offsetSeconds: number): { year: RawBuilder<number>; month: RawBuilder<number> };
  /** A text expression that compares and orders as bytes. */
  byteOrder(text: RawBuilder<unknown>): RawBuilder<unknown>;
}
