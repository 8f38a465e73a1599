import type { Kysely } from 'kysely';
import type { Actor } from '../actor.ts';
import type { Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import { nowIso } from '../util/ids.ts';
import { notFound } from '../util/errors.ts';

/**
 * Revoking an agent identity: its secret is cleared, so it can neither connect again nor fetch
 * files, and a row in agent_revocations tells every replica's gateway to close its socket. The
 * gateways look for new rows each second, which works whichever process revoked (the CLI, another
 * replica) and on SQLite as on PostgreSQL. The host's record and history stay; the machine may
 * enroll again (a new device id) with a valid enrollment token.
 */
export class AgentRevocations {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
  ) {}

  async revoke(device_id: string, actor: Actor): Promise<{ revoked_at: string }> {
    const revoked_at = nowIso();
    await this.db.transaction().execute(async (trx) => {
      const host = await trx.selectFrom('hosts').select(['device_id', 'hostname', 'agent_secret_hash']).where('device_id', '=', device_id).executeTakeFirst();
      if (!host) throw notFound(`host ${device_id} not found`);
      await trx.updateTable('hosts').set({ agent_secret_hash: '' }).where('device_id', '=', device_id).execute();
      await trx
        .insertInto('agent_revocations')
        .values({ device_id, revoked_at, actor: actor.id })
        .onConflict((oc) => oc.column('device_id').doUpdateSet({ revoked_at, actor: actor.id }))
        .execute();
      await this.audit.record(
        { actor, action: 'agent.revoke', target_type: 'host', target_id: device_id, device_id, details: { hostname: host.hostname, had_secret: host.agent_secret_hash !== '' } },
        trx,
      );
    });
    return { revoked_at };
  }

  /** Device ids revoked after `since` (ISO time), and the latest revocation time seen. */
  async since(since: string): Promise<{ device_ids: string[]; latest: string }> {
    const rows = await this.db.selectFrom('agent_revocations').select(['device_id', 'revoked_at']).where('revoked_at', '>', since).orderBy('revoked_at').limit(10_000).execute();
    return { device_ids: rows.map((r) => r.device_id), latest: rows.at(-1)?.revoked_at ?? since };
  }
}
