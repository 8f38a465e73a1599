import type { Kysely } from 'kysely';
import { chunks, type Database } from '../db/index.ts';
import { badRequest } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import { isValidTag } from './facts.ts';
import type { HostQueries } from './host-queries.ts';

/** Responders' changes to hosts (tags, hidden, detection suppression) and revision bumps for cached renderings. */
export class HostEdits {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: HostQueries,
    private readonly changed: (ids: string[]) => Promise<void>,
  ) {}

  /** Add or remove tags; answers per id whether it existed. */
  async updateTags(action: 'add' | 'remove', ids: readonly string[], tags: readonly string[]): Promise<{ device_id: string; updated: boolean }[]> {
    for (const t of tags) {
      if (!isValidTag(t)) throw badRequest(`invalid tag "${t}": letters, digits, _ - / : . only`);
    }
    const existing = new Set((await this.queries.getMany(ids)).map((h) => h.device_id));
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      for (const id of existing) {
        if (action === 'add') {
          for (const tag of tags) {
            await trx.insertInto('host_tags').values({ device_id: id, tag }).onConflict((oc) => oc.doNothing()).execute();
          }
        } else {
          await trx.deleteFrom('host_tags').where('device_id', '=', id).where('tag', 'in', [...tags]).execute();
        }
        await trx.updateTable('hosts').set((eb) => ({ modified_timestamp: now, revision: eb('revision', '+', 1) })).where('device_id', '=', id).execute();
      }
    });
    if (existing.size) await this.changed([...existing]);
    return ids.map((id) => ({ device_id: id, updated: existing.has(id) }));
  }

  async setHidden(ids: readonly string[], hidden: boolean): Promise<string[]> {
    return this.setFlag(ids, 'hidden', hidden);
  }

  /** Responders' detection suppression: stored and shown; riposte raises no detections itself. */
  async setDetectionSuppressed(ids: readonly string[], suppressed: boolean): Promise<string[]> {
    return this.setFlag(ids, 'detection_suppressed', suppressed);
  }

  /** Sets a host flag on the hosts that exist (a new revision each), and answers which those were. */
  private async setFlag(ids: readonly string[], flag: 'hidden' | 'detection_suppressed', on: boolean): Promise<string[]> {
    const found = (await this.queries.getMany(ids)).map((h) => h.device_id);
    if (found.length) {
      await this.db
        .updateTable('hosts')
        .set((eb) => ({ [flag]: on ? 1 : 0, modified_timestamp: nowIso(), revision: eb('revision', '+', 1) }))
        .where('device_id', 'in', found)
        .execute();
    }
    return found;
  }

  /**
   * Mark hosts changed in ways their own row does not show (group membership, effective
   * policy), so cached renderings of them are rebuilt.
   */
  async bumpRevision(ids: readonly string[], trx: Kysely<Database> = this.db): Promise<void> {
    for (const chunk of chunks(ids)) {
      await trx.updateTable('hosts').set((eb) => ({ revision: eb('revision', '+', 1) })).where('device_id', 'in', chunk).execute();
    }
  }
}
