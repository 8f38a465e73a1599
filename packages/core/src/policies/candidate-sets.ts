import crypto from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { chunks, type Database, type DialectAdapter } from '../db/index.ts';

/**
 * How hosts reach their effective policy, kept in the database so that every replica sees the
 * same answer and a check is one indexed read.
 *
 * A host's *candidate set* is the set of its platform's non-default policies attached to any of
 * its groups; `hosts_effective_policy` holds it per host. A set's `policy_id` is its first
 * enabled member in precedence order, else the platform default. So:
 *   - memberships and attachments move hosts between sets (recomputeHostSets, over just the hosts
 *     concerned);
 *   - precedence and enable/disable only re-resolve sets (resolveSets: one UPDATE over a table
 *     whose size is the number of distinct combinations, not the number of hosts).
 * Every function here runs inside the caller's transaction, after it took the policy write lock.
 */

type Db = Kysely<Database>;

/** A set's id is derived from its content, so equal sets are one row wherever they are computed. */
export function candidateSetId(platform: string, policyIds: readonly string[]): string {
  return crypto.createHash('sha256').update(`${platform}|${[...policyIds].sort().join(',')}`).digest('hex').slice(0, 32);
}

/** Which hosts a recomputation covers: an SQL condition over `hosts h`. */
export type HostScope = RawBuilder<unknown>;

export const scopes = {
  ids: (ids: readonly string[]): HostScope => sql`h.device_id in (${sql.join(ids.map((id) => sql`${id}`))})`,
  all: (): HostScope => sql`1 = 1`,
  /** Members of these groups on one platform (a group attached to or detached from a policy). */
  membersOf: (groupIds: readonly string[], platform: string): HostScope =>
    sql`h.platform_name = ${platform} and h.device_id in (select m.device_id from host_group_members m where m.group_id in (${sql.join(
      groupIds.map((id) => sql`${id}`),
    )}))`,
  /** Hosts whose current set holds one of these policies. */
  inSetsHolding: (policyIds: readonly string[]): HostScope =>
    sql`h.device_id in (select e.device_id from hosts_effective_policy e join response_policy_set_items i on i.set_id = e.set_id where i.policy_id in (${sql.join(
      policyIds.map((id) => sql`${id}`),
    )}))`,
  /** Hosts that have no row yet (inserted by a path that bypassed the host service). */
  unplaced: (): HostScope => sql`not exists (select 1 from hosts_effective_policy e where e.device_id = h.device_id)`,
};

/**
 * Recompute the candidate set of every host in `scope` from current memberships and attachments,
 * and write the hosts whose set changed. Answers the device ids that moved.
 */
export async function recomputeHostSets(db: Db, adapter: DialectAdapter, scope: HostScope): Promise<string[]> {
  const hosts = await sql<{ device_id: string; platform_name: string; set_id: string | null; current_platform: string | null }>`
    select h.device_id, h.platform_name, e.set_id, e.platform_name as current_platform
    from hosts h left join hosts_effective_policy e on e.device_id = h.device_id
    where ${scope}
  `.execute(db);
  if (!hosts.rows.length) return [];
  // CROSS JOIN fixes SQLite's join order (PostgreSQL plans it as an inner join): from the hosts in
  // scope to their memberships to the policies attached, every step an index lookup. Left to
  // itself, SQLite may start from the attachments and scan every host of the platform for each.
  const candidates = await sql<{ device_id: string; policy_id: string }>`
    select distinct h.device_id, g.policy_id
    from hosts h
    cross join host_group_members m
    cross join response_policy_groups g
    cross join response_policies p
    where m.device_id = h.device_id and g.group_id = m.group_id and p.id = g.policy_id
      and p.platform_name = h.platform_name and p.is_default = 0 and ${scope}
  `.execute(db);
  const byHost = new Map<string, string[]>();
  for (const c of candidates.rows) {
    const list = byHost.get(c.device_id);
    if (list) list.push(c.policy_id);
    else byHost.set(c.device_id, [c.policy_id]);
  }

  const wanted = new Map<string, { platform: string; policies: string[] }>();
  const moves: { device_id: string; platform_name: string; set_id: string }[] = [];
  // Hosts share few distinct sets: hash each once.
  const ids = new Map<string, string>();
  for (const h of hosts.rows) {
    const policies = (byHost.get(h.device_id) ?? []).sort();
    const key = `${h.platform_name}|${policies.join(',')}`;
    let setId = ids.get(key);
    if (!setId) ids.set(key, (setId = candidateSetId(h.platform_name, policies)));
    if (!wanted.has(setId)) wanted.set(setId, { platform: h.platform_name, policies });
    if (h.set_id !== setId || h.current_platform !== h.platform_name) moves.push({ device_id: h.device_id, platform_name: h.platform_name, set_id: setId });
  }
  if (!moves.length) return [];

  await ensureSets(db, [...new Set(moves.map((m) => m.set_id))].map((id) => ({ id, ...wanted.get(id)! })));
  await adapter.bulkUpsert(db, {
    table: 'hosts_effective_policy',
    columns: { device_id: 'text', platform_name: 'text', set_id: 'text' },
    key: ['device_id'],
    rows: moves.map((m) => [m.device_id, m.platform_name, m.set_id]),
  });
  return moves.map((m) => m.device_id);
}

