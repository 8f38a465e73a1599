import type { Kysely } from 'kysely';
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/index.ts';
import type { Database } from '../db/index.ts';
import { compileFilter } from '../fql/index.ts';
import { badRequest, conflict, notFound, type ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import { hostQueryFqlSchema } from './fql-schema.ts';

/** Which hosts to delete: by id, by FQL filter over hidden hosts, or both (ids the filter matches). */
export interface DeletionRequest {
  ids?: readonly string[];
  filter?: string;
}

export interface DeletionResult {
  deleted: string[];
  /** Per id that was named and not deleted: unknown (404) or not hidden (409). */
  errors: { id: string; error: ServiceError }[];
}

/** Rows of one statement stay well under SQLite's bound-parameter limit. */
const CHUNK = 500;

/**
 * Permanent host deletion (Falcon's DevicesActionsDeleteV1). Only hidden hosts can be deleted, as
 * in the vendor's console, where permanent deletion is offered for hidden hosts: hiding is the
 * reversible step, deleting the irreversible one after it. A deleted host's record and everything
 * kept about it go (tags, logins, address history, group memberships, RTR and Carbon Black
 * sessions, commands and files); its agent's identity is revoked, so a connected agent is cut off
 * and cannot connect again without enrolling anew. The audit log keeps the deletion.
 */
export class HostDeletion {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
  ) {}

  async delete(req: DeletionRequest, actor: Actor): Promise<DeletionResult> {
    const filter = req.filter?.trim() ? req.filter : undefined;
    const ids = [...new Set(req.ids ?? [])];
    if (!ids.length && !filter) throw badRequest('ids or filter is required: which hidden hosts to delete');
    const where = compileFilter(hostQueryFqlSchema, filter);

    const errors: DeletionResult['errors'] = [];
    let targets: string[];
    if (ids.length) {
      const rows: { device_id: string; hidden: number }[] = [];
      for (let i = 0; i < ids.length; i += CHUNK) {
        rows.push(...(await this.db.selectFrom('hosts').select(['device_id', 'hidden']).where('device_id', 'in', ids.slice(i, i + CHUNK)).execute()));
      }
      const found = new Map(rows.map((r) => [r.device_id, Number(r.hidden) === 1]));
      for (const id of ids) {
        if (!found.has(id)) errors.push({ id, error: notFound(`device not found: ${id}`) });
        else if (!found.get(id)) errors.push({ id, error: conflict(`device ${id} is not hidden: hide it first (PerformActionV2 hide_host); only hidden hosts can be deleted`) });
      }
      targets = ids.filter((id) => found.get(id));
      if (where && targets.length) {
        const matching = new Set<string>();
        for (let i = 0; i < targets.length; i += CHUNK) {
          const chunk = targets.slice(i, i + CHUNK);
          for (const r of await this.db.selectFrom('hosts').select('hosts.device_id').where('hosts.device_id', 'in', chunk).where(where).execute()) matching.add(r.device_id);
        }
        targets = targets.filter((id) => matching.has(id));
      }
    } else {
      targets = (await this.db.selectFrom('hosts').select('hosts.device_id').where('hosts.hidden', '=', 1).where(where!).execute()).map((r) => r.device_id);
    }

    const deleted: string[] = [];
    for (let i = 0; i < targets.length; i += CHUNK) {
      deleted.push(...(await this.deleteChunk(targets.slice(i, i + CHUNK), actor)));
    }
    return { deleted, errors };
  }

  /** One transaction: still hidden when it runs (a host unhidden meanwhile stays). */
  private async deleteChunk(ids: string[], actor: Actor): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const hosts = await trx.selectFrom('hosts').select(['device_id', 'hostname', 'platform_name']).where('device_id', 'in', ids).where('hidden', '=', 1).execute();
      const gone = hosts.map((h) => h.device_id);
      if (!gone.length) return [];
      const now = nowIso();
      // Tables that name the host without a foreign key to it; the rest cascade with the row.
      const cbSessions = trx.selectFrom('cb_sessions').select('id').where('device_id', 'in', gone);
      await trx.deleteFrom('cb_files').where('session_id', 'in', cbSessions).execute();
      await trx.deleteFrom('cb_commands').where('session_id', 'in', cbSessions).execute();
      await trx.deleteFrom('cb_disabled_devices').where('device_id', 'in', gone).execute();
      await trx.deleteFrom('rtr_files').where('device_id', 'in', gone).execute();
      await trx.deleteFrom('rtr_commands').where('device_id', 'in', gone).execute();
      await trx.deleteFrom('transfers').where('device_id', 'in', gone).execute();
      await trx.deleteFrom('identity_sensors').where('device_id', 'in', gone).execute();
      await trx.deleteFrom('hosts').where('device_id', 'in', gone).execute();
      for (const h of hosts) {
        // Every replica's gateway closes a connected agent's socket when it sees this row.
        await trx
          .insertInto('agent_revocations')
          .values({ device_id: h.device_id, revoked_at: now, actor: actor.id })
          .onConflict((oc) => oc.column('device_id').doUpdateSet({ revoked_at: now, actor: actor.id }))
          .execute();
        await this.audit.record(
          { actor, action: 'host.delete', target_type: 'host', target_id: h.device_id, device_id: h.device_id, details: { hostname: h.hostname, platform_name: h.platform_name } },
          trx,
        );
      }
      return gone;
    });
  }
}
