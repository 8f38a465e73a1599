import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { newSecret } from '../util/ids.ts';
import { tokenDigest } from '../util/secrets.ts';
import type { ApiClient } from './api-clients.ts';

/** Falcon tokens live 30 minutes; clients renew by time, so the number matters. */
export const TOKEN_LIFETIME_SECONDS = 1799;

export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

export interface TokenPrincipal {
  client_id: string;
  client_name: string;
  scopes: ReadonlySet<string>;
  expires_at: number;
}

/**
 * A validated token is cached briefly so that a busy client costs one indexed lookup every few
 * seconds, not one per request. Revocation on this replica clears the cache at once; other
 * replicas see it within CACHE_MS.
 */
const CACHE_MS = 2000;

export class TokenService {
  private readonly cache = new Map<string, { principal: TokenPrincipal; until: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  async issue(client: ApiClient): Promise<IssuedToken> {
    const access_token = newSecret(48);
    const now = Date.now();
    await this.db
      .insertInto('api_tokens')
      .values({
        token_hash: tokenDigest(access_token),
        client_id: client.client_id,
        issued_at: new Date(now).toISOString(),
        expires_at: new Date(now + TOKEN_LIFETIME_SECONDS * 1000).toISOString(),
        revoked: 0,
      })
      .execute();
    // Expired tokens are useless; sweep them now and then rather than on a timer.
    if (Math.random() < 0.01) {
      await this.db.deleteFrom('api_tokens').where('expires_at', '<', new Date(now - 86_400_000).toISOString()).execute();
    }
    return { access_token, expires_in: TOKEN_LIFETIME_SECONDS };
  }

  /** The principal behind a bearer token, or undefined when it is unknown, expired or revoked. */
  async verify(token: string): Promise<TokenPrincipal | undefined> {
    if (!token || token.length > 512) return undefined;
    const digest = tokenDigest(token);
    const now = Date.now();
    const hit = this.cache.get(digest);
    if (hit && hit.until > now) return hit.principal.expires_at > now ? hit.principal : undefined;
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('api_clients', 'api_clients.client_id', 'api_tokens.client_id')
      .select(['api_tokens.expires_at', 'api_tokens.revoked', 'api_clients.client_id', 'api_clients.name', 'api_clients.scopes'])
      .where('api_tokens.token_hash', '=', digest)
      .executeTakeFirst();
    if (!row || row.revoked) {
      this.cache.delete(digest);
      return undefined;
    }
    const principal: TokenPrincipal = {
      client_id: row.client_id,
      client_name: row.name,
      scopes: new Set(JSON.parse(row.scopes) as string[]),
      expires_at: Date.parse(row.expires_at),
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(digest, { principal, until: now + CACHE_MS });
    return principal.expires_at > now ? principal : undefined;
  }

  /** Revoke a token the client owns. Revoking an unknown token succeeds silently, as OAuth2 asks (RFC 7009). */
  async revoke(clientId: string, token: string): Promise<void> {
    const digest = tokenDigest(token);
    this.cache.delete(digest);
    await this.db
      .updateTable('api_tokens')
      .set({ revoked: 1 })
      .where('token_hash', '=', digest)
      .where('client_id', '=', clientId)
      .execute();
  }
}
