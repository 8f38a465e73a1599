import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FalconClient } from 'crowdstrike-falcon';
import { startTestServer, type TestServer } from './support/server.ts';
import { seedHosts } from './support/hosts.ts';

/** The vendor's own JavaScript SDK, pointed at riposte through its fetchApi option. */
export function falconClient(t: TestServer, creds?: { clientId: string; clientSecret: string }): FalconClient {
  return new FalconClient({
    cloud: 'us-1',
    clientId: creds?.clientId ?? t.clientId,
    clientSecret: creds?.clientSecret ?? t.clientSecret,
    fetchApi: (input: any, init?: any) => fetch(String(input).replace('https://api.crowdstrike.com', t.url), init),
  });
}

describe('official JS SDK (crowdstrike-falcon) against riposte', () => {
  let t: TestServer;
  let client: FalconClient;
  beforeAll(async () => {
    t = await startTestServer();
    await seedHosts(t.server.core, 9);
    client = falconClient(t);
  });
  afterAll(() => t.close());

  it('gets a token and queries devices and their details', async () => {
    const ids = await client.hosts.queryDevicesByFilter(0, 5, 'hostname.asc', "platform_name:'Linux'");
    expect(ids.resources).toHaveLength(3);
    expect(ids.meta.pagination?.total).toBe(3);
    const details = await client.hosts.getDeviceDetailsV2(ids.resources);
    expect(details.resources.map((d) => d.deviceId)).toEqual(ids.resources);
    expect(details.resources[0]).toMatchObject({ platformName: 'Linux', hostname: 'host-0001', cid: t.server.core.cid });
    const posted = await client.hosts.postDeviceDetailsV2({ ids: ids.resources });
    expect(posted.resources).toHaveLength(3);
    const combined = await client.hosts.combinedDevicesByFilter(undefined, 2, undefined, "platform_name:'Mac'", 'hostname');
    expect(combined.resources).toHaveLength(2);
    const online = await client.hosts.getOnlineStateV1(ids.resources);
    expect(online.resources.every((s) => s.state === 'offline')).toBe(true);
  });

  it('drives host groups end to end', async () => {
    const created = await client.hostGroup.createHostGroups({
      resources: [
        { name: 'sdk dynamic', groupType: 'dynamic', assignmentRule: "platform_name:'Windows'", description: 'from the SDK' },
        { name: 'sdk static', groupType: 'static' },
      ],
    } as any);
    const [dyn, stat] = created.resources;
    expect(dyn.groupType).toBe('dynamic');
    expect(dyn.createdTimestamp).toBeInstanceOf(Date);
    const members = await client.hostGroup.queryGroupMembers(dyn.id, undefined, 0, 100);
    expect(members.resources).toHaveLength(3);
    const win = await client.hosts.queryDevicesByFilter(0, 1, 'hostname.asc', "platform_name:'Windows'");
    await client.hostGroup.performGroupAction('add-hosts', { ids: [stat.id], actionParameters: [{ name: 'filter', value: `device_id:'${win.resources[0]}'` }] } as any);
    const statMembers = await client.hostGroup.queryCombinedGroupMembers(stat.id);
    expect(statMembers.resources.map((d) => d.deviceId)).toEqual([win.resources[0]]);
    const q = await client.hostGroup.queryHostGroups("name:'sdk static'");
    expect(q.resources).toEqual([stat.id]);
    const combined = await client.hostGroup.queryCombinedHostGroups(undefined, 0, 10, 'name.asc' as any);
    expect(combined.resources.map((g) => g.name)).toEqual(['sdk dynamic', 'sdk static']);
    const updated = await client.hostGroup.updateHostGroups({ resources: [{ id: stat.id, description: 'changed' }] } as any);
    expect(updated.resources[0].description).toBe('changed');
    await client.hostGroup.deleteHostGroups([stat.id]);
    const got = await client.hostGroup.getHostGroups([dyn.id]);
    expect(got.resources[0].name).toBe('sdk dynamic');
  });

  it('surfaces a 403 from bad credentials as an SDK error', async () => {
    const bad = falconClient(t, { clientId: t.clientId, clientSecret: 'wrong' });
    await expect(bad.hosts.queryDevicesByFilter()).rejects.toBeTruthy();
  });
});
