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

  /**
   * A sensor is PROTECTED while its agent holds a connection, DISCONNECTED otherwise (read from the
   * host registry): brought up to date before a read that shows, filters, sorts or aggregates it.
   * One lookup a sensor, and only the sensors whose status is wrong are written (usually none).
   */
  private async syncStatus(ids?: readonly string[]): Promise<void> {
    const connected = sql<SqlBool>`exists (select 1 from hosts where hosts.device_id = identity_sensors.device_id and hosts.online = 1)`;
    let update = this.db
      .updateTable('identity_sensors')
      .set({ status: sql<string>`case when status = 'PROTECTED' then 'DISCONNECTED' else 'PROTECTED' end` })
      .where(sql<SqlBool>`(status = 'PROTECTED') <> ${connected}`);
    if (ids) update = update.where('device_id', 'in', ids);
    await update.execute();
  }

  async query(q: { filter?: string; sort?: string; offset?: number; limit?: number }): Promise<{ ids: string[]; total: number; offset: number; limit: number }> {
    if (mentionsStatus(q.filter) || mentionsStatus(q.sort)) await this.syncStatus();
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
    const out: IdentitySensor[] = [];
    await chunked([...new Set(ids)], async (chunk) => {
      await this.syncStatus(chunk);
      out.push(...(await this.db.selectFrom('identity_sensors').selectAll().where('device_id', 'in', chunk).execute()));
    });
    return out;
  }

  /** Before aggregating: the status property is current if any of the requests names it. */
  async prepareAggregation(requests: unknown): Promise<void> {
    if (mentionsStatus(JSON.stringify(requests))) await this.syncStatus();
  }
}

/** Whether a filter, sort or request text may name the status property (any mention counts). */
function mentionsStatus(text: string | undefined): boolean {
  return !!text && text.toLowerCase().includes('status');
}
