import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type { Database, Store } from '../db/index.ts';
import type { EventBus } from '../events.ts';
import type { AuditService } from '../audit/index.ts';
import type { Capability } from '../guard/index.ts';
import type { HostGroup } from '../hostgroups/index.ts';
import type { HostPage, HostQuery, HostService } from '../hosts/index.ts';
import { hostQueryFqlSchema } from '../hosts/fql-schema.ts';
import { applySort, compileFilter } from '../fql/index.ts';
import { badRequest, notFound, ServiceError } from '../util/errors.ts';
import { newId, nowIso } from '../util/ids.ts';
import type { ResponsePoliciesTable } from './tables.ts';
import { responsePolicyFqlSchema } from './fql-schema.ts';
import {
  applySettingWrites,
  DEFAULT_POLICY_NAME,
  DEFAULT_PRECEDENCE,
  isPlatform,
  newPolicySettings,
  normalizeSettings,
  PLATFORMS,
  refusalReason,
  type PolicyPlatform,
  type PolicySettings,
  type SettingWrite,
} from './settings.ts';
import { collectUnusedSets, recomputeHostSets, resolveSets, scopes, setScopes } from './candidate-sets.ts';

export interface ResponsePolicy {
  id: string;
  platform_name: PolicyPlatform;
  name: string;
  description: string;
  enabled: boolean;
  /** The platform's `platform_default`: always enabled, always last, applies to every host no other policy claims. */
  is_default: boolean;
  /** 1 = highest among the platform's policies. */
  precedence: number;
  /** Exactly the platform's settings. */
  settings: PolicySettings;
  /** Host groups the policy is attached to, in the order they were attached. */
  groups: HostGroup[];
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
}

export interface NewResponsePolicy {
  name: string;
  /** Windows, Mac or Linux (any case). */
  platform_name: string;
  description?: string;
  settings?: SettingWrite[];
  /** Start from this policy's settings (and description, unless one is given); same platform only. */
  clone_id?: string;
}

export interface ResponsePolicyUpdate {
  id: string;
  name?: string;
  description?: string;
  settings?: SettingWrite[];
}

/** Who changes policies: recorded as created_by/modified_by and in the audit trail. */
export interface PolicyActor {
  id: string;
  name: string;
}

export type PolicyAction = 'enable' | 'disable' | 'add-host-group' | 'remove-host-group' | 'add-rule-group' | 'remove-rule-group';

export interface PolicyQuery {
  filter?: string;
  sort?: string;
  offset?: number;
  limit?: number;
}

export interface PolicyPage {
  ids: string[];
  total: number;
  offset: number;
  limit: number;
}

/** The policy that decides for a host, as the device model reports it. */
export interface EffectivePolicy {
  device_id: string;
  policy_id: string;
  policy_name: string;
  platform_name: string;
  is_default: boolean;
  /** Short digest of the settings: changes whenever what the policy allows changes. */
  settings_hash: string;
  /** When the policy's settings last changed. */
  modified_timestamp: string;
  /** Its RealTimeFunctionality setting: whether RTR sessions may be opened on the host at all. */
  real_time_functionality: boolean;
}

type Db = Kysely<Database>;
type PolicyRow = Selectable<ResponsePoliciesTable>;
type CheckRow = { id: string; name: string; platform_name: string; settings: string };

const SYSTEM: PolicyActor = { id: 'system', name: 'riposte' };
/** pg_advisory_xact_lock key serialising policy writes and effective-policy recomputation across replicas. */
const WRITE_LOCK_KEY = 0x72_69_70_6f_73;
const CHUNK = 500;

/**
 * Response policies: CRUD, host-group attachment, precedence, effective policy per host, and the
 * check the response guard runs before every session and command.
 */
export class ResponsePolicyService {
  private readonly db: Db;
  private background: Promise<void> = Promise.resolve();
  /** The guard's query, compiled once: it runs before every command. */
  private readonly checkQuery: string;
  /**
   * The check reads through its own connections with the statement prepared once: Kysely
   * prepares (SQLite) or plans (PostgreSQL) per call, which costs several times the lookup.
   * SQLite: a read-only connection (a WAL reader sees every committed change and never another
   * request's open transaction). PostgreSQL: a small pool running a named statement.
   */
  private readonly reader?: { get(deviceId: string): Promise<CheckRow | undefined> | CheckRow | undefined; close(): Promise<void> | void };
  /** Parsed settings by their stored text: content-keyed, so never stale. */
  private readonly parsed = new Map<string, PolicySettings>();

