import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { newId, newSecret, nowIso } from '../util/ids.ts';
import { tokenDigest } from '../util/secrets.ts';

/** Enrollment tokens let an agent join once; they are reusable across agents until revoked. */
export class EnrollmentTokenService {
  constructor(private readonly db: Kysely<Database>) {}

  async create(description = ''): Promise<{ id: string; token: string }> {
    const token = newSecret(32);
    const id = newId();
    await this.db
      .insertInto('enroll_tokens')
      .values({ id, token_hash: tokenDigest(token), description, created_at: nowIso(), revoked: 0 })
      .execute();
    return { id, token };
  }

  async verify(token: string): Promise<boolean> {
    if (!token || token.length > 512) return false;
    const row = await this.db
      .selectFrom('enroll_tokens')
      .select('revoked')
      .where('token_hash', '=', tokenDigest(token))
      .executeTakeFirst();
    return !!row && !row.revoked;
  }

  async revoke(id: string): Promise<void> {
    await this.db.updateTable('enroll_tokens').set({ revoked: 1 }).where('id', '=', id).execute();
  }
}
