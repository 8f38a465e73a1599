import type { Kysely, Selectable } from 'kysely';
import type { AuditService } from '../audit/index.ts';
import { chunks, type Database, type DialectAdapter } from '../db/index.ts';
import type { HostGroup } from '../hostgroups/index.ts';
import { badRequest } from '../util/errors.ts';
import type { Actor } from '../actor.ts';
import type { ResponsePolicy } from './index.ts';
import { isPlatformName, PLATFORM_NAMES, type PlatformName } from '../platform.ts';
import { DEFAULT_POLICY_NAME, DEFAULT_PRECEDENCE, normalizeSettings, type PolicySettings } from './settings.ts';
import type { ResponsePoliciesTable } from './tables.ts';

export type Db = Kysely<Database>;
export type PolicyRow = Selectable<ResponsePoliciesTable>;

/** Transaction lock key serialising policy writes and effective-policy recomputation across replicas. */
const WRITE_LOCK_KEY = 0x72_69_70_6f_73;

/** The policy tables as the other parts of the service read and write them: one locked transaction, rows, audit. */
export class PolicyRecords {
  constructor(
    readonly db: Db,
    readonly adapter: DialectAdapter,
    private readonly audit: AuditService,
  ) {}

  /** One transaction; on PostgreSQL all policy writers (every replica) take turns. */
  write<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await this.adapter.lockTransaction(trx, WRITE_LOCK_KEY);
      return fn(trx);
    });
  }

  async rows(db: Db, ids: readonly string[]): Promise<PolicyRow[]> {
    const out: PolicyRow[] = [];
    for (const chunk of chunks(ids)) {
      out.push(...(await db.selectFrom('response_policies').selectAll().where('id', 'in', chunk).execute()));
    }
    return out;
  }

  async groupIds(db: Db, policyId: string): Promise<string[]> {
    const rows = await db.selectFrom('response_policy_groups').select('group_id').where('policy_id', '=', policyId).orderBy('attached_at').orderBy('group_id').execute();
    return rows.map((r) => r.group_id);
  }

  async load(db: Db, ids: readonly string[]): Promise<ResponsePolicy[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.rows(db, unique);
    const groups = new Map<string, HostGroup[]>();
    for (const chunk of chunks(unique)) {
      const attached = await db
        .selectFrom('response_policy_groups as a')
        .innerJoin('host_groups as g', 'g.id', 'a.group_id')
        .selectAll('g')
        .select('a.policy_id')
        .where('a.policy_id', 'in', chunk)
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
        const platform = r.platform_name as PlatformName;
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

  async assertNameFree(db: Db, platform: PlatformName, name: string): Promise<void> {
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
  async renumber(db: Db, platform: string): Promise<void> {
    const rows = await db.selectFrom('response_policies').select(['id', 'precedence']).where('platform_name', '=', platform).where('is_default', '=', 0).orderBy('precedence').execute();
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].precedence !== i + 1) await db.updateTable('response_policies').set({ precedence: i + 1 }).where('id', '=', rows[i].id).execute();
    }
  }

  record(
    trx: Db,
    actor: Actor,
    action: string,
    targetId: string,
    before: unknown,
    after: unknown,
    details?: Record<string, unknown>,
    targetType = 'response_policy',
  ): Promise<void> {
    return this.audit.record({ actor, action, target_type: targetType, target_id: targetId, before, after, details }, trx);
  }
}

export function platformOf(name: string): PlatformName {
  const p = PLATFORM_NAMES.find((x) => x.toLowerCase() === String(name).toLowerCase());
  if (!p || !isPlatformName(p)) throw badRequest(`platform_name must be one of ${PLATFORM_NAMES.join(', ')}, got "${name}"`);
  return p;
}

export function checkName(raw: string): string {
  const name = raw.trim();
  if (!name) throw badRequest('name must not be empty');
  if (name.length > 255) throw badRequest('name must be at most 255 characters');
  if (name.toLowerCase() === DEFAULT_POLICY_NAME) throw badRequest(`"${DEFAULT_POLICY_NAME}" is reserved for each platform's default policy`);
  return name;
}

/** What the audit trail keeps of a policy. */
export function snapshot(r: Pick<PolicyRow, 'name' | 'description' | 'platform_name' | 'enabled' | 'precedence' | 'settings'>, groups: string[]) {
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

