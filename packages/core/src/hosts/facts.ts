import type { Kysely, Selectable } from 'kysely';
import type { Database, HostsTable } from '../db/index.ts';
import { badRequest } from '../util/errors.ts';
import { PLATFORM_NAMES } from '../platform.ts';
import type { HostFacts, LoginEvent } from './index.ts';

/** What agents report about hosts, checked and written: the row's facts, tags, logins and address history. */

export const FACT_COLUMNS = [
  'hostname', 'platform_name', 'os_version', 'os_product_name', 'os_build', 'kernel_version', 'major_version',
  'minor_version', 'product_type_desc', 'local_ip', 'external_ip', 'connection_ip', 'mac_address',
  'connection_mac_address', 'default_gateway_ip', 'machine_domain', 'agent_version', 'system_manufacturer',
  'system_product_name', 'serial_number', 'cpu_vendor', 'bios_manufacturer', 'bios_version', 'pointer_size',
  'chassis_type', 'chassis_type_desc', 'product_type', 'last_reboot', 'host_utc_offset', 'ou', 'site_name',
] as const;

/** A new host's facts before its agent reports them. */
export const EMPTY_FACTS = Object.fromEntries(FACT_COLUMNS.map((c) => [c, ''])) as Record<(typeof FACT_COLUMNS)[number], string>;

/** What a host tag may be, whoever sets it (API clients, agents): letters, digits, `_ - / : .`, at most 256. */
export function isValidTag(tag: string): boolean {
  return /^[A-Za-z0-9_\-/:.]{1,256}$/.test(tag);
}

export function validateFacts(f: HostFacts): void {
  if (!f.hostname || f.hostname.length > 255) throw badRequest('hostname must be 1-255 characters');
  if (!PLATFORM_NAMES.includes(f.platform_name)) throw badRequest(`platform_name must be one of ${PLATFORM_NAMES.join(', ')}`);
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

export function pickFacts(f: HostFacts): Partial<Record<(typeof FACT_COLUMNS)[number], string>> {
  const out: Partial<Record<(typeof FACT_COLUMNS)[number], string>> = {};
  for (const c of FACT_COLUMNS) if (f[c] !== undefined) out[c] = f[c] as string;
  return out;
}

/**
 * A host's row takes reported facts (and, for a connecting agent, the online flag); answers
 * whether something that host groups may depend on changed. Only real changes bump the revision.
 */
export async function writeFacts(trx: Kysely<Database>, current: Selectable<HostsTable>, facts: HostFacts, now: string, online: boolean): Promise<boolean> {
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
export async function recordSideFacts(trx: Kysely<Database>, device_id: string, f: HostFacts, now: string): Promise<void> {
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
