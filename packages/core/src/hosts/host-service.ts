import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/index.ts';
import type { HostsTable } from '../db/schema.ts';
import { applySort, compileFilter } from '../fql/index.ts';
import { badRequest, notFound } from '../util/errors.ts';
import { BatchWriter } from '../util/batch-writer.ts';
import type { CoreLog } from '../util/log.ts';
import { newId, nowIso } from '../util/ids.ts';
import { hostQueryFqlSchema } from './fql-schema.ts';
import { decodeScrollToken, encodeScrollToken } from './scroll.ts';

export type HostPlatform = 'Windows' | 'Mac' | 'Linux';

/** One connecting agent's report, for welcomeMany. */
export interface WelcomeItem {
  device_id: string;
  facts: HostFacts;
  /** Set by welcomeMany when this item could not be applied. */
  error?: Error;
}

/** A host to create, for registerMany. */
interface Registration {
  device_id: string;
  facts: HostFacts;
  agent_secret_hash: string;
  /** Set when this host could not be created. */
  error?: Error;
}

/** What an agent (or an import) says about a host. */
export interface HostFacts {
  hostname: string;
  platform_name: HostPlatform;
  os_version?: string;
  os_product_name?: string;
  os_build?: string;
  kernel_version?: string;
  major_version?: string;
  minor_version?: string;
  product_type_desc?: string;
  local_ip?: string;
  external_ip?: string;
  connection_ip?: string;
  mac_address?: string;
  connection_mac_address?: string;
  default_gateway_ip?: string;
  machine_domain?: string;
  agent_version?: string;
  system_manufacturer?: string;
  system_product_name?: string;
  serial_number?: string;
  cpu_vendor?: string;
  bios_manufacturer?: string;
  bios_version?: string;
  pointer_size?: string;
  chassis_type?: string;
  chassis_type_desc?: string;
  product_type?: string;
  last_reboot?: string;
  host_utc_offset?: string;
  /** Active Directory organizational units (a JSON array of names, innermost first) and site. */
  ou?: string;
  site_name?: string;
  /** The agent's clock when it reported (changes every report: not a change of the host). */
  agent_local_time?: string;
  /** Logins the agent read from the OS's own records; each is recorded once. */
  logins?: LoginEvent[];
  /** Tags the agent asks for (e.g. SimulatedHost); merged, never removed by inventory. */
  tags?: string[];
}

/** One login (or failed attempt) from the host's own records. */
export interface LoginEvent {
  user_name: string;
  /** ISO-8601 UTC. */
  login_time: string;
  /** Interactive, Remote interactive, Elevation, … */
  login_type: string;
  remote_address?: string;
  success: boolean;
}

export type HostRecord = Omit<Selectable<HostsTable>, 'agent_secret_hash' | 'online' | 'hidden' | 'revision' | 'detection_suppressed'> & {
  online: boolean;
  hidden: boolean;
  detection_suppressed: boolean;
  tags: string[];
  groups: string[];
};

export interface HostQuery {
  filter?: string;
  sort?: string;
  offset?: number;
  limit?: number;
  /** Hidden hosts are left out unless asked for. */
  includeHidden?: boolean;
  /** Only hidden hosts. */
  onlyHidden?: boolean;
}

export interface HostPage {
  ids: string[];
  total: number;
  offset: number;
  limit: number;
}

const FACT_COLUMNS = [
  'hostname', 'platform_name', 'os_version', 'os_product_name', 'os_build', 'kernel_version', 'major_version',
  'minor_version', 'product_type_desc', 'local_ip', 'external_ip', 'connection_ip', 'mac_address',
  'connection_mac_address', 'default_gateway_ip', 'machine_domain', 'agent_version', 'system_manufacturer',
  'system_product_name', 'serial_number', 'cpu_vendor', 'bios_manufacturer', 'bios_version', 'pointer_size',
  'chassis_type', 'chassis_type_desc', 'product_type', 'last_reboot', 'host_utc_offset', 'ou', 'site_name',
] as const;

