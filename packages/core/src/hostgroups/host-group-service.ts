import { sql, type Kysely, type Selectable } from 'kysely';
import { actorName, type Actor } from '../actor.ts';
import { chunks, type Database, type HostGroupsTable } from '../db/index.ts';
import { compileFilter, FqlError, queryIds, type IdPage, type PageQuery } from '../fql/index.ts';
import { hostFqlSchema, hostQueryFqlSchema, type HostService, type HostPage, type HostQuery } from '../hosts/index.ts';
import type { EventBus } from '../events.ts';
import { badRequest, conflict, notFound, ServiceError } from '../util/errors.ts';
import { newId, nowIso } from '../util/ids.ts';
import { hostGroupFqlSchema } from './fql-schema.ts';

export type GroupType = 'static' | 'dynamic' | 'staticByID';

export type HostGroup = Selectable<HostGroupsTable> & { group_type: GroupType };

export interface NewHostGroup {
  name: string;
  group_type: GroupType;
  description?: string;
  assignment_rule?: string;
}

export interface HostGroupUpdate {
  id: string;
  name?: string;
  description?: string;
  assignment_rule?: string | null;
}

type Tx = Kysely<Database>;

type MembershipChange = { group_id: string; device_ids: string[] };

export class HostGroupService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly hosts: HostService,
    private readonly events: EventBus,
  ) {}

  /** Re-evaluate dynamic groups when hosts change (createCore calls this, in its hook order). */
  subscribe(): void {
    this.hosts.onChange((ids) => this.reevaluateHosts(ids));
  }

  /** Create groups in one transaction: all or none. */
  async create(groups: NewHostGroup[], actor: Actor): Promise<HostGroup[]> {
    const now = nowIso();
    const rows = groups.map((g) => {
      const name = g.name.trim();
      if (!name) throw badRequest('name must not be empty');
      const rule = g.assignment_rule?.trim() ?? '';
      if (g.group_type === 'dynamic') validateRule(rule);
      else if (rule) throw badRequest(`assignment_rule is only for dynamic groups ("${name}" is ${g.group_type})`);
      return {
        id: newId(),
        name,
        name_key: name.toLowerCase(),
        description: g.description ?? '',
        group_type: g.group_type,
        assignment_rule: rule,
        created_by: actorName(actor),
        created_timestamp: now,
        modified_by: actorName(actor),
        modified_timestamp: now,
      };
    });
    const keys = rows.map((r) => r.name_key);
    const changes: MembershipChange[] = [];
    if (new Set(keys).size !== keys.length) throw conflict('duplicate group names in request');
    await this.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('host_groups').select('name').where('name_key', 'in', keys).execute();
      if (taken.length) throw conflict(`a host group named "${taken[0].name}" already exists`);
      await trx.insertInto('host_groups').values(rows).execute();
      for (const r of rows) if (r.group_type === 'dynamic') changes.push(await this.recomputeGroup(trx, r.id, r.assignment_rule));
    });
    await this.announce(changes);
    return this.get(rows.map((r) => r.id));
  }

  async update(updates: HostGroupUpdate[], actor: Actor): Promise<HostGroup[]> {
    const now = nowIso();
    const changes: MembershipChange[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const u of updates) {
        const current = await trx.selectFrom('host_groups').selectAll().where('id', '=', u.id).executeTakeFirst();
        if (!current) throw notFound(`host group ${u.id} not found`);
        const patch: Partial<HostGroupsTable> = { modified_by: actorName(actor), modified_timestamp: now };
        if (u.name !== undefined) {
          const name = u.name.trim();
          if (!name) throw badRequest('name must not be empty');
          const clash = await trx
            .selectFrom('host_groups')
            .select('id')
            .where('name_key', '=', name.toLowerCase())
            .where('id', '!=', u.id)
            .executeTakeFirst();
          if (clash) throw conflict(`a host group named "${name}" already exists`);
          patch.name = name;
          patch.name_key = name.toLowerCase();
        }
        if (u.description !== undefined) patch.description = u.description;
        if (u.assignment_rule !== undefined) {
          const rule = (u.assignment_rule ?? '').trim();
          if (current.group_type !== 'dynamic') {
            if (rule) throw badRequest(`assignment_rule is only for dynamic groups (${u.id} is ${current.group_type})`);
          } else {
            validateRule(rule);
            patch.assignment_rule = rule;
          }
        }
        await trx.updateTable('host_groups').set(patch).where('id', '=', u.id).execute();
        if (current.group_type === 'dynamic' && patch.assignment_rule !== undefined && patch.assignment_rule !== current.assignment_rule) {
          changes.push(await this.recomputeGroup(trx, u.id, patch.assignment_rule));
        }
      }
    });
    await this.announce(changes);
    return this.get(updates.map((u) => u.id));
  }

  /** Delete groups; answers which ids existed. */
  async delete(ids: readonly string[]): Promise<{ deleted: string[]; missing: string[] }> {
    const found = (await this.get(ids)).map((g) => g.id);
    if (found.length) {
      await this.db.transaction().execute(async (trx) => {
        const members = await trx.selectFrom('host_group_members').select('device_id').where('group_id', 'in', found).execute();
        await this.hosts.bumpRevision([...new Set(members.map((m) => m.device_id))], trx);
        await trx.deleteFrom('host_group_members').where('group_id', 'in', found).execute();
        await trx.deleteFrom('host_groups').where('id', 'in', found).execute();
      });
      for (const id of found) await this.events.emit('group.deleted', { group_id: id });
    }
    return { deleted: found, missing: ids.filter((id) => !found.includes(id)) };
  }

  async get(ids: readonly string[]): Promise<HostGroup[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.db.selectFrom('host_groups').selectAll().where('id', 'in', unique).execute();
    const byId = new Map(rows.map((r) => [r.id, r as HostGroup]));
    return unique.map((id) => byId.get(id)).filter((g): g is HostGroup => !!g);
  }

  async query(q: PageQuery): Promise<IdPage> {
    return queryIds(this.db.selectFrom('host_groups'), hostGroupFqlSchema, q, 'name.asc');
  }

  /** Members of a group, filtered and paged like a host query. */
  async members(groupId: string | undefined, q: HostQuery): Promise<HostPage> {
    if (!groupId) throw badRequest('id (host group id) is required');
    const [group] = await this.get([groupId]);
    if (!group) throw notFound(`host group ${groupId} not found`);
    return this.hosts.query(q, { groupId });
  }

  /**
   * Add or remove the hosts an FQL filter selects. Only static groups take hand-picked members;
   * dynamic groups follow their rule.
   */
  /**
   * Add the hosts an FQL filter matches to static groups, remove them, or (`remove-all`, no
   * filter) empty the groups.
   */
  async changeMembers(action: 'add-hosts' | 'remove-hosts' | 'remove-all', groupIds: readonly string[], filter: string, actor: Actor): Promise<HostGroup[]> {
    if (action !== 'remove-all' && !filter.trim()) throw badRequest('action parameter "filter" must not be empty');
    const groups = await this.get(groupIds);
    const missing = groupIds.filter((id) => !groups.some((g) => g.id === id));
    if (missing.length) throw notFound(`host group(s) not found: ${missing.join(', ')}`);
    const dynamic = groups.find((g) => g.group_type === 'dynamic');
    if (dynamic) throw badRequest(`host group ${dynamic.id} is dynamic: its members follow its assignment_rule`);
    let where;
    try {
      where = action === 'remove-all' ? undefined : compileFilter(hostQueryFqlSchema, filter)!;
    } catch (e) {
      if (e instanceof FqlError) throw new ServiceError('bad_input', `invalid filter action parameter: ${e.message}`);
      throw e;
    }
    const now = nowIso();
    const changed = new Map<string, string[]>();
    await this.db.transaction().execute(async (trx) => {
      const matched = where ? (await trx.selectFrom('hosts').select('hosts.device_id').where(where).execute()).map((h) => h.device_id) : [];
      for (const g of groups) {
        const ids = where
          ? matched
          : (await trx.selectFrom('host_group_members').select('device_id').where('group_id', '=', g.id).execute()).map((m) => m.device_id);
        if (action === 'add-hosts') {
          for (const chunk of chunks(ids)) {
            if (!chunk.length) continue;
            await trx
              .insertInto('host_group_members')
              .values(chunk.map((device_id) => ({ group_id: g.id, device_id })))
              .onConflict((oc) => oc.doNothing())
              .execute();
          }
        } else {
          for (const chunk of chunks(ids)) {
            await trx.deleteFrom('host_group_members').where('group_id', '=', g.id).where('device_id', 'in', chunk).execute();
          }
        }
        await trx.updateTable('host_groups').set({ modified_by: actorName(actor), modified_timestamp: now }).where('id', '=', g.id).execute();
        await this.hosts.bumpRevision(ids, trx);
        changed.set(g.id, ids);
      }
    });
    await this.announce([...changed].map(([group_id, device_ids]) => ({ group_id, device_ids })));
    return this.get(groupIds);
  }

  /** Re-evaluate every dynamic group for these hosts (after they registered or changed). */
  async reevaluateHosts(deviceIds: readonly string[]): Promise<void> {
    if (!deviceIds.length) return;
    const dynamic = await this.db.selectFrom('host_groups').select(['id', 'assignment_rule']).where('group_type', '=', 'dynamic').execute();
    for (const g of dynamic) {
      const where = safeRule(g.assignment_rule);
      const changed: string[] = [];
      await this.db.transaction().execute(async (trx) => {
        for (const chunk of chunks(deviceIds)) {
          const matching = where
            ? new Set((await trx.selectFrom('hosts').select('hosts.device_id').where('hosts.device_id', 'in', chunk).where(where).execute()).map((r) => r.device_id))
            : new Set<string>();
          const current = new Set(
            (await trx.selectFrom('host_group_members').select('device_id').where('group_id', '=', g.id).where('device_id', 'in', chunk).execute()).map((r) => r.device_id),
          );
          const add = [...matching].filter((id) => !current.has(id));
          const remove = [...current].filter((id) => !matching.has(id));
          if (add.length) await trx.insertInto('host_group_members').values(add.map((device_id) => ({ group_id: g.id, device_id }))).onConflict((oc) => oc.doNothing()).execute();
          if (remove.length) await trx.deleteFrom('host_group_members').where('group_id', '=', g.id).where('device_id', 'in', remove).execute();
          changed.push(...add, ...remove);
          await this.hosts.bumpRevision([...add, ...remove], trx);
        }
      });
      await this.announce([{ group_id: g.id, device_ids: changed }]);
    }
  }

  /** Replace a dynamic group's members with the hosts its rule matches now. */
  /** Membership changes are announced (and their listeners awaited) once they are committed. */
  private async announce(changes: MembershipChange[]): Promise<void> {
    for (const c of changes) if (c.device_ids.length) await this.events.emit('group.members.changed', c);
  }

  private async recomputeGroup(trx: Tx, groupId: string, rule: string): Promise<MembershipChange> {
    const before = new Set((await trx.selectFrom('host_group_members').select('device_id').where('group_id', '=', groupId).execute()).map((r) => r.device_id));
    await trx.deleteFrom('host_group_members').where('group_id', '=', groupId).execute();
    const where = safeRule(rule);
    if (where) {
      await trx
        .insertInto('host_group_members')
        .columns(['group_id', 'device_id'])
        .expression((eb) => eb.selectFrom('hosts').select([sql<string>`${groupId}`.as('group_id'), 'hosts.device_id']).where(where))
        .execute();
    }
    const after = new Set((await trx.selectFrom('host_group_members').select('device_id').where('group_id', '=', groupId).execute()).map((r) => r.device_id));
    const changed = [...after].filter((id) => !before.has(id)).concat([...before].filter((id) => !after.has(id)));
    await this.hosts.bumpRevision(changed, trx);
    return { group_id: groupId, device_ids: changed };
  }
}

function validateRule(rule: string): void {
  if (!rule) throw badRequest('dynamic groups need an assignment_rule (an FQL filter over hosts)');
  try {
    compileFilter(hostFqlSchema, rule);
  } catch (e) {
    if (e instanceof FqlError) throw new ServiceError('bad_input', `invalid assignment_rule: ${e.message}`);
    throw e;
  }
}

/** A stored rule was validated when saved; an empty one matches nothing. */
function safeRule(rule: string) {
  return rule.trim() ? compileFilter(hostFqlSchema, rule) : undefined;
}
