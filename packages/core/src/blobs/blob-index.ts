import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { nowIso } from '../util/ids.ts';
import { assertSha256 } from './digest.ts';

export interface BlobRecord {
  sha256: string;
  size: number;
  created_at: string;
}

/**
 * Which blobs the store holds, in the database: the API lists and checks blobs there (one query,
 * any replica) rather than walking a directory or an object store.
 */
export class BlobIndex {
  constructor(private readonly db: Kysely<Database>) {}

  /** Idempotent: the same content stored twice is one blob, first record wins. `db` may be a transaction. */
  async record(blob: { sha256: string; size: number }, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('blobs')
      .values({ sha256: assertSha256(blob.sha256), size: blob.size, created_at: nowIso() })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }

  async get(sha256: string): Promise<BlobRecord | undefined> {
    return this.db.selectFrom('blobs').selectAll().where('sha256', '=', assertSha256(sha256)).executeTakeFirst();
  }

  /** Blobs in digest order, `limit` at a time after the digest `after` (keyset paging). */
  async list(opts: { limit?: number; after?: string } = {}): Promise<BlobRecord[]> {
    let q = this.db.selectFrom('blobs').selectAll().orderBy('sha256').limit(Math.min(Math.max(opts.limit ?? 100, 1), 10_000));
    if (opts.after !== undefined) q = q.where('sha256', '>', assertSha256(opts.after));
    return q.execute();
  }

  async remove(sha256: string): Promise<void> {
    await this.db.deleteFrom('blobs').where('sha256', '=', assertSha256(sha256)).execute();
  }
}
