import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/index.ts';
import { chunked } from './chunks.ts';
import type { EntityColumn, EntityRow } from './entities.ts';
import { accountKey, hostKey, identityId } from './ids.ts';
import type { IdentityReport, SensorHost } from './types.ts';

type Users = NonNullable<IdentityReport['users']>;
type Groups = NonNullable<IdentityReport['groups']>;
type Endpoints = NonNullable<IdentityReport['endpoints']>;

/** Where one report's entities come from: the domain, the sensor, the clock and the kind of directory. */
export interface DirectorySource {
  domain: string;
  host: SensorHost;
  now: string;
  /** ACTIVE_DIRECTORY (a domain controller's directory) | LOCAL (a host's own accounts). */
  dataSource: string;
}

/** What a new entity holds before its directory fills it in; risk is computed later. */
function entityRow(src: DirectorySource, type: 'USER' | 'ENDPOINT', nameKey: string, fields: Partial<EntityRow> & Pick<EntityRow, 'sam_account_name' | 'primary_display_name' | 'secondary_display_name'>): EntityRow {
  return {
    entity_id: identityId(type, src.domain, nameKey),
    type,
    domain: src.domain,
    name_key: nameKey,
    email: null, ou: null, department: null,
    enabled: 1, privileged: 0, service_account: 0, builtin_admin: 0,
    password_last_set: null, password_never_expires: 0, last_logon: null,
    created_at: src.now, updated_at: src.now,
    host_name: null, last_ip: null, os_name: null, agent_id: null,
    source_device_id: src.host.device_id,
    data_source: src.dataSource,
    watched: 0, archived: 0,
    risk_score: 0, risk_severity: 'NORMAL', risk_factors: '[]',
    ...fields,
  };
}

/** Each named column set to the value the insert proposed (`excluded.<column>`). */
function proposed<C extends EntityColumn>(columns: readonly C[]): { [K in C]: RawBuilder<EntityRow[K]> } {
  return Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)])) as { [K in C]: RawBuilder<EntityRow[K]> };
}

/** Inserts entities, or updates what the directory says of the ones already known. */
async function upsertEntities(db: Kysely<Database>, rows: EntityRow[], update: Partial<{ [K in EntityColumn]: RawBuilder<EntityRow[K]> }>): Promise<void> {
  await chunked(rows, async (chunk) => void (await db.insertInto('identity_entities').values(chunk).onConflict((oc) => oc.column('entity_id').doUpdateSet(update)).execute()), 200);
}

export async function upsertGroups(db: Kysely<Database>, domain: string, groups: Groups): Promise<void> {
  const rows = groups.map((g) => ({ group_id: identityId('GROUP', domain, g.name.toLowerCase()), domain, name_key: g.name.toLowerCase(), name: g.name, privileged: g.privileged ? 1 : 0 }));
  await chunked(rows, async (chunk) => {
    await db.insertInto('identity_groups').values(chunk).onConflict((oc) => oc.column('group_id').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), privileged: eb.ref('excluded.privileged') }))).execute();
  });
}

/** Users as the directory lists them now, with their group memberships; their entity ids. */
export async function upsertUsers(db: Kysely<Database>, src: DirectorySource, users: Users): Promise<string[]> {
  const rows = users.map((u) =>
    entityRow(src, 'USER', accountKey(u.sam_account_name), {
      sam_account_name: u.sam_account_name,
      primary_display_name: u.display_name || u.sam_account_name,
      secondary_display_name: `${src.domain}\\${u.sam_account_name}`,
      email: u.email ?? null,
      ou: u.ou ?? null,
      department: u.department ?? null,
      enabled: u.enabled ? 1 : 0,
      privileged: u.privileged ? 1 : 0,
      service_account: u.service_account ? 1 : 0,
      builtin_admin: u.builtin_admin ? 1 : 0,
      password_last_set: u.password_last_set ?? null,
      password_never_expires: u.password_never_expires ? 1 : 0,
      last_logon: u.last_logon ?? null,
      created_at: u.created ?? src.now,
      archived: u.enabled ? 0 : 1,
    }),
  );
  await upsertEntities(db, rows, {
    ...proposed([
      'primary_display_name', 'sam_account_name', 'secondary_display_name', 'email', 'ou', 'department', 'enabled', 'privileged',
      'service_account', 'builtin_admin', 'password_last_set', 'password_never_expires', 'archived', 'updated_at', 'source_device_id',
    ]),
    // A directory's own last-logon is kept unless the timeline knows a later one.
    last_logon: sql<string | null>`case when identity_entities.last_logon is null or excluded.last_logon > identity_entities.last_logon then excluded.last_logon else identity_entities.last_logon end`,
  });
  const ids = rows.map((r) => r.entity_id);
  await replaceMemberships(db, src.domain, ids, users.map((u) => u.groups));
  return ids;
}

/** A user's groups are replaced by the ones the directory lists now; groups not reported yet are created. */
async function replaceMemberships(db: Kysely<Database>, domain: string, ids: string[], groupsOf: string[][]): Promise<void> {
  await chunked(ids, async (chunk) => void (await db.deleteFrom('identity_group_members').where('entity_id', 'in', chunk).execute()));
  const members = groupsOf.flatMap((names, i) => names.map((name) => ({ group_id: identityId('GROUP', domain, name.toLowerCase()), entity_id: ids[i], name })));
  const known = new Set<string>();
  await chunked([...new Set(members.map((m) => m.group_id))], async (chunk) => {
    for (const r of await db.selectFrom('identity_groups').select('group_id').where('group_id', 'in', chunk).execute()) known.add(r.group_id);
  });
  const missing = new Map(members.filter((m) => !known.has(m.group_id)).map((m) => [m.group_id, m.name]));
  if (missing.size) await upsertGroups(db, domain, [...missing.values()].map((name) => ({ name, privileged: false })));
  await chunked(members.map(({ group_id, entity_id }) => ({ group_id, entity_id })), async (chunk) => {
    await db.insertInto('identity_group_members').values(chunk).onConflict((oc) => oc.columns(['group_id', 'entity_id']).doNothing()).execute();
  });
}

export async function upsertEndpoints(db: Kysely<Database>, src: DirectorySource, endpoints: Endpoints): Promise<void> {
  const rows = endpoints.map((e) => {
    const account = `${e.host_name.split('.')[0].toUpperCase()}$`;
    return entityRow(src, 'ENDPOINT', hostKey(e.host_name), {
      sam_account_name: account,
      primary_display_name: e.host_name,
      secondary_display_name: `${src.domain}\\${account}`,
      host_name: e.host_name,
      last_ip: e.ip ?? null,
      os_name: e.os ?? null,
      agent_id: e.agent_id ?? null,
    });
  });
  await upsertEntities(db, rows, {
    ...proposed(['host_name', 'last_ip', 'os_name', 'updated_at']),
    agent_id: sql<string | null>`coalesce(excluded.agent_id, identity_entities.agent_id)`,
  });
}
