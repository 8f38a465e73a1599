import crypto from 'node:crypto';
import { badRequest } from '../util/errors.ts';

const LIFETIME_MS = 120_000;

function fingerprint(filter?: string, sort?: string): string {
  return crypto.createHash('sha256').update(`${filter ?? ''}\u0000${sort ?? ''}`).digest('hex').slice(0, 16);
}

/** A scroll token names the next offset for one filter+sort, and expires like Falcon's (2 minutes). */
export function encodeScrollToken(offset: number, filter?: string, sort?: string): { token: string; expires_at: string } {
  const exp = Date.now() + LIFETIME_MS;
  const token = Buffer.from(JSON.stringify({ o: offset, f: fingerprint(filter, sort), e: exp })).toString('base64url');
  return { token, expires_at: new Date(exp).toISOString() };
}

export function decodeScrollToken(token: string, filter?: string, sort?: string): number {
  let parsed: { o?: unknown; f?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('invalid scroll offset token');
  }
  if (typeof parsed.o !== 'number' || typeof parsed.e !== 'number' || typeof parsed.f !== 'string' || parsed.o < 0) {
    throw badRequest('invalid scroll offset token');
  }
  if (parsed.f !== fingerprint(filter, sort)) throw badRequest('scroll offset token belongs to a different filter or sort');
  if (parsed.e < Date.now()) throw badRequest('scroll offset token expired; start again without offset');
  return parsed.o;
}