/** Create the sets that do not exist yet, with their members, and resolve them. */
async function ensureSets(db: Db, sets: { id: string; platform: string; policies: string[] }[]): Promise<void> {
  const existing = new Set<string>();
  for (const chunk of chunks(sets)) {
    const rows = await db.selectFrom('response_policy_sets').select('id').where('id', 'in', chunk.map((s) => s.id)).execute();
    for (const r of rows) existing.add(r.id);
  }
  const missing = sets.filter((s) => !existing.has(s.id));
  if (!missing.length) return;
  const defaults = new Map(
    (await db.selectFrom('response_policies').select(['id', 'platform_name']).where('is_default', '=', 1).execute()).map((r) => [r.platform_name, r.id]),
  );
  for (const chunk of chunks(missing)) {
    await db
      .insertInto('response_policy_sets')
      .values(chunk.map((s) => ({ id: s.id, platform_name: s.platform, policy_id: defaults.get(s.platform)! })))
      .execute();
  }
  const items = missing.flatMap((s) => s.policies.map((policy_id) => ({ set_id: s.id, policy_id })));
  for (const chunk of chunks(items)) await db.insertInto('response_policy_set_items').values(chunk).execute();
  for (const chunk of chunks(missing)) await resolveSets(db, setScopes.ids(chunk.map((s) => s.id)));
}

/** Which sets a resolution covers: an SQL condition over `response_policy_sets`. */
export type SetScope = RawBuilder<unknown>;

export const setScopes = {
  ids: (ids: readonly string[]): SetScope => sql`response_policy_sets.id in (${sql.join(ids.map((id) => sql`${id}`))})`,
  platform: (platform: string): SetScope => sql`response_policy_sets.platform_name = ${platform}`,
  holding: (policyIds: readonly string[]): SetScope =>
    sql`response_policy_sets.id in (select i.set_id from response_policy_set_items i where i.policy_id in (${sql.join(policyIds.map((id) => sql`${id}`))}))`,
};

/**
 * Set each set's effective policy: its first enabled member by precedence, else the platform
 * default. Set-based; only rows whose answer changes are written.
 */
export async function resolveSets(db: Db, scope: SetScope): Promise<number> {
  const best = sql`coalesce(
    (select p.id from response_policy_set_items i join response_policies p on p.id = i.policy_id
      where i.set_id = response_policy_sets.id and p.enabled = 1
      order by p.precedence, p.id limit 1),
    (select d.id from response_policies d where d.platform_name = response_policy_sets.platform_name and d.is_default = 1))`;
  const r = await sql`update response_policy_sets set policy_id = ${best} where ${scope} and policy_id <> ${best}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Drop sets no host is in any more (the empty set of each platform always stays). */
export async function collectUnusedSets(db: Db, platform?: string): Promise<void> {
  const keep = ['Windows', 'Mac', 'Linux'].map((p) => candidateSetId(p, []));
  await sql`
    delete from response_policy_sets
    where id not in (${sql.join(keep.map((id) => sql`${id}`))})
      ${platform ? sql`and platform_name = ${platform}` : sql``}
      and not exists (select 1 from hosts_effective_policy e where e.set_id = response_policy_sets.id)
  `.execute(db);
}
