import type { Kysely } from 'kysely';
import type { Actor } from '../actor.ts';
import type { Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import { newId, newSecret, nowIso } from '../util/ids.ts';
import { tokenDigest } from '../util/secrets.ts';
import { badRequest, notFound } from '../util/errors.ts';

/** An enrollment token as listed: never the token itself, which is shown once at creation. */
export interface EnrollToken {
  id: string;
  description: string;
  created_at: string;
  /** ISO time after which it enrolls nothing; null: never. */
  expires_at: string | null;
  /** Enrollments it allows in all; null: unlimited. */
  max_uses: number | null;
  uses: number;
  last_used_at: string | null;
  /** Tags every host enrolled with it receives. */
  tags: string[];
  revoked: boolean;
  /** usable | revoked | expired | used up */
  state: 'usable' | 'revoked' | 'expired' | 'used up';
}

export interface CreateEnrollTokenInput {
  description?: string;
  expires_at?: string;
  max_uses?: number;
  tags?: string[];
}

export type EnrollmentOutcome = { ok: true; token_id: string; tags: string[] } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'used up' };

const TAG = /^[A-Za-z0-9_\-/:.]{1,256}$/;

/**
 * Enrollment tokens let agents join. A token may expire, allow a limited number of enrollments
 * and tag the hosts it enrolls; it is usable by any number of agents until then or until revoked.
 */
export class EnrollmentTokenService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit?: AuditService,
  ) {}

  async create(input: CreateEnrollTokenInput | string = {}, actor: Actor = { id: 'system' }): Promise<{ id: string; token: string } & EnrollToken> {
    const opts = typeof input === 'string' ? { description: input } : input;
    if (opts.expires_at !== undefined && !(Date.parse(opts.expires_at) > Date.now())) throw badRequest(`expiry ${opts.expires_at} is not a time in the future`);
    if (opts.max_uses !== undefined && !(Number.isSafeInteger(opts.max_uses) && opts.max_uses > 0)) throw badRequest('max uses must be a positive integer');
    const tags = [...new Set(opts.tags ?? [])];
    const bad = tags.filter((t) => !TAG.test(t));
    if (bad.length) throw badRequest(`invalid tag(s) ${bad.join(', ')}: letters, digits, _ - / : . only`);
    const token = newSecret(32);
    const row = {
      id: newId(),
      token_hash: tokenDigest(token),
      description: opts.description ?? '',
      created_at: nowIso(),
      revoked: 0,
      expires_at: opts.expires_at ? new Date(opts.expires_at).toISOString() : null,
      max_uses: opts.max_uses ?? null,
      uses: 0,
      tags: JSON.stringify(tags),
      last_used_at: null,
    };
    await this.db.insertInto('enroll_tokens').values(row).execute();
    const created = toToken(row);
    await this.audit?.record({ actor, action: 'enroll_token.create', target_type: 'enroll_token', target_id: row.id, after: created });
    return { ...created, token };
  }

  async list(): Promise<EnrollToken[]> {
    const rows = await this.db.selectFrom('enroll_tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toToken);
  }

  /** Takes one use of the token when it is usable; says why not otherwise. */
  async consume(token: string): Promise<EnrollmentOutcome> {
    if (!token || token.length > 512) return { ok: false, reason: 'unknown' };
    const digest = tokenDigest(token);
    const now = nowIso();
    // One conditional update, so concurrent enrollments never exceed max_uses.
    const res = await this.db
      .updateTable('enroll_tokens')
      .set((eb) => ({ uses: eb('uses', '+', 1), last_used_at: now }))
      .where('token_hash', '=', digest)
      .where('revoked', '=', 0)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .executeTakeFirst();
    const row = await this.db.selectFrom('enroll_tokens').selectAll().where('token_hash', '=', digest).executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    if (Number(res.numUpdatedRows) === 0) {
      const state = toToken(row).state;
      return { ok: false, reason: state === 'usable' ? 'used up' : state };
    }
    return { ok: true, token_id: row.id, tags: JSON.parse(row.tags) as string[] };
  }

  /** Whether the token would enroll an agent now (without using it up). */
  async verify(token: string): Promise<boolean> {
    if (!token || token.length > 512) return false;
    const row = await this.db.selectFrom('enroll_tokens').selectAll().where('token_hash', '=', tokenDigest(token)).executeTakeFirst();
    return !!row && toToken(row).state === 'usable';
  }

  async revoke(id: string, actor: Actor = { id: 'system' }): Promise<void> {
    const before = await this.db.selectFrom('enroll_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`enrollment token ${id} not found`);
    await this.db.updateTable('enroll_tokens').set({ revoked: 1 }).where('id', '=', id).execute();
    await this.audit?.record({ actor, action: 'enroll_token.revoke', target_type: 'enroll_token', target_id: id, before: toToken(before), after: toToken({ ...before, revoked: 1 }) });
  }
}

function toToken(row: Omit<Database['enroll_tokens'], 'uses' | 'tags'> & { uses: number; tags: string }): EnrollToken {
  const expired = row.expires_at !== null && Date.parse(row.expires_at) <= Date.now();
  const usedUp = row.max_uses !== null && row.uses >= row.max_uses;
  return {
    id: row.id,
    description: row.description,
    created_at: row.created_at,
    expires_at: row.expires_at,
    max_uses: row.max_uses,
    uses: Number(row.uses),
    last_used_at: row.last_used_at,
    tags: JSON.parse(row.tags) as string[],
    revoked: !!row.revoked,
    state: row.revoked ? 'revoked' : expired ? 'expired' : usedUp ? 'used up' : 'usable',
  };
}
