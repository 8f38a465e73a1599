import crypto from 'node:crypto';
import { badRequest } from '../util/errors.ts';

/**
 * Relay cursors: the position after which a page starts, bound to the query it came from and
 * signed, so a forged cursor, or one taken from another query, is refused instead of paging
 * somewhere unexpected.
 */
export class CursorCodec {
  constructor(private readonly key: string) {}

  /** A short digest of the arguments that shape a result list (not `first`/`after`), whatever order they were given in. */
  static queryHash(args: Record<string, unknown>): string {
    const canonical = Object.entries(args).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return crypto.createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 16);
  }

  encode(queryHash: string, position: unknown[]): string {
    const body = Buffer.from(JSON.stringify([queryHash, position])).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(cursor: string, queryHash: string): unknown[] {
    const [body, sig, extra] = cursor.split('.');
    const expected = Buffer.from(body ? this.sign(body) : '');
    const given = Buffer.from(sig ?? '');
    if (!body || extra !== undefined || expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) throw badRequest('invalid cursor');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw badRequest('invalid cursor');
    }
    if (!Array.isArray(parsed) || !Array.isArray(parsed[1])) throw badRequest('invalid cursor');
    if (parsed[0] !== queryHash) throw badRequest('cursor belongs to a different query');
    return parsed[1] as unknown[];
  }

  private sign(body: string): string {
    return crypto.createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}
