import { sql, type Kysely, type Selectable } from 'kysely';
import { chunks, type Database, type HostsTable } from '../db/index.ts';
import { queryIds } from '../fql/index.ts';
import { FACT_COLUMNS } from './facts.ts';
import { hostQueryFqlSchema } from './fql-schema.ts';
import type { HostPage, HostQuery, HostRecord, LoginEvent } from './index.ts';
import { isOnline } from './presence.ts';
import { decodeScrollToken, encodeScrollToken } from './scroll.ts';

/** Every column but the agent's secret. */
const HOST_COLUMNS = [
  'device_id', 'cb_device_id', ...FACT_COLUMNS, 'agent_local_time', 'last_login_user', 'last_login_timestamp',
  'first_login_user', 'first_login_timestamp', 'first_seen', 'last_seen', 'modified_timestamp', 'status', 'containment_failed',
  'detection_suppressed', 'online', 'hidden',
] as const;
type HostRow = Pick<Selectable<HostsTable>, (typeof HOST_COLUMNS)[number]>;

/** Reading hosts: records with their tags and groups, FQL queries, histories. */
export class HostQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async agentSecretHash(device_id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('hosts').select('agent_secret_hash').where('device_id', '=', device_id).executeTakeFirst();
    return row?.agent_secret_hash || undefined;
  }

  async get(device_id: string): Promise<HostRecord | undefined> {
    return (await this.getMany([device_id]))[0];
  }

  /** Records for the ids that exist, in the order asked. */
  async getMany(ids: readonly string[]): Promise<HostRecord[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const rows: HostRow[] = [];
    const tags = new Map<string, string[]>();
    const groups = new Map<string, string[]>();
    // Keep each IN list well under SQLite's bound-parameter limit.
    for (const chunk of chunks(unique)) {
      rows.push(...(await this.db.selectFrom('hosts').select(HOST_COLUMNS).where('device_id', 'in', chunk).execute()));
      for (const t of await this.db.selectFrom('host_tags').select(['device_id', 'tag']).where('device_id', 'in', chunk).orderBy('tag').execute()) {
        push(tags, t.device_id, t.tag);
      }
      for (const g of await this.db
        .selectFrom('host_group_members')
        .select(['device_id', 'group_id'])
        .where('device_id', 'in', chunk)
        .orderBy('group_id')
        .execute()) {
        push(groups, g.device_id, g.group_id);
      }
    }
    const byId = new Map(rows.map((r) => [r.device_id, r]));
    const out: HostRecord[] = [];
    for (const id of unique) {
      const r = byId.get(id);
      if (!r) continue;
      const record = r as unknown as HostRecord;
      record.online = !!r.online;
      record.hidden = !!r.hidden;
      record.detection_suppressed = !!r.detection_suppressed;
      record.tags = tags.get(id) ?? [];
      record.groups = groups.get(id) ?? [];
      out.push(record);
    }
    return out;
  }

  /** Device ids matching an FQL filter, sorted and paged; `total` counts every match. */
  async query(q: HostQuery, restrictTo?: { groupId: string }): Promise<HostPage> {
    let base = this.db.selectFrom('hosts');
    if (restrictTo) {
      base = base.where((eb) =>
        eb.exists(
          eb
            .selectFrom('host_group_members')
            .select(sql`1`.as('one'))
            .whereRef('host_group_members.device_id', '=', 'hosts.device_id')
            .where('host_group_members.group_id', '=', restrictTo.groupId),
        ),
      );
    }
    if (q.onlyHidden) base = base.where('hosts.hidden', '=', 1);
    else if (!q.includeHidden) base = base.where('hosts.hidden', '=', 0);
    return queryIds(base, hostQueryFqlSchema, q, 'device_id.asc');
  }

  /** Scroll paging: `offset` is an opaque token from the previous page, valid for two minutes. */
  async queryScroll(q: Omit<HostQuery, 'offset'> & { offset?: string; start?: number }): Promise<HostPage & { next: string; expires_at: string }> {
    const start = q.offset ? decodeScrollToken(q.offset, q.filter, q.sort) : (q.start ?? 0);
    const page = await this.query({ ...q, offset: start });
    const nextOffset = start + page.ids.length;
    const { token, expires_at } = encodeScrollToken(nextOffset, q.filter, q.sort);
    return { ...page, next: token, expires_at };
  }

  async onlineState(ids: readonly string[]): Promise<{ id: string; state: 'online' | 'offline' }[]> {
    const hosts = await this.getMany(ids);
    return hosts.map((h) => ({ id: h.device_id, state: isOnline(h) ? 'online' : 'offline' }));
  }

  /** What decides whether a cached rendering of a host is current. */
  async stamps(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(ids)];
    for (const chunk of chunks(unique)) {
      const rows = await this.db
        .selectFrom('hosts')
        .select(['device_id', 'revision', 'last_seen'])
        .where('device_id', 'in', chunk)
        .execute();
      for (const r of rows) out.set(r.device_id, `${r.revision}|${r.last_seen}`);
    }
    return out;
  }

  /** Logins newest first, per host, within [from, to] (ISO instants). */
  async loginHistory(ids: readonly string[], range: { from?: string; to?: string; limit?: number } = {}) {
    const out: { device_id: string; recent_logins: LoginEvent[] }[] = [];
    for (const id of new Set(ids)) {
      let q = this.db
        .selectFrom('host_logins')
        .select(['user_name', 'login_time', 'login_type', 'remote_address', 'success'])
        .where('device_id', '=', id);
      if (range.from) q = q.where('login_time', '>=', range.from);
      if (range.to) q = q.where('login_time', '<=', range.to);
      const rows = await q.orderBy('login_time', 'desc').orderBy('id', 'desc').limit(range.limit ?? 10).execute();
      out.push({ device_id: id, recent_logins: rows.map((r) => ({ ...r, success: !!r.success })) });
    }
    return out;
  }

  async addressHistory(ids: readonly string[]) {
    const out: { device_id: string; history: { ip_address: string; mac_address: string; timestamp: string }[] }[] = [];
    for (const id of new Set(ids)) {
      const rows = await this.db
        .selectFrom('host_address_history')
        .select(['ip_address', 'mac_address', 'timestamp'])
        .where('device_id', '=', id)
        .orderBy('timestamp', 'desc')
        .limit(100)
        .execute();
      out.push({ device_id: id, history: rows });
    }
    return out;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