  constructor(
    private readonly store: Store,
    hosts: HostService,
    events: EventBus,
    private readonly audit: AuditService,
  ) {
    this.db = store.db;
    const p = store.dialect === 'postgres' ? '$1' : '?';
    this.checkQuery = `select p.id, p.name, p.platform_name, p.settings
      from hosts_effective_policy e
      join response_policy_sets s on s.id = e.set_id
      join response_policies p on p.id = s.policy_id
      where e.device_id = ${p}`;
    if (store.sqliteFile) {
      const conn = new SQLite(store.sqliteFile, { readonly: true, fileMustExist: true });
      conn.pragma('busy_timeout = 5000');
      const stmt = conn.prepare<[string], CheckRow>(this.checkQuery);
      this.reader = { get: (id) => stmt.get(id), close: () => void conn.close() };
    } else if (store.postgresUrl) {
      const pool = new pg.Pool({ connectionString: store.postgresUrl, max: 4 });
      pool.on('error', () => {
        /* an idle connection dropped (server restart): the pool reconnects on next use */
      });
      const text = this.checkQuery;
      this.reader = {
        get: async (id) => (await pool.query<CheckRow>({ name: 'riposte_response_policy_check', text, values: [id] })).rows[0],
        close: () => pool.end(),
      };
    }
    // Awaited by the host service: a registered host has its policy before register() returns.
    hosts.onChange((ids) => this.inBackground(() => this.placeHosts(ids)));
    // Awaited by the host-group service after it commits: the next command sees the new policy.
    events.on('group.members.changed', (e) => this.inBackground(() => this.groupMembersChanged(e.group_id, e.device_ids)));
    events.on('group.deleted', (e) => this.inBackground(() => this.groupDeleted(e.group_id)));
  }

  /** Place hosts that have no effective policy yet, and forget attachments of deleted groups. */
  async start(): Promise<void> {
    await this.write(async (trx) => {
      await recomputeHostSets(trx, this.store.dialect, scopes.unplaced());
      const orphans = await trx
        .selectFrom('response_policy_groups')
        .select('group_id')
        .distinct()
        .where((eb) => eb.not(eb.exists(eb.selectFrom('host_groups').select('host_groups.id').whereRef('host_groups.id', '=', 'response_policy_groups.group_id'))))
        .execute();
      for (const o of orphans) await this.detachDeletedGroup(trx, o.group_id);
    });
  }

  /** Resolves when every background recomputation started so far has finished. */
  async settled(): Promise<void> {
    await this.background;
  }

  /** Finish background work and release the check's connection (before the store closes). */
  async close(): Promise<void> {
    await this.settled();
    await this.reader?.close();
  }

  // ---- the check ----

  /**
   * Registered with the response guard. One indexed read per call, no cache: a change made on
   * any replica decides the next command everywhere.
   */
  async check(deviceId: string, capability: Capability): Promise<void> {
    let row = await this.effectiveRow(deviceId);
    if (!row) {
      await this.placeHosts([deviceId]);
      row = await this.effectiveRow(deviceId);
      if (!row) return; // no such host: whoever asked reports that
    }
    const refusal = this.refusalFor(row, capability);
    if (refusal) throw refusal;
  }

  /**
   * The check for a fan-out (registered as the guard's bulk check): one read per 500 hosts.
   * Answers the refusal of each host that may not; unknown hosts are left to the caller.
   */
  async checkMany(deviceIds: readonly string[], capability: Capability): Promise<Map<string, ServiceError>> {
    const unique = [...new Set(deviceIds)];
    const rows = await this.effectiveRows(unique);
    const unplaced = unique.filter((id) => !rows.has(id));
    if (unplaced.length) {
      const known = await this.existing(unplaced);
      if (known.length) {
        await this.placeHosts(known);
        for (const [id, row] of await this.effectiveRows(known)) rows.set(id, row);
      }
    }
    // Hosts under the same policy share its row, and so its answer.
    const byPolicy = new Map<CheckRow, ServiceError | undefined>();
    const out = new Map<string, ServiceError>();
    for (const [id, row] of rows) {
      if (!byPolicy.has(row)) byPolicy.set(row, this.refusalFor(row, capability));
      const refusal = byPolicy.get(row);
      if (refusal) out.set(id, refusal);
    }
    return out;
  }

