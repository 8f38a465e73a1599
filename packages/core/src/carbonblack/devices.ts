import { sql, type Kysely, type Selectable } from 'kysely';
import { chunks, type Database, type HostsTable } from '../db/index.ts';
import { isOnline } from '../hosts/index.ts';
import { badRequest, ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';

/** A host as the Carbon Black dialect sees it: its row, presence, and whether live response is disabled. */
export interface CbDevice {
  host: Selectable<HostsTable>;
  online: boolean;
  live_response_disabled: boolean;
}

export interface CbDeviceSearch {
  query?: string;
  criteria?: Record<string, unknown>;
  exclusions?: Record<string, unknown>;
  rows?: number;
  start?: number;
  sort?: { field: string; order?: string }[];
}

/** The vendor's `os` values and the platform names hosts carry. */
export const CB_OS: Record<string, string> = { Windows: 'WINDOWS', Linux: 'LINUX', Mac: 'MAC' };
const PLATFORM_OF_OS: Record<string, string> = { WINDOWS: 'Windows', LINUX: 'Linux', MAC: 'Mac' };
const SORTABLE: Record<string, 'cb_device_id' | 'hostname' | 'last_seen' | 'platform_name' | 'os_version'> = {
  id: 'cb_device_id', name: 'hostname', last_contact_time: 'last_seen', os: 'platform_name', os_version: 'os_version',
};
const CRITERIA = new Set(['id', 'os', 'status', 'name', 'last_contact_time']);
const RANGE = /^-(\d{1,6})([smhdwy])$/;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, y: 365 * 86400e3 };

const notFound = (id: string | number) => new ServiceError('not_found', `device ${String(id).slice(0, 32)} not found`);

/** Numeric device ids, the Platform device search, and disabling live response for good. */
export class CbDevices {
  constructor(private readonly db: Kysely<Database>) {}

  /** A device by its numeric id; a non-numeric or unknown id is a 404. */
  async get(cbDeviceId: string | number): Promise<CbDevice> {
    const n = typeof cbDeviceId === 'number' ? cbDeviceId : /^\d{1,15}$/.test(cbDeviceId) ? Number(cbDeviceId) : NaN;
    if (!Number.isSafeInteger(n)) throw notFound(cbDeviceId);
    const host = await this.db.selectFrom('hosts').selectAll().where('cb_device_id', '=', n).where('hidden', '=', 0).executeTakeFirst();
    if (!host) throw notFound(cbDeviceId);
    return (await this.withState([host]))[0];
  }