/** Every column but the agent's secret. */
const HOST_COLUMNS = [
  'device_id', 'cb_device_id', ...FACT_COLUMNS, 'agent_local_time', 'last_login_user', 'last_login_timestamp',
  'first_login_user', 'first_login_timestamp', 'first_seen', 'last_seen', 'modified_timestamp', 'status', 'containment_failed',
  'detection_suppressed', 'online', 'hidden',
] as const;
type HostRow = Pick<Selectable<HostsTable>, (typeof HOST_COLUMNS)[number]>;

const EMPTY_FACTS = Object.fromEntries(FACT_COLUMNS.map((c) => [c, ''])) as Record<(typeof FACT_COLUMNS)[number], string>;

const PLATFORMS: readonly HostPlatform[] = ['Windows', 'Mac', 'Linux'];

/** Hooks run (awaited) after hosts change, e.g. dynamic group re-evaluation. */
export type HostChangeHook = (deviceIds: string[]) => Promise<void>;

export class HostService {
  private readonly changeHooks: HostChangeHook[] = [];
  private readonly registrations: BatchWriter<Registration>;

  constructor(
    private readonly db: Kysely<Database>,
    log?: CoreLog,
  ) {
    this.registrations = new BatchWriter<Registration>((items) => this.registerMany(items), { maxBatch: 500, name: 'host registrations', log });
  }

  onChange(hook: HostChangeHook): void {
    this.changeHooks.push(hook);
  }

  private async changed(ids: string[]): Promise<void> {
    for (const hook of this.changeHooks) await hook(ids);
  }

  /**
   * Create a host (new device id unless given) from its facts. Hosts registering at the same
   * moment are created together (registerMany); this one is returned once it is created and
   * placed under its response policy.
   */
  async register(facts: HostFacts, opts: { device_id?: string; agent_secret_hash?: string } = {}): Promise<HostRecord> {
    validateFacts(facts);
    const item: Registration = { device_id: opts.device_id ?? newId(), facts, agent_secret_hash: opts.agent_secret_hash ?? '' };
    await this.registrations.add(item);
    if (item.error) throw item.error;
    return (await this.get(item.device_id))!;
  }

  /**
   * A fleet enrolling at once (a new rollout, 10,000 agents within a minute): all of them in one
   * transaction, then one round of change hooks (policy placement, dynamic groups). Each host on
   * its own cost two commits, which with SQLite's 16 KiB pages made a quarter of an enrolment's
   * cost. When the batch fails, each host is tried alone, so a bad one fails only itself.
   */
  private async registerMany(items: Registration[]): Promise<void> {
    const now = nowIso();
    try {
      await this.insertHosts(items, now);
    } catch {
      for (const item of items) {
        try {
          await this.insertHosts([item], now);
        } catch (e) {
          item.error = e as Error;
        }
      }
    }
    const created = items.filter((i) => !i.error).map((i) => i.device_id);
    if (created.length) await this.changed(created);
  }

