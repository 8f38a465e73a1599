import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../db/index.ts';
import { applySort, compileFilter, type FqlField, type FqlSchema } from '../fql/index.ts';
import { chunked } from './chunks.ts';

const exact: FqlField = { type: 'string', caseInsensitive: false };

/** Properties a sensor filter, sort or aggregation may name (the vendor's sensor field names). */
export const identitySensorFqlSchema: FqlSchema = {
  table: 'identity_sensors',
  key: 'device_id',
  fields: {
    device_id: exact,
    aid: { ...exact, column: 'device_id' },
    ...Object.fromEntries(['hostname', 'local_ip', 'machine_domain', 'os_version', 'platform_name', 'agent_version', 'status', 'sensor_kind'].map((name) => [name, { type: 'string' }])),
    first_seen: { type: 'date' },
    heartbeat_time: { type: 'date' },
    users_reported: { type: 'number' },
    events_reported: { type: 'number' },
  },
};

export type IdentitySensor = Database['identity_sensors'];

export class IdentitySensors {
  constructor(private readonly db: Kysely<Database>) {}

  /** A sensor is PROTECTED while its agent holds a connection, DISCONNECTED otherwise (read from the host registry). */
  private async syncStatus(): Promise<void> {
    const connected = sql<SqlBool>`exists (select 1 from hosts where hosts.device_id = identity_sensors.device_id and hosts.online = 1)`;
    // One lookup a sensor, and only the sensors whose status is wrong are written (usually none).
    await this.db
      .updateTable('identity_sensors')
      .set({ status: sql<string>`case when status = 'PROTECTED' then 'DISCONNECTED' else 'PROTECTED' end` })
      .where(sql<SqlBool>`(status = 'PROTECTED') <> ${connected}`)
      .execute();
  }

  async query(q: { filter?: string; sort?: string; offset?: number; limit?: number }): Promise<{ ids: string[]; total: number; offset: number; limit: number }> {
    await this.syncStatus();
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const where = compileFilter(identitySensorFqlSchema, q.filter);
    let base = this.db.selectFrom('identity_sensors');
    if (where) base = base.where(where);
    const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    const rows = await applySort(base.select('identity_sensors.device_id'), identitySensorFqlSchema, q.sort, 'hostname|asc').offset(offset).limit(limit).execute();
    return { ids: rows.map((r) => r.device_id), total: Number(total), offset, limit };
  }

  async get(ids: readonly string[]): Promise<IdentitySensor[]> {
    await this.syncStatus();
    const out: IdentitySensor[] = [];
    await chunked([...new Set(ids)], async (chunk) => void out.push(...(await this.db.selectFrom('identity_sensors').selectAll().where('device_id', 'in', chunk).execute())));
    return out;
  }

  /** Before aggregating: the status property is current. */
  async prepareAggregation(): Promise<void> {
    await this.syncStatus();
  }
}
