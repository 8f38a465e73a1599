import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { openTestStore } from '../testing/db.ts';
import type { Store } from '../db/index.ts';
import { AggregationEngine } from '../aggregations/index.ts';
import { IdentitySensors, identitySensorFqlSchema } from './sensors.ts';

/** A sensor's status follows its host's connection whenever a read shows, filters, sorts or aggregates it. */
describe('IdentitySensors status', () => {
  let store: Store;
  let db: Kysely<any>;
  let sensors: IdentitySensors;
  const now = '2024-01-02T10:00:00.000Z';
  const setOnline = (device_id: string, online: number) => db.updateTable('hosts').set({ online }).where('device_id', '=', device_id).execute();
  const stored = async () => Object.fromEntries((await db.selectFrom('identity_sensors').select(['device_id', 'status']).execute()).map((r) => [r.device_id, r.status]));

  beforeAll(async () => {
    store = await openTestStore();
    db = store.db as unknown as Kysely<any>;
    sensors = new IdentitySensors(store.db);
    for (const [i, device_id] of ['s1', 's2', 's3'].entries()) {
      await db.insertInto('hosts').values({ device_id, hostname: device_id, platform_name: 'Linux', os_version: '', online: 1, last_seen: now, first_seen: now, modified_timestamp: now, cb_device_id: i + 1 }).execute();
      await db
        .insertInto('identity_sensors')
        .values({ device_id, hostname: device_id, local_ip: '', machine_domain: '', os_version: '', platform_name: 'Linux', agent_version: '1', sensor_kind: 'LOCAL_ACCOUNTS', status: 'PROTECTED', first_seen: now, heartbeat_time: now, users_reported: 0, events_reported: 0 })
        .execute();
    }
  });
  afterAll(() => store.close());

  it('is brought up to date for the sensors shown, and for reads that filter or aggregate on it', async () => {
    await setOnline('s1', 0);
    await setOnline('s2', 0);
    // Neither a listing that does not name the status nor an aggregation of other fields writes anything.
    expect((await sensors.query({ sort: 'hostname|asc' })).ids).toEqual(['s1', 's2', 's3']);
    await sensors.prepareAggregation([{ field: 'platform_name', type: 'terms' }]);
    expect(await stored()).toEqual({ s1: 'PROTECTED', s2: 'PROTECTED', s3: 'PROTECTED' });
    // Details of s1 bring s1 up to date (only it).
    expect((await sensors.get(['s1']))[0].status).toBe('DISCONNECTED');
    expect(await stored()).toEqual({ s1: 'DISCONNECTED', s2: 'PROTECTED', s3: 'PROTECTED' });
    // A filter on the status sees every sensor as it is now.
    expect((await sensors.query({ filter: "status:'DISCONNECTED'" })).ids).toEqual(['s1', 's2']);
    await setOnline('s1', 1);
    const requests = [{ name: 's', field: 'status', type: 'terms' }];
    await sensors.prepareAggregation(requests);
    const [result] = await new AggregationEngine(store.db, store.adapter).run(identitySensorFqlSchema, requests);
    expect(result.buckets.map((b) => [b.label, b.count])).toEqual([['PROTECTED', 2], ['DISCONNECTED', 1]]);
  });
});