  private async insertHosts(items: Registration[], now: string): Promise<void> {
    // cb_device_id is the next number: enrollments at the same moment (PostgreSQL, replicas) can
    // pick the same one; the inserts that lose on its unique index try again with the next.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction().execute(async (trx) => {
          const next = await trx
            .selectFrom('hosts')
            .select(sql<number>`coalesce(max(cb_device_id), 0) + 1`.as('n'))
            .executeTakeFirstOrThrow();
          let cb_device_id = Number(next.n);
          for (const { device_id, facts, agent_secret_hash } of items) {
            await trx
              .insertInto('hosts')
              .values({
                ...EMPTY_FACTS,
                ...pickFacts(facts),
                ...(facts.agent_local_time ? { agent_local_time: facts.agent_local_time } : {}),
                last_login_user: '',
                device_id,
                cb_device_id: cb_device_id++,
                first_seen: now,
                last_seen: now,
                modified_timestamp: now,
                status: 'normal',
                online: 0,
                hidden: 0,
                agent_secret_hash,
                last_login_timestamp: null,
                revision: 0,
              })
              .execute();
            await recordSideFacts(trx, device_id, facts, now);
          }
        });
        return;
      } catch (err) {
        if (attempt >= 50 || !/cb_device_id/.test((err as Error)?.message ?? '')) throw err;
      }
    }
  }

  /** Apply a fresh inventory report. Only real changes bump `modified_timestamp` and re-evaluate groups. */
  async updateFacts(device_id: string, facts: HostFacts): Promise<HostRecord> {
    validateFacts(facts);
    const current = await this.db.selectFrom('hosts').selectAll().where('device_id', '=', device_id).executeTakeFirst();
    if (!current) throw notFound(`host ${device_id} not found`);
    const changed = await this.db.transaction().execute((trx) => writeFacts(trx, current, facts, nowIso(), false));
    if (changed) await this.changed([device_id]);
    return (await this.get(device_id))!;
  }

  /**
   * Agents that have just connected, many at once (a restarted server gets its whole fleet back
   * within seconds): each host takes the facts its agent reported and is marked online, all in one
   * transaction; a transaction each cost 2-3 ms of the server's time per agent. An item whose facts
   * are invalid or whose host does not exist gets `error` and changes nothing.
   */
  async welcomeMany(items: WelcomeItem[]): Promise<void> {
    const valid: WelcomeItem[] = [];
    for (const item of items) {
      try {
        validateFacts(item.facts);
        valid.push(item);
      } catch (err) {
        item.error = err as Error;
      }
    }
    const current = new Map<string, Selectable<HostsTable>>();
    const ids = [...new Set(valid.map((i) => i.device_id))];
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of await this.db.selectFrom('hosts').selectAll().where('device_id', 'in', ids.slice(i, i + 500)).execute()) current.set(row.device_id, row);
    }
    const now = nowIso();
    const changed: string[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const item of valid) {
        const row = current.get(item.device_id);
        if (!row) item.error = notFound(`host ${item.device_id} not found`);
        else if (await writeFacts(trx, row, item.facts, now, true)) changed.push(item.device_id);
      }
    });
    if (changed.length) await this.changed(changed);
  }

  async setOnline(device_id: string, online: boolean): Promise<void> {
    await this.db
      .updateTable('hosts')
      .set((eb) => ({ online: online ? 1 : 0, last_seen: nowIso(), revision: eb('revision', '+', 1) }))
      .where('device_id', '=', device_id)
      .execute();
  }

  /**
   * Mark hosts changed in ways their own row does not show (group membership, effective
   * policy), so cached renderings of them are rebuilt.
   */
  async bumpRevision(ids: readonly string[], trx: Kysely<Database> = this.db): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await trx.updateTable('hosts').set((eb) => ({ revision: eb('revision', '+', 1) })).where('device_id', 'in', ids.slice(i, i + 500)).execute();
    }
  }

  /** What decides whether a cached rendering of a host is current. */
  async stamps(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db
        .selectFrom('hosts')
        .select(['device_id', 'revision', 'last_seen'])
        .where('device_id', 'in', unique.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.device_id, `${r.revision}|${r.last_seen}`);
    }
    return out;
  }

  /**
   * Heartbeat for many connected hosts at once. It also says they are online: with several
   * replicas, an agent that moved to another one can be marked offline by the replica that held
   * its old socket after the new one marked it online; the next heartbeat puts that right.
   * `stillConnected` is asked just before each chunk is written, so that a host whose agent
   * disconnected meanwhile (and was marked offline) is not marked online again.
   */
  async touchMany(ids: readonly string[], stillConnected: (id: string) => boolean = () => true): Promise<void> {
    await this.writePresence(ids, true, stillConnected);
  }

  /**
   * Hosts whose agents went away, seen until now, marked offline together: a network cut drops
   * thousands of agents within a moment. As with touchMany, `stillGone` is asked just before each
   * chunk is written, so that a host whose agent has come back meanwhile stays online.
   */
  async markOffline(ids: readonly string[], stillGone: (id: string) => boolean = () => true): Promise<void> {
    await this.writePresence(ids, false, stillGone);
  }

  /** The revision changes only for hosts whose online flag does. */
  private async writePresence(ids: readonly string[], online: boolean, stillApplies: (id: string) => boolean): Promise<void> {
    const now = nowIso();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500).filter(stillApplies);
      if (chunk.length === 0) continue;
      await this.db
        .updateTable('hosts')
        .set((eb) => ({ last_seen: now, online: online ? 1 : 0, revision: eb('revision', '+', eb.case().when('online', '=', online ? 0 : 1).then(1).else(0).end()) }))
        .where('device_id', 'in', chunk)
        .execute();
    }
  }

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
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
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
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const where = compileFilter(hostQueryFqlSchema, q.filter);
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
    if (where) base = base.where(where);
    const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    const rows = await applySort(base.select('hosts.device_id'), hostQueryFqlSchema, q.sort ?? 'device_id.asc')
      .offset(offset)
      .limit(limit)
      .execute();
    return { ids: rows.map((r) => r.device_id), total: Number(total), offset, limit };
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

  /** Add or remove tags; answers per id whether it existed. */
  async updateTags(action: 'add' | 'remove', ids: readonly string[], tags: readonly string[]): Promise<{ device_id: string; updated: boolean }[]> {
    for (const t of tags) {
      if (!isValidTag(t)) throw badRequest(`invalid tag "${t}": letters, digits, _ - / : . only`);
    }
    const existing = new Set((await this.getMany(ids)).map((h) => h.device_id));
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
    const found = (await this.getMany(ids)).map((h) => h.device_id);
    if (found.length) {
      await this.db
        .updateTable('hosts')
        .set((eb) => ({ hidden: hidden ? 1 : 0, modified_timestamp: nowIso(), revision: eb('revision', '+', 1) }))
        .where('device_id', 'in', found)
        .execute();
    }
    return found;
  }

  /** Responders' detection suppression: stored and shown; riposte raises no detections itself. */
  async setDetectionSuppressed(ids: readonly string[], suppressed: boolean): Promise<string[]> {
    const found = (await this.getMany(ids)).map((h) => h.device_id);
    if (found.length) {
      await this.db
        .updateTable('hosts')
        .set((eb) => ({ detection_suppressed: suppressed ? 1 : 0, modified_timestamp: nowIso(), revision: eb('revision', '+', 1) }))
        .where('device_id', 'in', found)
        .execute();
    }
    return found;
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

/** Connected, and heard from recently: a replica that died leaves its hosts marked online but stale. */
export const ONLINE_WINDOW_MS = 120_000;

/** What a host tag may be, whoever sets it (API clients, agents): letters, digits, `_ - / : .`, at most 256. */
export function isValidTag(tag: string): boolean {
  return /^[A-Za-z0-9_\-/:.]{1,256}$/.test(tag);
}

export function isOnline(h: { online: boolean | number; last_seen: string }): boolean {
  return !!h.online && Date.parse(h.last_seen) >= Date.now() - ONLINE_WINDOW_MS;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function validateFacts(f: HostFacts): void {
  if (!f.hostname || f.hostname.length > 255) throw badRequest('hostname must be 1-255 characters');
  if (!PLATFORMS.includes(f.platform_name)) throw badRequest(`platform_name must be one of ${PLATFORMS.join(', ')}`);
  for (const c of FACT_COLUMNS) {
    const v = f[c];
    if (v !== undefined && (typeof v !== 'string' || v.length > 1024)) throw badRequest(`${c} must be a string of at most 1024 characters`);
  }
  for (const l of f.logins ?? []) {
    if (!l.user_name || l.user_name.length > 255) throw badRequest('login user_name must be 1-255 characters');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(l.login_time)) throw badRequest(`login_time must be an ISO-8601 UTC instant: ${l.login_time.slice(0, 40)}`);
    if (l.login_type.length > 64 || (l.remote_address?.length ?? 0) > 255) throw badRequest('login_type or remote_address too long');
  }
}

function pickFacts(f: HostFacts): Partial<Record<(typeof FACT_COLUMNS)[number], string>> {
  const out: Partial<Record<(typeof FACT_COLUMNS)[number], string>> = {};
  for (const c of FACT_COLUMNS) if (f[c] !== undefined) out[c] = f[c] as string;
  return out;
}

/**
 * A host's row takes reported facts (and, for a connecting agent, the online flag); answers
 * whether something that host groups may depend on changed. Only real changes bump the revision.
 */
async function writeFacts(trx: Kysely<Database>, current: Selectable<HostsTable>, facts: HostFacts, now: string, online: boolean): Promise<boolean> {
  const next = pickFacts(facts);
  const changed = FACT_COLUMNS.some((c) => next[c] !== undefined && next[c] !== current[c]);
  const cameOnline = online && Number(current.online) !== 1;
  await trx
    .updateTable('hosts')
    .set((eb) => ({
      ...next,
      ...(facts.agent_local_time ? { agent_local_time: facts.agent_local_time } : {}),
      last_seen: now,
      ...(online ? { online: 1 } : {}),
      ...(changed ? { modified_timestamp: now } : {}),
      ...(changed || cameOnline ? { revision: eb('revision', '+', 1) } : {}),
    }))
    .where('device_id', '=', current.device_id)
    .execute();
  await recordSideFacts(trx, current.device_id, facts, now);
  return changed || !!facts.tags?.length;
}

/** Tags, logins and address history that come with a report. */
async function recordSideFacts(trx: Kysely<Database>, device_id: string, f: HostFacts, now: string): Promise<void> {
  let newTags = 0;
  for (const tag of f.tags ?? []) {
    const r = await trx.insertInto('host_tags').values({ device_id, tag }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    newTags += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  if (newTags) await trx.updateTable('hosts').set((eb) => ({ revision: eb('revision', '+', 1) })).where('device_id', '=', device_id).execute();
  if (f.logins?.length) await recordLogins(trx, device_id, f.logins);
  if (f.local_ip || f.mac_address) {
    const last = await trx
      .selectFrom('host_address_history')
      .select(['ip_address', 'mac_address'])
      .where('device_id', '=', device_id)
      .orderBy('timestamp', 'desc')
      .limit(1)
      .executeTakeFirst();
    const ip = f.local_ip ?? '';
    const mac = f.mac_address ?? '';
    if (!last || last.ip_address !== ip || last.mac_address !== mac) {
      await trx.insertInto('host_address_history').values({ device_id, ip_address: ip, mac_address: mac, timestamp: now }).execute();
    }
  }
}

/**
 * Logins from the host's records, each kept once; the host's first and last (successful) login
 * follow from all that are known.
 */
async function recordLogins(trx: Kysely<Database>, device_id: string, logins: readonly LoginEvent[]): Promise<void> {
  // Every report repeats the agent's recent records: only those from the newest known on are
  // tried, so a reconnecting fleet does not re-insert hundreds of logins per host.
  const newest = await trx.selectFrom('host_logins').select('login_time').where('device_id', '=', device_id).orderBy('login_time', 'desc').limit(1).executeTakeFirst();
  let added = 0;
  for (const l of logins) {
    if (newest && l.login_time < newest.login_time) continue;
    const r = await trx
      .insertInto('host_logins')
      .values({ device_id, user_name: l.user_name, login_time: l.login_time, login_type: l.login_type, remote_address: l.remote_address ?? '', success: l.success ? 1 : 0 })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  if (!added) return;
  const ok = trx.selectFrom('host_logins').select(['user_name', 'login_time']).where('device_id', '=', device_id).where('success', '=', 1);
  const last = await ok.orderBy('login_time', 'desc').limit(1).executeTakeFirst();
  const first = await ok.orderBy('login_time', 'asc').limit(1).executeTakeFirst();
  if (!last || !first) return;
  await trx
    .updateTable('hosts')
    .set((eb) => ({
      last_login_user: last.user_name,
      last_login_timestamp: last.login_time,
      first_login_user: first.user_name,
      first_login_timestamp: first.login_time,
      revision: eb('revision', '+', 1),
    }))
    .where('device_id', '=', device_id)
    .execute();
}
