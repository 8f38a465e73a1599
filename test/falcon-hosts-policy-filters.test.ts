import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord } from '@riposte/core';
import { startTestServer, type TestServer } from './support/server.ts';
import { seedHosts } from './support/hosts.ts';
import { falconPy, runFalconPy } from './support/falconpy.ts';

/**
 * Device filters and sorts on `device_policies.remote_response.*` and `policies.*`: they follow
 * each host's effective response policy (which moves with groups, attachments and precedence);
 * the policy kinds riposte has no data for are a 400 that says so.
 */
describe('host filters and sorts on device policy fields', () => {
  let t: TestServer;
  let token: string;
  let hosts: HostRecord[];
  let linux: HostRecord[];
  let ir: { id: string };
  let groupId: string;
  let defaults: Map<string, string>;
  const sdk = falconPy();
  const api = (method: string, p: string, json?: unknown) => t.api(method, p, { token, json });
  const query = async (filter: string, sort?: string) => {
    const res = await api('GET', `/devices/queries/devices/v1?limit=100&filter=${encodeURIComponent(filter)}${sort ? `&sort=${encodeURIComponent(sort)}` : ''}`);
    expect(res.status, JSON.stringify(res.body.errors)).toBe(200);
    return res.body.resources as string[];
  };
  const policyOf = async (ids: string[]) => {
    const res = await api('POST', '/devices/entities/devices/v2', { ids });
    return new Map<string, string>(res.body.resources.map((d: any) => [d.device_id, d.device_policies.remote_response.policy_id]));
  };

  beforeAll(async () => {
    t = await startTestServer();
    token = await t.token();
    hosts = await seedHosts(t.server.core, 6);
    linux = hosts.filter((h) => h.platform_name === 'Linux');
    const page = await api('GET', `/policy/combined/response/v1?filter=${encodeURIComponent("name:'platform_default'")}`);
    defaults = new Map(page.body.resources.map((p: any) => [p.platform_name, p.id]));

    // One Linux host in a group under an enabled "IR" policy; the other stays on the default.
    [{ id: groupId }] = (await api('POST', '/devices/entities/host-groups/v1', { resources: [{ name: 'IR', group_type: 'static' }] })).body.resources;
    await api('POST', '/devices/entities/host-group-actions/v1?action_name=add-hosts', {
      ids: [groupId],
      action_parameters: [{ name: 'filter', value: `device_id:'${linux[0].device_id}'` }],
    });
    [ir] = (await api('POST', '/policy/entities/response/v1', { resources: [{ name: 'IR', platform_name: 'Linux', settings: [] }] })).body.resources;
    expect((await api('POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: [ir.id], action_parameters: [{ name: 'group_id', value: groupId }] })).status).toBe(200);
    expect((await api('POST', '/policy/entities/response-actions/v1?action_name=enable', { ids: [ir.id] })).status).toBe(200);
  });
  afterAll(() => t?.close());

  it('filters on the effective response policy, as device_policies.remote_response and as policies', async () => {
    expect(await query(`device_policies.remote_response.policy_id:'${ir.id}'`)).toEqual([linux[0].device_id]);
    expect(await query(`policies.policy_id:'${ir.id}'`)).toEqual([linux[0].device_id]);
    expect(await query(`policies.policy_id:'${defaults.get('Linux')}'`)).toEqual([linux[1].device_id]);
    const others = hosts.filter((h) => h.device_id !== linux[0].device_id).map((h) => h.device_id).sort();
    expect((await query(`device_policies.remote_response.policy_id:!'${ir.id}'`)).sort()).toEqual(others);
    expect((await query(`policies.policy_id:['${defaults.get('Windows')}','${defaults.get('Mac')}']`)).sort()).toEqual(
      hosts.filter((h) => h.platform_name !== 'Linux').map((h) => h.device_id).sort(),
    );
    // Combined with device fields, and the other rendered fields of the entry.
    expect(await query(`platform_name:'Linux'+device_policies.remote_response.policy_id:!'${ir.id}'`)).toEqual([linux[1].device_id]);
    expect(await query("device_policies.remote_response.applied:true+device_policies.remote_response.policy_type:'remote-response'")).toHaveLength(6);
    expect(await query("policies.applied_date:>'2000-01-01'")).toHaveLength(6);
    expect(await query("policies.applied_date:<'2000-01-01'")).toEqual([]);
  });

  it('sorts on the policy id, in both directions, matching what the device records say', async () => {
    const asc = await query("hostname:*'host-*'", 'device_policies.remote_response.policy_id.asc,hostname.asc');
    const byPolicy = await policyOf(asc);
    const expected = [...hosts].sort((a, b) => byPolicy.get(a.device_id)!.localeCompare(byPolicy.get(b.device_id)!) || a.hostname.localeCompare(b.hostname));
    expect(asc).toEqual(expected.map((h) => h.device_id));
    const desc = await query("hostname:*'host-*'", 'policies.policy_id|desc,hostname.asc');
    expect(desc.map((id) => byPolicy.get(id))).toEqual([...asc.map((id) => byPolicy.get(id))].reverse());
  });

  it('follows the policy as group membership changes', async () => {
    await api('POST', '/devices/entities/host-group-actions/v1?action_name=remove-hosts', {
      ids: [groupId],
      action_parameters: [{ name: 'filter', value: `device_id:'${linux[0].device_id}'` }],
    });
    expect(await query(`device_policies.remote_response.policy_id:'${ir.id}'`)).toEqual([]);
    expect((await query(`policies.policy_id:'${defaults.get('Linux')}'`)).sort()).toEqual(linux.map((h) => h.device_id).sort());
    await api('POST', '/devices/entities/host-group-actions/v1?action_name=add-hosts', {
      ids: [groupId],
      action_parameters: [{ name: 'filter', value: `device_policies.remote_response.policy_id:'${defaults.get('Linux')}'+hostname:'${linux[1].hostname}'` }],
    });
    expect(await query(`device_policies.remote_response.policy_id:'${ir.id}'`)).toEqual([linux[1].device_id]);
  });

  it('refuses the policy kinds and fields riposte has no data for, saying so', async () => {
    for (const [path, message] of [
      [`/devices/queries/devices/v1?filter=${encodeURIComponent("device_policies.prevention.policy_id:'x'")}`, /riposte has no prevention policies/],
      [`/devices/combined/devices/v1?filter=${encodeURIComponent("device_policies.sensor_update.applied:true")}`, /riposte has no sensor_update policies/],
      [`/devices/queries/devices/v1?sort=device_policies.firewall.policy_id.asc`, /riposte has no firewall policies/],
      [`/devices/queries/devices/v1?filter=${encodeURIComponent("policies.settings_hash:'x'")}`, /policy_id, policy_type, applied and applied_date/],
      [`/devices/queries/devices/v1?filter=${encodeURIComponent("device_policies.remote_response.policy_id:5")}+x`, /position/],
    ] as const) {
      const res = await api('GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0].message).toMatch(message);
    }
    // A dynamic group's rule cannot depend on policies, which follow from group membership.
    const dyn = await api('POST', '/devices/entities/host-groups/v1', {
      resources: [{ name: 'by policy', group_type: 'dynamic', assignment_rule: `policies.policy_id:'${ir.id}'` }],
    });
    expect(dyn.status).toBe(400);
    expect(dyn.body.errors[0].message).toMatch(/assignment_rule cannot depend on policies/);
  });

  it.skipIf('missing' in sdk)(`FalconPy: query_devices_by_filter on a policy field${'missing' in sdk ? ` (SKIPPED: ${sdk.missing})` : ''}`, async () => {
    if ('missing' in sdk) return;
    const out = await runFalconPy(sdk, t, 'Hosts', `
out = falcon.query_devices_by_filter(filter="device_policies.remote_response.policy_id:'" + args["policy"] + "'", sort="policies.policy_id.desc")
`, { policy: ir.id });
    expect(out.status_code).toBe(200);
    expect(out.body.resources).toEqual([linux[1].device_id]);
  });
});
