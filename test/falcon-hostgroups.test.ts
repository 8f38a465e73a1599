import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord } from '@riposte/core';
import type { TestServer } from './support/server.ts';
import { seedHosts, startServerWithHosts } from './support/hosts.ts';

describe('Falcon HostGroup collection', () => {
  let t: TestServer;
  let token: string;
  let hosts: HostRecord[];
  beforeAll(async () => {
    ({ t, token, hosts } = await startServerWithHosts(12));
  });
  afterAll(() => t.close());

  const create = (resources: unknown[]) => t.api('POST', '/devices/entities/host-groups/v1', { token, json: { resources } });
  const members = async (id: string) => (await t.api('GET', `/devices/queries/host-group-members/v1?id=${id}&limit=5000`, { token })).body.resources.sort();

  it('creates static and dynamic groups; dynamic members follow the assignment rule', async () => {
    const res = await create([
      { name: 'Linux fleet', group_type: 'dynamic', description: 'all linux', assignment_rule: "platform_name:'Linux'" },
      { name: 'Case 42', group_type: 'static' },
    ]);
    expect(res.status).toBe(201);
    const [dyn, stat] = res.body.resources;
    expect(dyn).toMatchObject({ name: 'Linux fleet', group_type: 'dynamic', assignment_rule: "platform_name:'Linux'", created_by: 'bootstrap' });
    expect(stat).toMatchObject({ name: 'Case 42', group_type: 'static' });
    expect(dyn.id).toMatch(/^[0-9a-f]{32}$/);
    expect(await members(dyn.id)).toEqual(hosts.filter((h) => h.platform_name === 'Linux').map((h) => h.device_id).sort());
    expect(await members(stat.id)).toEqual([]);

    // A host whose facts change moves in and out of the dynamic group.
    const win = hosts[0];
    await t.server.core.hosts.updateFacts(win.device_id, { hostname: win.hostname, platform_name: 'Linux' });
    expect(await members(dyn.id)).toContain(win.device_id);
    const detail = await t.api('GET', `/devices/entities/devices/v2?ids=${win.device_id}`, { token });
    expect(detail.body.resources[0].groups).toEqual([dyn.id]);
    await t.server.core.hosts.updateFacts(win.device_id, { hostname: win.hostname, platform_name: 'Windows' });
    expect(await members(dyn.id)).not.toContain(win.device_id);

    // A new host lands in the group at registration.
    const [fresh] = await seedHosts(t.server.core, 1, () => ({ hostname: 'late-linux', platform_name: 'Linux' }));
    expect(await members(dyn.id)).toContain(fresh.device_id);

    // Changing the rule recomputes membership.
    const upd = await t.api('PATCH', '/devices/entities/host-groups/v1', { token, json: { resources: [{ id: dyn.id, assignment_rule: "hostname:'late-linux'" }] } });
    expect(upd.status).toBe(200);
    expect(await members(dyn.id)).toEqual([fresh.device_id]);
  });

  it('adds and removes hosts of static groups by FQL filter, and refuses it for dynamic groups', async () => {
    const [g] = (await create([{ name: 'Responders', group_type: 'static' }])).body.resources;
    const pick = hosts.slice(0, 3).map((h) => h.device_id);
    const filter = `device_id:[${pick.map((id) => `'${id}'`).join(',')}]`;
    const add = await t.api('POST', '/devices/entities/host-group-actions/v1?action_name=add-hosts', {
      token,
      json: { ids: [g.id], action_parameters: [{ name: 'filter', value: filter }] },
    });
    expect(add.status).toBe(200);
    expect(add.body.resources[0].id).toBe(g.id);
    expect(await members(g.id)).toEqual([...pick].sort());
    const combined = await t.api('GET', `/devices/combined/host-group-members/v1?id=${g.id}&sort=hostname.asc`, { token });
    expect(combined.body.resources.map((d: any) => d.device_id)).toEqual(pick);
    expect(combined.body.meta.pagination.total).toBe(3);

    const rm = await t.api('POST', `/devices/entities/group-actions/v1?action_name=remove_group_member&ids=${g.id}`, {
      token,
      json: { action_parameters: [{ name: 'filter', value: `device_id:'${pick[0]}'` }] },
    });
    expect(rm.status).toBe(200);
    expect(rm.body.resources[0].cid).toBe(t.server.core.cid);
    expect(await members(g.id)).toEqual(pick.slice(1).sort());
    const oldSpelling = await t.api('POST', `/devices/entities/group-actions/v1?action_name=remove-hosts&ids=${g.id}`, {
      token,
      json: { action_parameters: [{ name: 'filter', value: `device_id:'${pick[1]}'` }] },
    });
    expect(oldSpelling.status).toBe(400);
    const addBack = await t.api('POST', `/devices/entities/group-actions/v1?action_name=add_group_member&ids=${g.id}`, {
      token,
      json: { action_parameters: [{ name: 'filter', value: `device_id:'${pick[0]}'` }] },
    });
    expect(addBack.status).toBe(200);
    expect(await members(g.id)).toEqual([...pick].sort());
    const needsFilter = await t.api('POST', `/devices/entities/group-actions/v1?action_name=add_group_member&ids=${g.id}`, { token, json: {} });
    expect(needsFilter.status).toBe(400);
    const [other] = (await create([{ name: 'Emptied', group_type: 'static' }])).body.resources;
    await t.api('POST', `/devices/entities/group-actions/v1?action_name=add_group_member&ids=${other.id}`, {
      token,
      json: { action_parameters: [{ name: 'filter', value: filter }] },
    });
    const all = await t.api('POST', `/devices/entities/group-actions/v1?action_name=remove_all&ids=${other.id}`, { token, json: {} });
    expect(all.status).toBe(200);
    expect(await members(other.id)).toEqual([]);
    expect(await members(g.id)).toEqual([...pick].sort());
    const unknownGroup = await t.api('POST', `/devices/entities/group-actions/v1?action_name=remove_all&ids=${'0'.repeat(32)}`, { token, json: {} });
    expect(unknownGroup.status).toBe(404);
    await t.api('POST', `/devices/entities/group-actions/v1?action_name=remove_group_member&ids=${g.id}`, {
      token,
      json: { action_parameters: [{ name: 'filter', value: `device_id:'${pick[0]}'` }] },
    });

    const [dyn] = (await create([{ name: 'Macs', group_type: 'dynamic', assignment_rule: "platform_name:'Mac'" }])).body.resources;
    const refused = await t.api('POST', '/devices/entities/host-group-actions/v1?action_name=add-hosts', {
      token,
      json: { ids: [dyn.id], action_parameters: [{ name: 'filter', value: filter }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toMatch(/dynamic/);
    const noFilter = await t.api('POST', '/devices/entities/host-group-actions/v1?action_name=add-hosts', {
      token,
      json: { ids: [g.id], action_parameters: [{ name: 'other', value: 'x' }] },
    });
    expect(noFilter.status).toBe(400);
    const badFilter = await t.api('POST', '/devices/entities/host-group-actions/v1?action_name=add-hosts', {
      token,
      json: { ids: [g.id], action_parameters: [{ name: 'filter', value: 'device_id:' }] },
    });
    expect(badFilter.status).toBe(400);
  });

  it('rejects duplicate names, bad rules and rules on static groups, creating nothing', async () => {
    const before = (await t.api('GET', '/devices/queries/host-groups/v1?limit=500', { token })).body.meta.pagination.total;
    const dup = await create([{ name: 'linux FLEET', group_type: 'static' }]);
    expect(dup.status).toBe(409);
    const badRule = await create([{ name: 'ok', group_type: 'static' }, { name: 'bad', group_type: 'dynamic', assignment_rule: "platform_name:'Linux" }]);
    expect(badRule.status).toBe(400);
    expect(badRule.body.errors[0].message).toMatch(/assignment_rule/);
    const staticRule = await create([{ name: 'static with rule', group_type: 'static', assignment_rule: "hostname:'x'" }]);
    expect(staticRule.status).toBe(400);
    const badType = await create([{ name: 'x', group_type: 'weird' }]);
    expect(badType.status).toBe(400);
    const after = (await t.api('GET', '/devices/queries/host-groups/v1?limit=500', { token })).body.meta.pagination.total;
    expect(after).toBe(before);
  });

  it('queries, gets, updates and deletes groups', async () => {
    const [g] = (await create([{ name: 'Temp group', group_type: 'staticByID', description: 'to delete' }])).body.resources;
    const q = await t.api('GET', `/devices/queries/host-groups/v1?filter=${encodeURIComponent("name:'temp group'")}`, { token });
    expect(q.body.resources).toEqual([g.id]);
    const combined = await t.api('GET', `/devices/combined/host-groups/v1?filter=${encodeURIComponent("group_type:'staticByID'")}`, { token });
    expect(combined.body.resources.map((x: any) => x.id)).toEqual([g.id]);
    const upd = await t.api('PATCH', '/devices/entities/host-groups/v1', { token, json: { resources: [{ id: g.id, name: 'Renamed', description: 'still here' }] } });
    expect(upd.body.resources[0]).toMatchObject({ name: 'Renamed', description: 'still here' });
    const got = await t.api('GET', `/devices/entities/host-groups/v1?ids=${g.id}`, { token });
    expect(got.body.resources[0].name).toBe('Renamed');
    const missing = await t.api('PATCH', '/devices/entities/host-groups/v1', { token, json: { resources: [{ id: '0'.repeat(32), name: 'x' }] } });
    expect(missing.status).toBe(404);
    const del = await t.api('DELETE', `/devices/entities/host-groups/v1?ids=${g.id}`, { token });
    expect(del.status).toBe(200);
    expect(del.body.resources).toEqual([g.id]);
    const gone = await t.api('GET', `/devices/entities/host-groups/v1?ids=${g.id}`, { token });
    expect(gone.status).toBe(404);
    const again = await t.api('DELETE', `/devices/entities/host-groups/v1?ids=${g.id}`, { token });
    expect(again.status).toBe(404);
    const noId = await t.api('GET', '/devices/queries/host-group-members/v1', { token });
    expect(noId.status).toBe(400);
    const unknown = await t.api('GET', `/devices/queries/host-group-members/v1?id=${'0'.repeat(32)}`, { token });
    expect(unknown.status).toBe(404);
  });
});
