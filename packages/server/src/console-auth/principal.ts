import type { FastifyRequest } from 'fastify';
import { ConsoleSessionService, type Actor, type Core, type TokenPrincipal } from '@riposte/core';
import { readCookie, SESSION_COOKIE } from './cookies.ts';

export type ConsoleAuth =
  | { kind: 'none' }
  | { kind: 'principal'; principal: TokenPrincipal }
  | { kind: 'refused'; message: string };

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** A console user as the actor of what they do: the audit trail and created_by name them. */
export function consoleActor(session: { user_id: string; user_name: string }): Actor {
  return { id: `console:${session.user_id}`, name: session.user_name };
}

/**
 * A request without a bearer token may carry a console session cookie. It then acts with the
 * scopes of the user's role, through the same operations and scope checks as an API client; a
 * state-changing request must also echo the session's CSRF token in X-CSRF-Token (a page of
 * another site can make the browser send the cookie, but cannot read the token).
 */
export async function consolePrincipal(core: Core, request: FastifyRequest): Promise<ConsoleAuth> {
  const token = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (!token) return { kind: 'none' };
  const session = await core.consoleSessions.verify(token);
  if (!session) return { kind: 'refused', message: 'access denied, the console session has ended; sign in again' };
  if (!SAFE_METHODS.has(request.method) && !ConsoleSessionService.csrfMatches(session, request.headers['x-csrf-token'])) {
    return { kind: 'refused', message: 'access denied, missing or wrong CSRF token' };
  }
  const actor = consoleActor(session);
  return { kind: 'principal', principal: { client_id: actor.id, client_name: session.user_name, scopes: session.scopes, expires_at: session.expires_at } };
}
