import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { badRequest, notFound } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import { constantTimeEqual, tokenDigest } from '../util/secrets.ts';
import type { CbApiKey, CreatedCbApiKey } from './index.ts';

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const GRANT = /^[a-z.]+:[A-Z]+$/;
/** A verified key is cached briefly (like bearer tokens): a busy script costs one lookup every few seconds. */
const CACHE_MS = 2000;

function randomText(length: number): string {
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => ALPHANUM[b % ALPHANUM.length]).join('');
}

/**
 * Carbon Black API keys: `X-Auth-Token: {secret}/{id}`. The secret is 24 random characters (over
 * 120 bits), so a sha256 of it is enough to store and is cheap to check on every request.
 */
export class CbApiKeyService {
  private readonly cache = new Map<string, { key: CbApiKey; digest: string; until: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { name: string; grants: string[] }): Promise<CreatedCbApiKey> {
    const name = input.name.trim();
    if (!name || name.length > 255) throw badRequest('name must be 1-255 characters');
    const bad = input.grants.filter((g) => !GRANT.test(g));
    if (bad.length || input.grants.length === 0) throw badRequest(`invalid permission grant(s): ${bad.join(', ') || '(none)'} (expected e.g. org.liveresponse.session:CREATE)`);
    const api_secret = randomText(24);
    const row = { id: randomText(10), name, secret_hash: tokenDigest(api_secret), grants: JSON.stringify([...new Set(input.grants)].sort()), created_at: nowIso(), revoked_at: null };
    await this.db.insertInto('cb_api_keys').values(row).execute();
    return { ...toKey(row), api_secret };
  }

  async list(): Promise<CbApiKey[]> {
    const rows = await this.db.selectFrom('cb_api_keys').selectAll().where('revoked_at', 'is', null).orderBy('created_at').execute();
    return rows.map(toKey);
  }

  async revoke(id: string): Promise<void> {
    const res = await this.db.updateTable('cb_api_keys').set({ revoked_at: nowIso() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    this.cache.delete(id);
    if (Number(res.numUpdatedRows) === 0) throw notFound(`API key ${id} not found`);
  }

  /** The key named by an `X-Auth-Token` value, or undefined when the token is malformed, unknown, revoked or wrong. */
  async verify(token: string): Promise<CbApiKey | undefined> {
    const slash = token.lastIndexOf('/');
    if (slash <= 0 || slash === token.length - 1 || token.length > 256) return undefined;
    const secret = token.slice(0, slash);
    const id = token.slice(slash + 1);
    const digest = tokenDigest(secret);
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return constantTimeEqual(cached.digest, digest) ? cached.key : undefined;
    const row = await this.db.selectFrom('cb_api_keys').selectAll().where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return undefined;
    const key = toKey(row);
    this.cache.set(id, { key, digest: row.secret_hash, until: Date.now() + CACHE_MS });
    return constantTimeEqual(row.secret_hash, digest) ? key : undefined;
  }
}

function toKey(row: Database['cb_api_keys']): CbApiKey {
  return { id: row.id, name: row.name, grants: new Set(JSON.parse(row.grants) as string[]), created_at: row.created_at };
}
