import type { Kysely, Selectable } from 'kysely';
import { chunks, type Database } from '../db/index.ts';
import { isOnline } from '../hosts/index.ts';
import type { RtrCommandsTable, RtrFilesTable, RtrSessionsTable } from './tables.ts';
import type { RtrCommandEntry, RtrFile, RtrSession } from './index.ts';
import { platformOf, type Platform } from '../platform.ts';

/** Row ↔ record conversions and the chunked lookups every part of the service shares. */

/** Rows per multi-row INSERT (each row binds up to ~17 values). */
export const INSERT_CHUNK = 200;

export function toSession(r: Selectable<RtrSessionsTable> | RtrSessionsTable): RtrSession {
  return {
    ...r,
    batch_id: r.batch_id,
    queue_offline: !!r.queue_offline,
    offline_queued: !!r.offline_queued,
    platform: r.platform as Platform,
  };
}

export function toEntry(r: Selectable<RtrCommandsTable> | RtrCommandsTable): RtrCommandEntry {
  return { ...r, chain: r.chain ? JSON.parse(r.chain) : null };
}

export function toFile(r: Selectable<RtrFilesTable>): RtrFile {
  return { ...r, size: Number(r.size), status: r.status as RtrFile['status'] };
}

/** Where a new session starts: the root of the host's file system. */
export function initialPwd(platform: Platform): string {
  return platform === 'windows' ? 'C:\\' : '/';
}

export interface HostFacts {
  device_id: string;
  platform: Platform;
  hostname: string;
  online: boolean;
}

/** Platform, name and presence of many hosts: one query per chunk of ids. */
export async function hostFacts(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, HostFacts>> {
  const out = new Map<string, HostFacts>();
  for (const chunk of chunks([...new Set(ids)])) {
    const rows = await db.selectFrom('hosts').select(['device_id', 'platform_name', 'hostname', 'online', 'last_seen']).where('device_id', 'in', chunk).execute();
    for (const r of rows) out.set(r.device_id, { device_id: r.device_id, platform: platformOf(r.platform_name), hostname: r.hostname, online: isOnline(r) });
  }
  return out;
}
