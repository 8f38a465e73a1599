import { sql } from 'kysely';
import { badRequest, notFound } from '../util/errors.ts';
import { newId, nowIso } from '../util/ids.ts';
import { collectUnusedSets, recomputeHostSets, resolveSets, scopes, setScopes } from './candidate-sets.ts';
import { actorName, type Actor } from '../actor.ts';
import type { NewResponsePolicy, PolicyAction, ResponsePolicy, ResponsePolicyUpdate } from './index.ts';
import { checkName, platformOf, snapshot, type PolicyRecords, type PolicyRow } from './policy-records.ts';
import { PLATFORM_NAMES, type PlatformName } from '../platform.ts';
import { applySettingWrites, DEFAULT_POLICY_NAME, newPolicySettings, normalizeSettings } from './settings.ts';

/** Policy changes: one transaction per call under the write lock, audited in it; hosts' effective policies follow in the same transaction. */
export class PolicyWrites {
  constructor(private readonly records: PolicyRecords) {}

  async create(inputs: readonly NewResponsePolicy[], actor: Actor): Promise<ResponsePolicy[]> {
    const ids = await this.records.write(async (trx) => {
      const created: string[] = [];
      for (const input of inputs) {
        const platform = platformOf(input.platform_name);
        const name = checkName(input.name);
        await this.records.assertNameFree(trx, platform, name);
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
          created_by: actorName(actor),
          created_timestamp: now,
          modified_by: actorName(actor),
          modified_timestamp: now,
        };
        await trx.insertInto('response_policies').values(row).execute();
        await this.records.record(trx, actor, 'response_policy.create', row.id, undefined, snapshot(row, []), input.clone_id ? { clone_id: input.clone_id } : undefined);
        created.push(row.id);
      }
      return created;
    });
    return this.records.load(this.records.db, ids);
  }

  async update(updates: readonly ResponsePolicyUpdate[], actor: Actor): Promise<ResponsePolicy[]> {
    const ids = await this.records.write(async (trx) => {
      for (const u of updates) {
        const before = await trx.selectFrom('response_policies').selectAll().where('id', '=', u.id).executeTakeFirst();
        if (!before) throw notFound(`response policy not found: ${u.id}`);
        const platform = before.platform_name as PlatformName;
        const patch: Partial<PolicyRow> = { modified_by: actorName(actor), modified_timestamp: nowIso() };
        let name = before.name;
        if (u.name !== undefined && u.name !== before.name) {
          if (before.is_default) throw badRequest(`the ${platform} ${DEFAULT_POLICY_NAME} policy cannot be renamed`);
          name = checkName(u.name);
          if (name.toLowerCase() !== before.name_key) await this.records.assertNameFree(trx, platform, name);
          patch.name = name;
          patch.name_key = name.toLowerCase();
        }
        if (u.description !== undefined) patch.description = u.description;
        if (u.settings) {
          patch.settings = JSON.stringify(applySettingWrites(platform, normalizeSettings(platform, JSON.parse(before.settings)), u.settings, name));
        }
        await trx.updateTable('response_policies').set(patch).where('id', '=', u.id).execute();
        const groups = await this.records.groupIds(trx, u.id);
        await this.records.record(trx, actor, 'response_policy.update', u.id, snapshot(before, groups), snapshot({ ...before, ...patch }, groups));
      }
      return updates.map((u) => u.id);
    });
    return this.records.load(this.records.db, ids);
  }

  /** Delete policies: all or none. The vendor's rules: never a default, never an enabled one. */
  async delete(ids: readonly string[], actor: Actor): Promise<string[]> {
    const unique = [...new Set(ids)];
    await this.records.write(async (trx) => {
      const rows = await this.records.rows(trx, unique);
      const missing = unique.filter((id) => !rows.some((r) => r.id === id));
      if (missing.length) throw notFound(`response policy not found: ${missing.join(', ')}`);
      for (const r of rows) {
        if (r.is_default) throw badRequest(`the ${r.platform_name} ${DEFAULT_POLICY_NAME} policy (id ${r.id}) cannot be deleted`);
        if (r.enabled) throw badRequest(`response policy "${r.name}" (id ${r.id}) is enabled: disable it before deleting it`);
      }
      const groups = new Map<string, string[]>();
      for (const r of rows) groups.set(r.id, await this.records.groupIds(trx, r.id));
      await trx.deleteFrom('response_policy_groups').where('policy_id', 'in', unique).execute();
      // Disabled policies decide for no host, but hosts' candidate sets still name them.
      await recomputeHostSets(trx, this.records.adapter, scopes.inSetsHolding(unique));
      await sql`delete from response_policy_sets where ${setScopes.holding(unique)}`.execute(trx);
      await trx.deleteFrom('response_policies').where('id', 'in', unique).execute();
      for (const platform of new Set(rows.map((r) => r.platform_name))) await this.records.renumber(trx, platform);
      for (const r of rows) await this.records.record(trx, actor, 'response_policy.delete', r.id, snapshot(r, groups.get(r.id) ?? []), undefined);
    });
    return unique;
  }

  async act(action: PolicyAction, ids: readonly string[], groupIds: readonly string[], actor: Actor): Promise<ResponsePolicy[]> {
    const unique = [...new Set(ids)];
    await this.records.write(async (trx) => {
      const rows = await this.records.rows(trx, unique);
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
          await trx.updateTable('response_policies').set({ enabled, modified_by: actorName(actor), modified_timestamp: now }).where('id', '=', r.id).execute();
          await this.records.record(trx, actor, `response_policy.${action}`, r.id, { enabled: !!r.enabled }, { enabled: !!enabled });
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
        const before = await this.records.groupIds(trx, r.id);
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
        await trx.updateTable('response_policies').set({ modified_by: actorName(actor), modified_timestamp: now }).where('id', '=', r.id).execute();
        const after = action === 'add-host-group' ? [...before, ...groups] : before.filter((g) => !groups.includes(g));
        await this.records.record(trx, actor, `response_policy.${action}`, r.id, { groups: before }, { groups: after });
      }
      for (const platform of new Set(rows.map((r) => r.platform_name))) {
        await recomputeHostSets(trx, this.records.adapter, scopes.membersOf(groups, platform));
        await collectUnusedSets(trx, platform);
      }
    });
    return this.records.load(this.records.db, unique);
  }

  /**
   * Order a platform's policies: `ids` first = highest, and it must name every non-default policy
   * of the platform exactly once. Hosts' effective policies follow in the same transaction.
   */
  async setPrecedence(platformName: string, ids: readonly string[], actor: Actor): Promise<string[]> {
    const platform = platformOf(platformName);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw badRequest(`response policy ${dup} appears more than once in the precedence list`);
    await this.records.write(async (trx) => {
      const named = await this.records.rows(trx, ids);
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
      await this.records.record(
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
    await this.records.write(async (trx) => {
      // Typically run after a bulk load, before autovacuum has looked at the new rows: without
      // statistics PostgreSQL plans the membership join as if the tables were nearly empty.
      await this.records.adapter.analyze(trx, ['hosts', 'host_group_members', 'response_policy_groups', 'hosts_effective_policy']);
      await recomputeHostSets(trx, this.records.adapter, scopes.all());
      for (const p of PLATFORM_NAMES) await resolveSets(trx, setScopes.platform(p));
      await collectUnusedSets(trx);
    });
  }
}
