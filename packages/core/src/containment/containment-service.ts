import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import type { Notifier } from '../notify/index.ts';
import { getOrCreateSetting } from '../settings.ts';
import { conflict, notFound, ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import { parseCidr } from './cidr.ts';

/** What an agent is told to do. */
export type ContainmentOrder = { action: 'contain'; allow: string[] } | { action: 'lift' };

/** What an agent says it did. */
export interface ContainmentAnswer {
  action: 'contain' | 'lift';
  ok: boolean;
  /** Why it could not (no nftables, no privilege, unsupported platform). */
  error?: string;
}

const ALLOW_LIST_KEY = 'containment_allow_list';

export class ContainmentService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notifier: Notifier,
  ) {}

  /**
   * Ask for containment (or its lifting) of hosts; answers per id the error that refused it.
   * Unknown and hidden hosts are 404s; containing a host already contained or pending, or lifting
   * one that is not contained, is a 409.
   */
  async request(action: 'contain' | 'lift', ids: readonly string[]): Promise<{ done: string[]; errors: { id: string; error: ServiceError }[] }> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await this.db.selectFrom('hosts').select(['device_id', 'status', 'hidden']).where('device_id', 'in', unique).execute() : [];
    const byId = new Map(rows.map((r) => [r.device_id, r]));
    const done: string[] = [];
    const errors: { id: string; error: ServiceError }[] = [];
    for (const id of unique) {
      const h = byId.get(id);
      if (!h || h.hidden) {
        errors.push({ id, error: notFound(`device not found: ${id}`) });
      } else if (action === 'contain' && (h.status === 'contained' || h.status === 'containment_pending')) {
        errors.push({ id, error: conflict(`device ${id} is already ${h.status === 'contained' ? 'contained' : 'pending containment'}`) });
      } else if (action === 'lift' && (h.status === 'normal' || h.status === 'lift_containment_pending')) {
        errors.push({ id, error: conflict(`device ${id} is not contained${h.status === 'lift_containment_pending' ? ' (lifting is pending)' : ''}`) });
      } else {
        done.push(id);
      }
    }
    if (done.length) {
      const status = action === 'contain' ? 'containment_pending' : 'lift_containment_pending';
      await this.db
        .updateTable('hosts')
        .set((eb) => ({ status, containment_failed: '', modified_timestamp: nowIso(), revision: eb('revision', '+', 1) }))
        .where('device_id', 'in', done)
        .execute();
      await this.notifier.publish('containment', { device_ids: done });
    }
    return { done, errors };
  }

  /** What the host's agent should be doing now; undefined for a host that is not (to be) contained. */
  async orderFor(deviceId: string): Promise<ContainmentOrder | undefined> {
    const h = await this.db.selectFrom('hosts').select('status').where('device_id', '=', deviceId).executeTakeFirst();
    if (h?.status === 'containment_pending' || h?.status === 'contained') return { action: 'contain', allow: await this.allowList() };
    if (h?.status === 'lift_containment_pending') return { action: 'lift' };
    return undefined;
  }

  /**
   * The agent's answer moves the status on, if it still answers what is asked: contained only
   * on confirmation; a failure leaves the host as it was (normal, or still contained) with the reason.
   */
  async answered(deviceId: string, a: ContainmentAnswer): Promise<void> {
    const from = a.action === 'contain' ? ['containment_pending', 'contained'] : ['lift_containment_pending'];
    const status = a.action === 'contain' ? (a.ok ? 'contained' : 'normal') : a.ok ? 'normal' : 'contained';
    const reason = a.ok ? '' : (a.error || 'the agent could not apply it').slice(0, 1024);
    await this.db
      .updateTable('hosts')
      .set((eb) => ({ status, containment_failed: reason, modified_timestamp: nowIso(), revision: eb('revision', '+', 1) }))
      .where('device_id', '=', deviceId)
      .where('status', 'in', from)
      .execute();
  }

  /** The CIDR blocks a contained host may still reach (administrators' containment allow-list). */
  async allowList(): Promise<string[]> {
    return JSON.parse(await getOrCreateSetting(this.db, ALLOW_LIST_KEY, () => '[]')) as string[];
  }

  /** Replace the allow-list; every entry must be a CIDR block. Contained hosts get the new list. */
  async setAllowList(entries: readonly string[]): Promise<string[]> {
    const list = [...new Set(entries.map(parseCidr))];
    await getOrCreateSetting(this.db, ALLOW_LIST_KEY, () => '[]');
    await this.db.updateTable('settings').set({ value: JSON.stringify(list) }).where('key', '=', ALLOW_LIST_KEY).execute();
    const contained = await this.db.selectFrom('hosts').select('device_id').where('status', 'in', ['contained', 'containment_pending']).execute();
    if (contained.length) await this.notifier.publish('containment', { device_ids: contained.map((h) => h.device_id) });
    return list;
  }
}