  async isDisabled(deviceId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('cb_disabled_devices').select('device_id').where('device_id', '=', deviceId).executeTakeFirst());
  }

  /** Record devices as disabled (idempotent); the caller closes their sessions. */
  async disable(deviceIds: readonly string[], by: string): Promise<void> {
    const now = nowIso();
    for (const device_id of new Set(deviceIds)) {
      await this.db.insertInto('cb_disabled_devices').values({ device_id, disabled_at: now, disabled_by: by }).onConflict((oc) => oc.column('device_id').doNothing()).execute();
    }
  }

  async search(s: CbDeviceSearch): Promise<{ devices: CbDevice[]; num_found: number }> {
    let q = this.db.selectFrom('hosts').where('hidden', '=', 0);
    q = this.applyCriteria(q, s.criteria ?? {}, false);
    q = this.applyCriteria(q, s.exclusions ?? {}, true);
    for (const word of (s.query ?? '').split(/\s+/).filter(Boolean).slice(0, 16)) {
      const like = `%${word.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([sql<boolean>`${eb.ref('hostname')} like ${like} escape '\\'`, sql<boolean>`${eb.ref('local_ip')} like ${like} escape '\\'`, sql<boolean>`${eb.ref('external_ip')} like ${like} escape '\\'`, sql<boolean>`${eb.ref('os_version')} like ${like} escape '\\'`]));
    }
    const [{ n }] = await q.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    let rows = q.selectAll();
    for (const { field, order } of s.sort ?? []) {
      const col = SORTABLE[field];
      if (!col) throw badRequest(`cannot sort by "${field.slice(0, 64)}"; sortable fields: ${Object.keys(SORTABLE).join(', ')}`);
      const dir = (order ?? 'ASC').toUpperCase();
      if (dir !== 'ASC' && dir !== 'DESC') throw badRequest(`sort order must be ASC or DESC, not "${order!.slice(0, 16)}"`);
      rows = rows.orderBy(col, dir === 'ASC' ? 'asc' : 'desc');
    }
    // `start` is 1-based (0 means the first row too); rows 0 means the default of 10.
    const offset = Math.max(0, (s.start ?? 1) - 1);
    const hosts = await rows.orderBy('cb_device_id').offset(offset).limit(s.rows || 10).execute();
    return { devices: await this.withState(hosts), num_found: Number(n) };
  }

  private applyCriteria<Q extends { where: (...a: any[]) => Q }>(q: Q, c: Record<string, unknown>, exclude: boolean): Q {
    for (const [field, value] of Object.entries(c)) {
      if (!CRITERIA.has(field)) throw badRequest(`criteria field "${field.slice(0, 64)}" is not supported; supported: ${[...CRITERIA].join(', ')}`);
      if (field === 'last_contact_time') {
        const { start, end, range } = value as { start?: string; end?: string; range?: string };
        const bounds = range !== undefined ? rangeBounds(range) : { start, end };
        for (const [k, v] of Object.entries(bounds)) if (v !== undefined && Number.isNaN(Date.parse(v))) throw badRequest(`last_contact_time.${k} is not a time: "${String(v).slice(0, 64)}"`);
        const from = bounds.start ? new Date(bounds.start).toISOString() : undefined;
        const to = bounds.end ? new Date(bounds.end).toISOString() : undefined;
        if (exclude) q = q.where((eb: any) => eb.not(eb.and([...(from ? [eb('last_seen', '>=', from)] : []), ...(to ? [eb('last_seen', '<=', to)] : [])])));
        else {
          if (from) q = q.where('last_seen', '>=', from);
          if (to) q = q.where('last_seen', '<=', to);
        }
        continue;
      }
      if (!Array.isArray(value) || value.length === 0) throw badRequest(`criteria.${field} must be a non-empty list`);
      const op = exclude ? 'not in' : 'in';
      if (field === 'id') q = q.where('cb_device_id', op, value.map(Number));
      else if (field === 'name') q = q.where('hostname', op, value.map(String));
      else if (field === 'os') q = q.where('platform_name', op, value.map((v) => PLATFORM_OF_OS[String(v).toUpperCase()] ?? '\u0000'));
      else if (field === 'status') {
        const wanted = new Set(value.map((v) => String(v).toUpperCase()));
        // Every listed device is registered (hidden ones are not listed at all).
        if (!wanted.has('ALL') && wanted.has('REGISTERED') === exclude) q = q.where(sql<boolean>`1 = 0`);
      }
    }
    return q;
  }

  private async withState(hosts: Selectable<HostsTable>[]): Promise<CbDevice[]> {
    const ids = hosts.map((h) => h.device_id);
    const disabled = new Set<string>();
    for (const chunk of chunks(ids)) {
      const rows = await this.db.selectFrom('cb_disabled_devices').select('device_id').where('device_id', 'in', chunk).execute();
      for (const r of rows) disabled.add(r.device_id);
    }
    return hosts.map((host) => ({ host, online: isOnline(host), live_response_disabled: disabled.has(host.device_id) }));
  }
}

function rangeBounds(range: string): { start?: string; end?: string } {
  const m = RANGE.exec(range);
  if (!m) throw badRequest(`last_contact_time.range must look like -2w, -3d or -12h, not "${range.slice(0, 16)}"`);
  return { start: new Date(Date.now() - Number(m[1]) * UNIT_MS[m[2]]).toISOString() };
}
