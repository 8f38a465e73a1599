import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { newSecret } from '../util/ids.ts';
import { constantTimeEqual, tokenDigest } from '../util/secrets.ts';
import { CONSOLE_ROLE_SCOPES, type ConsoleRole } from './roles.ts';

/** A session ends after this long without a request... */
export const CONSOLE_IDLE_MS = 30 * 60_000;
/** ...and in any case this long after sign-in. */
export const CONSOLE_MAX_MS = 12 * 3600_000;
/** last_seen_at is written at most this often, not on every request. */
const TOUCH_MS = 30_000;

export interface ConsoleSession {
  user_id: string;
  user_name: string;
  role: ConsoleRole;
  scopes: ReadonlySet<string>;
  csrf_token: string;
  must_change_password: boolean;
  /** When it ends if left idle from now (epoch ms). */
  expires_at: number;
}

/** Server-side console sessions: the browser holds a random token in an HttpOnly cookie, the database its sha256. */
export class ConsoleSessionService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly idleMs = CONSOLE_IDLE_MS,
  ) {}

  async create(userId: string): Promise<{ token: string; csrf_token: string }> {
    const token = newSecret(32);
    const csrf_token = newSecret(32);
    const now = Date.now();
    await this.db
      .insertInto('console_sessions')
      .values({
        token_hash: tokenDigest(token),
        user_id: userId,
        csrf_token,
        created_at: new Date(now).toISOString(),
        last_seen_at: new Date(now).toISOString(),
        expires_at: new Date(now + CONSOLE_MAX_MS).toISOString(),
      })
      .execute();
    if (Math.random() < 0.05) await this.db.deleteFrom('console_sessions').where('expires_at', '<', new Date(now).toISOString()).execute();
    return { token, csrf_token };
  }

  /** The live session behind a cookie value, its idle clock restarted; undefined when unknown, idle too long or past its end. */
  async verify(token: string): Promise<ConsoleSession | undefined> {
    if (!token || token.length > 128) return undefined;
    const hash = tokenDigest(token);
    const row = await this.db
      .selectFrom('console_sessions')
      .innerJoin('console_users', 'console_users.id', 'console_sessions.user_id')
      .select(['console_sessions.csrf_token', 'console_sessions.last_seen_at', 'console_sessions.expires_at', 'console_users.id', 'console_users.name', 'console_users.role', 'console_users.must_change_password'])
      .where('console_sessions.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = Date.now();
    const lastSeen = Date.parse(row.last_seen_at);
    if (now - lastSeen > this.idleMs || now > Date.parse(row.expires_at)) {
      await this.db.deleteFrom('console_sessions').where('token_hash', '=', hash).execute();
      return undefined;
    }
    if (now - lastSeen > TOUCH_MS) {
      await this.db.updateTable('console_sessions').set({ last_seen_at: new Date(now).toISOString() }).where('token_hash', '=', hash).execute();
    }
    const role = row.role as ConsoleRole;
    return {
      user_id: row.id,
      user_name: row.name,
      role,
      scopes: new Set(CONSOLE_ROLE_SCOPES[role] ?? []),
      csrf_token: row.csrf_token,
      must_change_password: !!row.must_change_password,
      expires_at: Math.min(now + this.idleMs, Date.parse(row.expires_at)),
    };
  }

  /** Whether a request's CSRF header matches its session's token. */
  static csrfMatches(session: ConsoleSession, header: unknown): boolean {
    return typeof header === 'string' && header.length > 0 && constantTimeEqual(header, session.csrf_token);
  }

  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('token_hash', '=', tokenDigest(token)).execute();
  }
}