  private refusalFor(row: CheckRow, capability: Capability): ServiceError | undefined {
    const platform = row.platform_name as PolicyPlatform;
    const refusal = refusalReason(platform, this.settingsOf(platform, row.settings), capability);
    if (!refusal) return undefined;
    return new ServiceError('forbidden_by_policy', `response policy "${row.name}" (id ${row.id}) ${refusal.why} on this host`, {
      policy_id: row.id,
      setting: refusal.setting,
    });
  }

  /**
   * Each host's policy, with the settings text read once per policy rather than once per host:
   * 10,000 hosts under a few policies used to copy (and key a cache by) the same settings 10,000 times.
   */
  private async effectiveRows(deviceIds: readonly string[]): Promise<Map<string, CheckRow>> {
    const placed: { device_id: string; id: string }[] = [];
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      placed.push(
        ...(await this.db
          .selectFrom('hosts_effective_policy as e')
          .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
          .select(['e.device_id', 's.policy_id as id'])
          .where('e.device_id', 'in', deviceIds.slice(i, i + CHUNK))
          .execute()),
      );
    }
    const policies = new Map<string, CheckRow>();
    const ids = [...new Set(placed.map((r) => r.id))];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db.selectFrom('response_policies').select(['id', 'name', 'platform_name', 'settings']).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) policies.set(r.id, r);
    }
    const out = new Map<string, CheckRow>();
    for (const { device_id, id } of placed) {
      const policy = policies.get(id);
      if (policy) out.set(device_id, policy);
    }
    return out;
  }

  private async existing(deviceIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      out.push(...(await this.db.selectFrom('hosts').select('device_id').where('device_id', 'in', deviceIds.slice(i, i + CHUNK)).execute()).map((r) => r.device_id));
    }
    return out;
  }

  private async effectiveRow(deviceId: string): Promise<CheckRow | undefined> {
    if (this.reader) return await this.reader.get(deviceId);
    const r = await this.db.executeQuery<CheckRow>(CompiledQuery.raw(this.checkQuery, [deviceId]));
    return r.rows[0];
  }

  private settingsOf(platform: PolicyPlatform, text: string): PolicySettings {
    const key = `${platform}|${text}`;
    let s = this.parsed.get(key);
    if (!s) {
      if (this.parsed.size >= 1000) this.parsed.clear();
      this.parsed.set(key, (s = normalizeSettings(platform, JSON.parse(text))));
    }
    return s;
  }

  /**
   * What identifies each host's effective policy as rendered (its id and last modification), without
   * reading settings: cheap enough to check on every device read.
   */
  async effectiveStamps(deviceIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(deviceIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('hosts_effective_policy as e')
        .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
        .innerJoin('response_policies as p', 'p.id', 's.policy_id')
        .select(['e.device_id', 'p.id', 'p.modified_timestamp'])
        .where('e.device_id', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(r.device_id, `${r.id}|${r.modified_timestamp}`);
    }
    return out;
  }

  /** The effective policy of each host that exists (batched: one query per 500 hosts). */
  async effective(deviceIds: readonly string[]): Promise<Map<string, EffectivePolicy>> {
    const out = new Map<string, EffectivePolicy>();
    const unique = [...new Set(deviceIds)];
    const hashes = new Map<string, string>();
    const hashOf = (settings: string) => {
      let h = hashes.get(settings);
      if (!h) hashes.set(settings, (h = crypto.createHash('sha256').update(settings).digest('hex').slice(0, 8)));
      return h;
    };
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('hosts_effective_policy as e')
        .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
        .innerJoin('response_policies as p', 'p.id', 's.policy_id')
        .select(['e.device_id', 'p.id', 'p.name', 'p.platform_name', 'p.is_default', 'p.settings', 'p.modified_timestamp'])
        .where('e.device_id', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) {
        out.set(r.device_id, {
          device_id: r.device_id,
          policy_id: r.id,
          policy_name: r.name,
          platform_name: r.platform_name,
          is_default: r.is_default === 1,
          settings_hash: hashOf(r.settings),
          modified_timestamp: r.modified_timestamp,
          real_time_functionality: this.settingsOf(r.platform_name as PolicyPlatform, r.settings).RealTimeFunctionality === true,
        });
      }
    }
    return out;
  }

  // ---- reading ----

  /** Policies that exist, in the order asked. */
  async get(ids: readonly string[]): Promise<ResponsePolicy[]> {
    return this.load(this.db, ids);
  }

  async query(q: PolicyQuery): Promise<PolicyPage> {
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const where = compileFilter(responsePolicyFqlSchema, q.filter);
    let base = this.db.selectFrom('response_policies');
    if (where) base = base.where(where);
    const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    const rows = await applySort(base.select('response_policies.id'), responsePolicyFqlSchema, q.sort, 'platform_name.asc,precedence.asc')
      .offset(offset)
      .limit(limit)
      .execute();
    return { ids: rows.map((r) => r.id), total: Number(total), offset, limit };
  }

  /** Hosts for which `policyId` is the effective policy, filtered, sorted and paged like a host query. */
  async members(policyId: string | undefined, q: HostQuery): Promise<HostPage> {
    if (!policyId) throw badRequest('id (response policy id) is required');
    const [policy] = await this.get([policyId]);
    if (!policy) throw notFound(`response policy not found: ${policyId}`);
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const where = compileFilter(hostQueryFqlSchema, q.filter);
    let base = this.db
      .selectFrom('hosts')
      .where('hosts.device_id', 'in', (eb) =>
        eb
          .selectFrom('hosts_effective_policy as e')
          .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
          .select('e.device_id')
          .where('s.policy_id', '=', policyId),
      );
    if (!q.includeHidden) base = base.where('hosts.hidden', '=', 0);
    if (where) base = base.where(where);
    const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    const rows = await applySort(base.select('hosts.device_id'), hostQueryFqlSchema, q.sort, 'device_id.asc').offset(offset).limit(limit).execute();
    return { ids: rows.map((r) => r.device_id), total: Number(total), offset, limit };
  }

  // ---- writing: one transaction per call, audited in it ----

  async create(inputs: readonly NewResponsePolicy[], actor: PolicyActor): Promise<ResponsePolicy[]> {
    const ids = await this.write(async (trx) => {
      const created: string[] = [];
      for (const input of inputs) {
        const platform = platformOf(input.platform_name);
        const name = checkName(input.name);
        await this.assertNameFree(trx, platform, name);
        let base = newPolicySettings(platform);
        let description = input.description ?? '';
        if (input.clone_id) {
          const source = await trx.selectFrom('response_policies').selectAll().where('id', '=', input.clone_id).executeTakeFirst();
          if (!source) throw notFound(`response policy to clone not found: ${input.clone_id}`);
          if (source.platform_name !== platform) {
            throw badRequest(`cannot clone ${source.platform_name} policy "${source.name}" into a ${platform} policy: the platforms' settings differ`);
          }
          base = normalizeSettings(platform, JSON.parse(source.settings));
          if (input.description === undefined) description = source.description;
        }
        const settings = applySettingWrites(platform, base, input.settings ?? [], name);
        const last = await trx
          .selectFrom('response_policies')
          .select((eb) => eb.fn.max('precedence').as('p'))
          .where('platform_name', '=', platform)
          .where('is_default', '=', 0)
          .executeTakeFirst();
        const now = nowIso();
        const row: PolicyRow = {
          id: newId(),
          platform_name: platform,
          name,
          name_key: name.toLowerCase(),
          description,
          // Created disabled, like the vendor's: a new policy decides nothing until enabled.
          enabled: 0,
          is_default: 0,
          // Lowest precedence above the default: a new policy never overrides existing ones.
          precedence: Number(last?.p ?? 0) + 1,
          settings: JSON.stringify(settings),
          created_by: actor.name,
          created_timestamp: now,
          modified_by: actor.name,
          modified_timestamp: now,
        };
        await trx.insertInto('response_policies').values(row).execute();
        await this.record(trx, actor, 'response_policy.create', row.id, undefined, snapshot(row, []), input.clone_id ? { clone_id: input.clone_id } : undefined);
        created.push(row.id);
      }
      return created;
    });
    return this.get(ids);
  }

  async update(updates: readonly ResponsePolicyUpdate[], actor: PolicyActor): Promise<ResponsePolicy[]> {
    const ids = await this.write(async (trx) => {
      for (const u of updates) {
        const before = await trx.selectFrom('response_policies').selectAll().where('id', '=', u.id).executeTakeFirst();
        if (!before) throw notFound(`response policy not found: ${u.id}`);
        const platform = before.platform_name as PolicyPlatform;
        const patch: Partial<PolicyRow> = { modified_by: actor.name, modified_timestamp: nowIso() };
        let name = before.name;
        if (u.name !== undefined && u.name !== before.name) {
          if (before.is_default) throw badRequest(`the ${platform} ${DEFAULT_POLICY_NAME} policy cannot be renamed`);
          name = checkName(u.name);
          if (name.toLowerCase() !== before.name_key) await this.assertNameFree(trx, platform, name);
          patch.name = name;
          patch.name_key = name.toLowerCase();
        }
        if (u.description !== undefined) patch.description = u.description;
        if (u.settings) {
          patch.settings = JSON.stringify(applySettingWrites(platform, normalizeSettings(platform, JSON.parse(before.settings)), u.settings, name));
        }
        await trx.updateTable('response_policies').set(patch).where('id', '=', u.id).execute();
        const groups = await this.groupIds(trx, u.id);
        await this.record(trx, actor, 'response_policy.update', u.id, snapshot(before, groups), snapshot({ ...before, ...patch }, groups));
      }
      return updates.map((u) => u.id);
    });
    return this.get(ids);
  }

  /** Delete policies: all or none. The vendor's rules: never a default, never an enabled one. */
  async delete(ids: readonly string[], actor: PolicyActor): Promise<string[]> {
    const unique = [...new Set(ids)];
    await this.write(async (trx) => {
      const rows = await this.rows(trx, unique);
      const missing = unique.filter((id) => !rows.some((r) => r.id === id));
      if (missing.length) throw notFound(`response policy not found: ${missing.join(', ')}`);
      for (const r of rows) {
        if (r.is_default) throw badRequest(`the ${r.platform_name} ${DEFAULT_POLICY_NAME} policy (id ${r.id}) cannot be deleted`);
        if (r.enabled) throw badRequest(`response policy "${r.name}" (id ${r.id}) is enabled: disable it before deleting it`);
      }
      const groups = new Map<string, string[]>();
      for (const r of rows) groups.set(r.id, await this.groupIds(trx, r.id));
      await trx.deleteFrom('response_policy_groups').where('policy_id', 'in', unique).execute();
      // Disabled policies decide for no host, but hosts' candidate sets still name them.
      await recomputeHostSets(trx, this.store.dialect, scopes.inSetsHolding(unique));
      await sql`delete from response_policy_sets where ${setScopes.holding(unique)}`.execute(trx);
      await trx.deleteFrom('response_policies').where('id', 'in', unique).execute();
      for (const platform of new Set(rows.map((r) => r.platform_name))) await this.renumber(trx, platform);
      for (const r of rows) await this.record(trx, actor, 'response_policy.delete', r.id, snapshot(r, groups.get(r.id) ?? []), undefined);
    });
    return unique;
  }

  async act(action: PolicyAction, ids: readonly string[], groupIds: readonly string[], actor: PolicyActor): Promise<ResponsePolicy[]> {
    const unique = [...new Set(ids)];
    await this.write(async (trx) => {
      const rows = await this.rows(trx, unique);
      const missing = unique.filter((id) => !rows.some((r) => r.id === id));
      if (missing.length) throw notFound(`response policy not found: ${missing.join(', ')}`);
      if (action === 'add-rule-group' || action === 'remove-rule-group') {
        // The vendor's action exists for every policy type; response policies have no rule
        // groups, so no rule group id can name one.
        if (!groupIds.length) throw badRequest(`action "${action}" needs action_parameters [{"name": "rule_group_id", "value": "<rule group id>"}]`);
        throw notFound(`rule group not found: ${[...new Set(groupIds)].join(', ')} (response policies have no rule groups)`);
      }
      const now = nowIso();
      if (action === 'enable' || action === 'disable') {
        const enabled = action === 'enable' ? 1 : 0;
        for (const r of rows) {
          if (r.is_default && !enabled) throw badRequest(`the ${r.platform_name} ${DEFAULT_POLICY_NAME} policy cannot be disabled: it decides for every host no other policy claims`);
          if (r.enabled === enabled) continue;
          await trx.updateTable('response_policies').set({ enabled, modified_by: actor.name, modified_timestamp: now }).where('id', '=', r.id).execute();
          await this.record(trx, actor, `response_policy.${action}`, r.id, { enabled: !!r.enabled }, { enabled: !!enabled });
        }
        await resolveSets(trx, setScopes.holding(unique));
        return;
      }
      const groups = [...new Set(groupIds)];
      if (!groups.length) throw badRequest(`action "${action}" needs action_parameters [{"name": "group_id", "value": "<host group id>"}]`);
      const known = await trx.selectFrom('host_groups').select('id').where('id', 'in', groups).execute();
      const unknown = groups.filter((g) => !known.some((k) => k.id === g));
      if (unknown.length) throw notFound(`host group not found: ${unknown.join(', ')}`);
      for (const r of rows) {
        if (r.is_default) {
          throw badRequest(`host groups cannot be attached to or detached from the ${r.platform_name} ${DEFAULT_POLICY_NAME} policy: it applies to every host no other policy claims`);
        }
        const before = await this.groupIds(trx, r.id);
        for (const g of groups) {
          const attached = before.includes(g);
          if (action === 'add-host-group' && attached) throw badRequest(`host group ${g} is already attached to response policy "${r.name}" (id ${r.id})`);
          if (action === 'remove-host-group' && !attached) throw badRequest(`host group ${g} is not attached to response policy "${r.name}" (id ${r.id})`);
        }
        if (action === 'add-host-group') {
          await trx.insertInto('response_policy_groups').values(groups.map((group_id) => ({ policy_id: r.id, group_id, attached_at: now }))).execute();
        } else {
          await trx.deleteFrom('response_policy_groups').where('policy_id', '=', r.id).where('group_id', 'in', groups).execute();
        }
        await trx.updateTable('response_policies').set({ modified_by: actor.name, modified_timestamp: now }).where('id', '=', r.id).execute();
        const after = action === 'add-host-group' ? [...before, ...groups] : before.filter((g) => !groups.includes(g));
        await this.record(trx, actor, `response_policy.${action}`, r.id, { groups: before }, { groups: after });
      }
      for (const platform of new Set(rows.map((r) => r.platform_name))) {
        await recomputeHostSets(trx, this.store.dialect, scopes.membersOf(groups, platform));
        await collectUnusedSets(trx, platform);
      }
    });
    return this.get(unique);
  }

  /**
   * Order a platform's policies: `ids` first = highest, and it must name every non-default policy
   * of the platform exactly once. Hosts' effective policies follow in the same transaction.
   */
  async setPrecedence(platformName: string, ids: readonly string[], actor: PolicyActor): Promise<string[]> {
    const platform = platformOf(platformName);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw badRequest(`response policy ${dup} appears more than once in the precedence list`);
    await this.write(async (trx) => {
      const named = await this.rows(trx, ids);
      const unknown = ids.filter((id) => !named.some((r) => r.id === id));
      if (unknown.length) throw notFound(`response policy not found: ${unknown.join(', ')}`);
      for (const r of named) {
        if (r.platform_name !== platform) {
          throw notFound(`response policy "${r.name}" (id ${r.id}) is a ${r.platform_name} policy: not found among the ${platform} policies`);
        }
        if (r.is_default) throw badRequest(`the ${platform} ${DEFAULT_POLICY_NAME} policy is always last: leave it out of the precedence list`);
      }
      const current = await trx
        .selectFrom('response_policies')
        .select(['id', 'name'])
        .where('platform_name', '=', platform)
        .where('is_default', '=', 0)
        .orderBy('precedence')
        .execute();
      const left = current.filter((r) => !ids.includes(r.id));
      if (left.length) {
        throw badRequest(
          `the precedence list must name every non-default ${platform} policy; missing: ${left.map((r) => `"${r.name}" (id ${r.id})`).join(', ')}`,
        );
      }
      if (ids.length) {
        const rank = sql.join(ids.map((id, i) => sql`when ${id} then ${sql.lit(i + 1)}`), sql` `);
        await sql`update response_policies set precedence = case id ${rank} end where id in (${sql.join(ids.map((id) => sql`${id}`))})`.execute(trx);
      }
      await resolveSets(trx, setScopes.platform(platform));
      await collectUnusedSets(trx, platform);
      await this.record(
        trx,
        actor,
        'response_policy.set_precedence',
        platform,
        { ids: current.map((r) => r.id) },
        { ids: [...ids] },
        undefined,
        'response_policy_precedence',
      );
    });
    return [...ids];
  }

  /** Recompute every host's candidate set from scratch (operators; benchmarks after bulk loads). */
  async rebuild(): Promise<void> {
    await this.write(async (trx) => {
      // Typically run after a bulk load, before autovacuum has looked at the new rows: without
      // statistics PostgreSQL plans the membership join as if the tables were nearly empty.
      if (this.store.dialect === 'postgres') await sql`analyze hosts, host_group_members, response_policy_groups, hosts_effective_policy`.execute(trx);
      await recomputeHostSets(trx, this.store.dialect, scopes.all());
      for (const p of PLATFORMS) await resolveSets(trx, setScopes.platform(p));
      await collectUnusedSets(trx);
    });
  }

  // ---- background: reacting to hosts and groups ----

  private inBackground(job: () => Promise<void>): Promise<void> {
    const run = this.background.then(job);
    this.background = run.catch((err) => {
      process.emitWarning(`response policy recomputation failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.background;
  }

  private async placeHosts(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.write(async (trx) => {
      for (let i = 0; i < ids.length; i += CHUNK) await recomputeHostSets(trx, this.store.dialect, scopes.ids(ids.slice(i, i + CHUNK)));
    });
  }

  private async groupMembersChanged(groupId: string, deviceIds: readonly string[]): Promise<void> {
    await this.write(async (trx) => {
      if (this.store.dialect === 'postgres') {
        // Some group writers announce changes before they commit: wait for the writer of this
        // group's row to finish, so the memberships read below are the new ones.
        await sql`select id from host_groups where id = ${groupId} for share`.execute(trx);
      }
      const attached = await trx.selectFrom('response_policy_groups').select('policy_id').where('group_id', '=', groupId).executeTakeFirst();
      if (!attached) return;
      for (let i = 0; i < deviceIds.length; i += CHUNK) await recomputeHostSets(trx, this.store.dialect, scopes.ids(deviceIds.slice(i, i + CHUNK)));
    });
  }

  private async groupDeleted(groupId: string): Promise<void> {
    await this.write((trx) => this.detachDeletedGroup(trx, groupId));
  }

  /** A deleted group's former members may lose policies: move them, then forget the attachments. */
  private async detachDeletedGroup(trx: Db, groupId: string): Promise<void> {
    const attached = await trx.selectFrom('response_policy_groups').select('policy_id').where('group_id', '=', groupId).execute();
    if (!attached.length) return;
    const policyIds = attached.map((a) => a.policy_id);
    await trx.deleteFrom('response_policy_groups').where('group_id', '=', groupId).execute();
    await recomputeHostSets(trx, this.store.dialect, scopes.inSetsHolding(policyIds));
    await collectUnusedSets(trx);
    for (const id of policyIds) {
      await this.record(trx, SYSTEM, 'response_policy.remove-host-group', id, { groups: [groupId] }, { groups: [] }, { reason: 'host group deleted' });
    }
  }

  // ---- helpers ----

  /** One transaction; on PostgreSQL all policy writers (every replica) take turns. */
  private write<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (this.store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${WRITE_LOCK_KEY}::bigint)`.execute(trx);
      return fn(trx);
    });
  }

  private async rows(db: Db, ids: readonly string[]): Promise<PolicyRow[]> {
    const out: PolicyRow[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      out.push(...(await db.selectFrom('response_policies').selectAll().where('id', 'in', ids.slice(i, i + CHUNK)).execute()));
    }
    return out;
  }

  private async groupIds(db: Db, policyId: string): Promise<string[]> {
    const rows = await db.selectFrom('response_policy_groups').select('group_id').where('policy_id', '=', policyId).orderBy('attached_at').orderBy('group_id').execute();
    return rows.map((r) => r.group_id);
  }

  private async load(db: Db, ids: readonly string[]): Promise<ResponsePolicy[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.rows(db, unique);
    const groups = new Map<string, HostGroup[]>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const attached = await db
        .selectFrom('response_policy_groups as a')
        .innerJoin('host_groups as g', 'g.id', 'a.group_id')
        .selectAll('g')
        .select('a.policy_id')
        .where('a.policy_id', 'in', unique.slice(i, i + CHUNK))
        .orderBy('a.attached_at')
        .orderBy('g.name')
        .execute();
      for (const { policy_id, ...g } of attached) {
        const list = groups.get(policy_id) ?? [];
        list.push(g as HostGroup);
        groups.set(policy_id, list);
      }
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    return unique
      .map((id) => byId.get(id))
      .filter((r): r is PolicyRow => !!r)
      .map((r) => {
        const platform = r.platform_name as PolicyPlatform;
        return {
          id: r.id,
          platform_name: platform,
          name: r.name,
          description: r.description,
          enabled: r.enabled === 1,
          is_default: r.is_default === 1,
          precedence: r.precedence,
          settings: normalizeSettings(platform, JSON.parse(r.settings)),
          groups: groups.get(r.id) ?? [],
          created_by: r.created_by,
          created_timestamp: r.created_timestamp,
          modified_by: r.modified_by,
          modified_timestamp: r.modified_timestamp,
        };
      });
  }

  private async assertNameFree(db: Db, platform: PolicyPlatform, name: string): Promise<void> {
    const clash = await db
      .selectFrom('response_policies')
      .select('id')
      .where('platform_name', '=', platform)
      .where('name_key', '=', name.toLowerCase())
      .executeTakeFirst();
    // The vendor answers a duplicate name with 400 (clients such as its Terraform provider expect that).
    if (clash) throw badRequest(`a ${platform} response policy named "${name}" already exists (id ${clash.id})`);
  }

  /** Keep a platform's precedences 1..n after deletions (the order is unchanged). */
  private async renumber(db: Db, platform: string): Promise<void> {
    const rows = await db.selectFrom('response_policies').select(['id', 'precedence']).where('platform_name', '=', platform).where('is_default', '=', 0).orderBy('precedence').execute();
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].precedence !== i + 1) await db.updateTable('response_policies').set({ precedence: i + 1 }).where('id', '=', rows[i].id).execute();
    }
  }

  private record(
    trx: Db,
    actor: PolicyActor,
    action: string,
    targetId: string,
    before: unknown,
    after: unknown,
    details?: Record<string, unknown>,
    targetType = 'response_policy',
  ): Promise<void> {
    return this.audit.record({ actor: actor.id, actor_name: actor.name, action, target_type: targetType, target_id: targetId, before, after, details }, trx);
  }
}

function platformOf(name: string): PolicyPlatform {
  const p = PLATFORMS.find((x) => x.toLowerCase() === String(name).toLowerCase());
  if (!p || !isPlatform(p)) throw badRequest(`platform_name must be one of ${PLATFORMS.join(', ')}, got "${name}"`);
  return p;
}

function checkName(raw: string): string {
  const name = raw.trim();
  if (!name) throw badRequest('name must not be empty');
  if (name.length > 255) throw badRequest('name must be at most 255 characters');
  if (name.toLowerCase() === DEFAULT_POLICY_NAME) throw badRequest(`"${DEFAULT_POLICY_NAME}" is reserved for each platform's default policy`);
  return name;
}

/** What the audit trail keeps of a policy. */
function snapshot(r: Pick<PolicyRow, 'name' | 'description' | 'platform_name' | 'enabled' | 'precedence' | 'settings'>, groups: string[]) {
  return {
    name: r.name,
    description: r.description,
    platform_name: r.platform_name,
    enabled: !!r.enabled,
    precedence: r.precedence === DEFAULT_PRECEDENCE ? 'last' : r.precedence,
    settings: JSON.parse(r.settings) as PolicySettings,
    groups,
  };
}

