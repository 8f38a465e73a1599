import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord } from '@riposte/core';
import type { TestServer } from './support/server.ts';
import { startServerWithHosts } from './support/hosts.ts';

describe('Falcon Hosts collection', () => {
  let t: TestServer;
  let token: string;
  let hosts: HostRecord[];
  beforeAll(async () => {
    ({ t, token, hosts } = await startServerWithHosts(30));
  });
  afterAll(() => t.close());

  const get = (path: string) => t.api('GET', path, { token });

  it('queries device ids by FQL with sort, offset, limit and total', async () => {
    const res = await get(`/devices/queries/devices/v1?filter=${encodeURIComponent("platform_name:'Linux'")}&sort=hostname.desc&limit=3&offset=1`);
    expect(res.status).toBe(200);
    const linux = hosts.filter((h) => h.platform_name === 'Linux').sort((a, b) => b.hostname.localeCompare(a.hostname));
    expect(res.body.resources).toEqual(linux.slice(1, 4).map((h) => h.device_id));
    expect(res.body.meta.pagination).toEqual({ offset: 1, limit: 3, total: linux.length });
  });

  it('combines clauses with + and , and matches hostnames by wildcard and case-insensitively', async () => {
    const filter = "(platform_name:'Windows',platform_name:'Mac')+hostname:*'HOST-000*'+agent_version:'1.2.0'";
    const res = await get(`/devices/queries/devices/v1?limit=5000&filter=${encodeURIComponent(filter)}`);
    const expected = hosts
      .filter((h) => h.platform_name !== 'Linux' && h.hostname.startsWith('host-000') && h.agent_version === '1.2.0')
      .map((h) => h.device_id);
    expect(res.body.resources.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
    // The same filter typed straight into a URL: its + arrive as spaces and still mean AND.
    const typed = await get(`/devices/queries/devices/v1?limit=5000&filter=${filter.replace(/ /g, '%20')}`);
    expect(typed.status).toBe(200);
    expect(typed.body.resources.sort()).toEqual(expected.sort());
  });

  it('filters on dates, relative dates included', async () => {
    const recent = await get(`/devices/queries/devices/v1?filter=${encodeURIComponent("last_seen:>'now-1h'")}&limit=100`);
    expect(recent.body.meta.pagination.total).toBe(30);
    const none = await get(`/devices/queries/devices/v1?filter=${encodeURIComponent("first_seen:<'2000-01-01'")}`);
    expect(none.body.meta.pagination.total).toBe(0);
  });

  it('rejects bad FQL with a 400 naming the position', async () => {
    const res = await get(`/devices/queries/devices/v1?filter=${encodeURIComponent("hostname:'abc")}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/position \d+/);
    const unknown = await get(`/devices/queries/devices/v1?filter=${encodeURIComponent("nosuchfield:'x'")}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toMatch(/nosuchfield/);
    const sort = await get('/devices/queries/devices/v1?sort=bogus.asc');
    expect(sort.status).toBe(400);
  });

  it('validates paging parameters and refuses unknown ones', async () => {
    expect((await get('/devices/queries/devices/v1?limit=5001')).status).toBe(400);
    expect((await get('/devices/queries/devices/v1?limit=0')).status).toBe(400);
    expect((await get('/devices/queries/devices/v1?offset=-1')).status).toBe(400);
    const unknown = await get('/devices/queries/devices/v1?colour=red');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toMatch(/colour/);
  });

  it('returns details for repeated ids and comma lists, in Falcon field names', async () => {
    const [a, b, c] = hosts;
    const res = await get(`/devices/entities/devices/v2?ids=${a.device_id}&ids=${b.device_id},${c.device_id}`);
    expect(res.status).toBe(200);
    expect(res.body.resources.map((d: any) => d.device_id)).toEqual([a.device_id, b.device_id, c.device_id]);
    const d = res.body.resources[0];
    expect(d).toMatchObject({
      device_id: a.device_id,
      cid: t.server.core.cid,
      hostname: a.hostname,
      platform_name: 'Windows',
      os_version: 'Windows 11',
      local_ip: a.local_ip,
      mac_address: a.mac_address.replace(/:/g, '-'),
      status: 'normal',
      groups: [],
      tags: [],
    });
    expect(d.first_seen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reports unknown ids as 404 errors, and refuses more than 100 ids on GET', async () => {
    const res = await get(`/devices/entities/devices/v2?ids=${'0'.repeat(32)}`);
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toMatchObject({ code: 404 });
    const mixed = await get(`/devices/entities/devices/v2?ids=${hosts[0].device_id},${'0'.repeat(32)}`);
    expect(mixed.status).toBe(200);
    expect(mixed.body.resources).toHaveLength(1);
    expect(mixed.body.errors).toHaveLength(1);
    const many = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(32, '0')).join(',');
    expect((await get(`/devices/entities/devices/v2?ids=${many}`)).status).toBe(400);
  });

  it('takes up to 5,000 ids by POST', async () => {
    const res = await t.api('POST', '/devices/entities/devices/v2', { token, json: { ids: hosts.map((h) => h.device_id) } });
    expect(res.status).toBe(200);
    expect(res.body.resources).toHaveLength(30);
    const tooMany = await t.api('POST', '/devices/entities/devices/v2', { token, json: { ids: Array.from({ length: 5001 }, () => 'a') } });
    expect(tooMany.status).toBe(400);
  });

  it('pages with the scroll variant until the end', async () => {
    const seen: string[] = [];
    let offset = '';
    for (let i = 0; i < 10; i++) {
      const res = await get(`/devices/queries/devices-scroll/v1?limit=7${offset ? `&offset=${offset}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.meta.pagination.total).toBe(30);
      expect(typeof res.body.meta.pagination.offset).toBe('string');
      seen.push(...res.body.resources);
      offset = res.body.meta.pagination.offset;
      if (res.body.resources.length < 7) break;
    }
    expect(new Set(seen).size).toBe(30);
    const bad = await get('/devices/queries/devices-scroll/v1?offset=garbage');
    expect(bad.status).toBe(400);
  });

  it('returns whole records from the combined query, trimmed to fields', async () => {
    const res = await get(`/devices/combined/devices/v1?filter=${encodeURIComponent("platform_name:'Mac'")}&fields=hostname,platform_name&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.resources).toHaveLength(2);
    expect(Object.keys(res.body.resources[0]).sort()).toEqual(['device_id', 'hostname', 'platform_name']);
    expect(res.body.meta.pagination.total).toBe(10);
  });

  it('adds and removes tags, and filters by tag', async () => {
    const ids = hosts.slice(0, 4).map((h) => h.device_id);
    const add = await t.api('PATCH', '/devices/entities/devices/tags/v1', { token, json: { action: 'add', device_ids: ids, tags: ['FalconGroupingTags/ir-case-7', 'web'] } });
    expect(add.status).toBe(202);
    expect(add.body.resources.every((r: any) => r.updated && r.code === 200)).toBe(true);
    const q = await get(`/devices/queries/devices/v1?filter=${encodeURIComponent("tags:'FalconGroupingTags/ir-case-7'")}`);
    expect(q.body.resources.sort()).toEqual([...ids].sort());
    const detail = await get(`/devices/entities/devices/v2?ids=${ids[0]}`);
    expect(detail.body.resources[0].tags).toEqual(['FalconGroupingTags/ir-case-7', 'FalconGroupingTags/web']);
    await t.api('PATCH', '/devices/entities/devices/tags/v1', { token, json: { action: 'remove', device_ids: ids.slice(0, 2), tags: ['FalconGroupingTags/ir-case-7'] } });
    const after = await get(`/devices/queries/devices/v1?filter=${encodeURIComponent("tags:'FalconGroupingTags/ir-case-7'")}`);
    expect(after.body.resources.sort()).toEqual(ids.slice(2).sort());
    const bad = await t.api('PATCH', '/devices/entities/devices/tags/v1', { token, json: { action: 'explode', device_ids: ids, tags: ['x'] } });
    expect(bad.status).toBe(400);
  });

  it('reports online state', async () => {
    await t.server.core.hosts.setOnline(hosts[1].device_id, true);
    const res = await get(`/devices/entities/online-state/v1?ids=${hosts[0].device_id}&ids=${hosts[1].device_id}`);
    expect(res.body.resources).toEqual([
      { id: hosts[0].device_id, state: 'offline' },
      { id: hosts[1].device_id, state: 'online' },
    ]);
  });

  it('lists hidden hosts only through the hidden-device queries; v1 details; detection suppression', async () => {
    const id = hosts[9].device_id;
    await t.api('POST', '/devices/entities/devices-actions/v2?action_name=hide_host', { token, json: { ids: [id] } });
    expect((await get('/devices/queries/devices-hidden/v1')).body.resources).toEqual([id]);
    expect((await get(`/devices/queries/devices-hidden/v1?filter=${encodeURIComponent("hostname:'nothing'")}`)).body.resources).toEqual([]);
    const combined = await get('/devices/combined/devices-hidden/v1?fields=hostname');
    expect(combined.body.resources).toEqual([{ device_id: id, hostname: hosts[9].hostname }]);
    await t.api('POST', '/devices/entities/devices-actions/v2?action_name=unhide_host', { token, json: { ids: [id] } });
    expect((await get('/devices/queries/devices-hidden/v1')).body.resources).toEqual([]);
    const v1 = await get(`/devices/entities/devices/v1?ids=${id}`);
    expect(v1.body.resources[0]).toMatchObject({ device_id: id, detection_suppression_status: 'unsuppressed' });
    const sup = await t.api('POST', '/devices/entities/devices-actions/v2?action_name=detection_suppress', { token, json: { ids: [id] } });
    expect(sup.status).toBe(202);
    expect((await get(`/devices/entities/devices/v2?ids=${id}`)).body.resources[0].detection_suppression_status).toBe('suppressed');
    await t.api('POST', '/devices/entities/devices-actions/v2?action_name=detection_unsuppress', { token, json: { ids: [id] } });
    expect((await get(`/devices/entities/devices/v2?ids=${id}`)).body.resources[0].detection_suppression_status).toBe('unsuppressed');
  });

  it('hides and unhides hosts, and marks containment requests pending', async () => {
    const id = hosts[5].device_id;
    const hide = await t.api('POST', '/devices/entities/devices-actions/v2?action_name=hide_host', { token, json: { ids: [id] } });
    expect(hide.status).toBe(202);
    expect((await get(`/devices/queries/devices/v1?filter=${encodeURIComponent(`device_id:'${id}'`)}`)).body.resources).toEqual([]);
    await t.api('POST', '/devices/entities/devices-actions/v2?action_name=unhide_host', { token, json: { ids: [id] } });
    expect((await get(`/devices/queries/devices/v1?filter=${encodeURIComponent(`device_id:'${id}'`)}`)).body.resources).toEqual([id]);
    const contain = await t.api('POST', '/devices/entities/devices-actions/v2?action_name=contain', { token, json: { ids: [id] } });
    expect(contain.status).toBe(202);
    expect((await get(`/devices/entities/devices/v2?ids=${id}`)).body.resources[0].status).toBe('containment_pending');
    const bad = await t.api('POST', '/devices/entities/devices-actions/v2?action_name=explode', { token, json: { ids: [id] } });
    expect(bad.status).toBe(400);
    const unknown = await t.api('POST', '/devices/entities/devices-actions/v2?action_name=contain', { token, json: { ids: ['0'.repeat(32)] } });
    expect(unknown.status).toBe(404);
  });

  it('keeps login and network address history from inventory reports', async () => {
    const h = hosts[7];
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    const old = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const logins = [
      { user_name: 'carol', login_time: old, login_type: 'Interactive', success: true },
      { user_name: 'alice', login_time: recent, login_type: 'Remote interactive', remote_address: '192.0.2.4', success: true },
    ];
    await t.server.core.hosts.updateFacts(h.device_id, { hostname: h.hostname, platform_name: h.platform_name as 'Linux', logins, local_ip: '10.9.9.9', mac_address: '02:aa:bb:cc:dd:ee' });
    const v1 = await t.api('POST', '/devices/combined/devices/login-history/v1', { token, json: { ids: [h.device_id] } });
    expect(v1.status).toBe(200);
    expect(v1.body.resources[0]).toMatchObject({ device_id: h.device_id, cid: t.server.core.cid });
    expect(v1.body.resources[0].recent_logins.map((l: any) => l.user_name)).toEqual(['alice', 'carol']);
    // v2 defaults to the last 7 days, as the vendor.
    const v2 = await t.api('POST', '/devices/combined/devices/login-history/v2?limit=5', { token, json: { ids: [h.device_id] } });
    expect(v2.body.resources[0].recent_logins).toEqual([
      { user_name: 'alice', login_time: recent.replace(/\.\d{3}Z$/, 'Z'), login_type: 'Remote interactive', remote_address: '192.0.2.4', login_status: 'success' },
    ]);
    const wide = await t.api('POST', `/devices/combined/devices/login-history/v2?from=now-60d&to=${encodeURIComponent(new Date().toISOString())}`, { token, json: { ids: [h.device_id] } });
    expect(wide.body.resources[0].recent_logins.map((l: any) => l.user_name)).toEqual(['alice', 'carol']);
    const device = (await get(`/devices/entities/devices/v2?ids=${h.device_id}`)).body.resources[0];
    expect(device).toMatchObject({ last_login_user: 'alice', first_login_user: 'carol', last_login_timestamp: recent.replace(/\.\d{3}Z$/, 'Z') });
    const badFrom = await t.api('POST', '/devices/combined/devices/login-history/v2?from=last-tuesday', { token, json: { ids: [h.device_id] } });
    expect(badFrom.status).toBe(400);
    expect(badFrom.body.errors[0].message).toMatch(/from must be/);
    const tooMany = await t.api('POST', '/devices/combined/devices/login-history/v2', { token, json: { ids: Array.from({ length: 101 }, (_, i) => String(i).padStart(32, '0')) } });
    expect(tooMany.status).toBe(400);
    const net = await t.api('POST', '/devices/combined/devices/network-address-history/v1', { token, json: { ids: [h.device_id] } });
    expect(net.body.resources[0].history.map((x: any) => x.ip_address)).toEqual(['10.9.9.9', h.local_ip]);
  });
});
