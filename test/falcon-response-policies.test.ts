import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FalconClient } from 'crowdstrike-falcon';
import type { HostRecord } from '@riposte/core';
import { startTestServer, type TestServer } from './support/server.ts';
import { seedHosts } from './support/hosts.ts';

/** The vendor's own JavaScript SDK, pointed at riposte through its fetchApi option. */
function falconClient(t: TestServer): FalconClient {
  return new FalconClient({
    cloud: 'us-1',
    clientId: t.clientId,
    clientSecret: t.clientSecret,
    fetchApi: (input: any, init?: any) => fetch(String(input).replace('https://api.crowdstrike.com', t.url), init),
  });
}

const toggles = (on: string[], off: string[] = []) => [
  ...on.map((id) => ({ id, value: { enabled: true } })),
  ...off.map((id) => ({ id, value: { enabled: false } })),
];

/** The SDK throws a ResponseError for non-2xx answers: status and the envelope's first error. */
async function sdkError(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (e: any) {
    const body = await e.response.json();
    return { status: e.response.status, message: body.errors[0].message };
  }
  throw new Error('expected the SDK call to fail');
}

describe('Falcon ResponsePolicies collection, driven by the official JS SDK', () => {
  let t: TestServer;
  let client: FalconClient;
  let hosts: HostRecord[];
  let token: string;
  const defaults: Record<string, string> = {};
  const windows = () => hosts.filter((h) => h.platform_name === 'Windows');

  beforeAll(async () => {
    t = await startTestServer();
    hosts = await seedHosts(t.server.core, 12);
    client = falconClient(t);
    token = await t.token();
    const all = await client.responsePolicies.queryCombinedRTResponsePolicies("name:'platform_default'");
    for (const p of all.resources) defaults[p.platformName] = p.id;
  });
  afterAll(() => t.close());

  it('starts with an enabled platform_default per platform, last in precedence, on every host', async () => {
    expect(Object.keys(defaults).sort()).toEqual(['Linux', 'Mac', 'Windows']);
    const [win] = (await client.responsePolicies.getRTResponsePolicies([defaults.Windows])).resources;
    expect(win).toMatchObject({ name: 'platform_default', platformName: 'Windows', enabled: true, groups: [], cid: t.server.core.cid });
    expect(win.createdTimestamp).toBeInstanceOf(Date);
    expect(win.settings.map((c) => c.name)).toEqual(['Enable/Disable', 'Custom scripts', 'High risk commands']);
    expect(win.settings[0].settings[0]).toEqual({
      id: 'RealTimeFunctionality',
      name: 'Real Time Response',
      type: 'toggle',
      value: { enabled: true },
      description: expect.any(String),
    });
    expect(win.settings[2].settings.map((s) => [s.id, s.name, (s.value as any).enabled])).toEqual([
      ['GetCommand', 'get', false],
      ['PutCommand', 'put', false],
      ['MemDumpCommand', 'memdump', false],
      ['XMemDumpCommand', 'xmemdump', false],
      ['ExecCommand', 'run', false],
      ['PutAndRunCommand', 'put-and-run', false],
    ]);
    const [linux] = (await client.responsePolicies.getRTResponsePolicies([defaults.Linux])).resources;
    // FalconScripts and MemDumpCommand on Linux are riposte extensions (off by default).
    expect(linux.settings.flatMap((c) => c.settings.map((s) => s.id))).toEqual(['RealTimeFunctionality', 'CustomScripts', 'FalconScripts', 'GetCommand', 'PutCommand', 'MemDumpCommand', 'ExecCommand']);
    const members = await client.responsePolicies.queryRTResponsePolicyMembers(defaults.Windows, undefined, 0, 100);
    expect(members.resources.sort()).toEqual(windows().map((h) => h.device_id).sort());
    expect(members.meta.pagination?.total).toBe(4);
    // The device model names each host's response policy.
    const details = await client.hosts.getDeviceDetailsV2([windows()[0].device_id]);
    expect(details.resources[0].devicePolicies?.remoteResponse).toMatchObject({ policyId: defaults.Windows, policyType: 'remote-response', applied: true });
    expect(details.resources[0].policies?.[0]).toMatchObject({ policyId: defaults.Windows, policyType: 'remote-response' });
  });

  it('drives the whole collection: create, clone, update, attach, enable, precedence, members, detach, disable, delete', async () => {
    const rp = client.responsePolicies;
    const created = await rp.createRTResponsePolicies({
      resources: [
        { name: 'Lockdown', platformName: 'Windows', description: 'read-only response', settings: toggles(['RealTimeFunctionality']) },
        { name: 'Responders', platformName: 'Windows', settings: toggles(['RealTimeFunctionality', 'GetCommand', 'PutCommand', 'ExecCommand']) },
      ],
    } as any);
    const [lockdown, responders] = created.resources;
    expect(lockdown).toMatchObject({ name: 'Lockdown', description: 'read-only response', platformName: 'Windows', enabled: false, createdBy: 'bootstrap' });
    expect(responders.settings[2].settings.find((s) => s.id === 'GetCommand')?.value).toEqual({ enabled: true });

    const cloned = await rp.createRTResponsePolicies({ resources: [{ name: 'Responders copy', platformName: 'Windows', cloneId: responders.id }] } as any);
    expect(cloned.resources[0].settings).toEqual(responders.settings);

    const updated = await rp.updateRTResponsePolicies({
      resources: [{ id: cloned.resources[0].id, name: 'Memory forensics', description: 'memdump too', settings: toggles(['MemDumpCommand', 'XMemDumpCommand']) }],
    } as any);
    expect(updated.resources[0]).toMatchObject({ name: 'Memory forensics', description: 'memdump too' });
    expect(updated.resources[0].settings[2].settings.filter((s) => (s.value as any).enabled).map((s) => s.id)).toEqual([
      'GetCommand',
      'PutCommand',
      'MemDumpCommand',
      'XMemDumpCommand',
      'ExecCommand',
    ]);
    const memory = updated.resources[0];

    // Queries: ids and records, FQL filter and sort, paging with a total.
    const q = await rp.queryRTResponsePolicies("platform_name:'Windows'", 0, 2, 'precedence.asc' as any);
    expect(q.resources).toEqual([lockdown.id, responders.id]);
    expect(q.meta.pagination).toMatchObject({ offset: 0, limit: 2, total: 4 });
    const page2 = await rp.queryRTResponsePolicies("platform_name:'Windows'", 2, 2, 'precedence.asc' as any);
    expect(page2.resources).toEqual([memory.id, defaults.Windows]);
    const byName = await rp.queryCombinedRTResponsePolicies("name:~'responders'+enabled:false", 0, 10, 'name.desc' as any);
    expect(byName.resources.map((p) => p.name)).toEqual(['Responders']);

    // Attach a group of two Windows hosts (and a Linux one, which Windows policies never decide for).
    const [group] = (await client.hostGroup.createHostGroups({ resources: [{ name: 'IR targets', groupType: 'static' }] } as any)).resources;
    const [w0, w1] = windows();
    const linux = hosts.find((h) => h.platform_name === 'Linux')!;
    await client.hostGroup.performGroupAction('add-hosts', {
      ids: [group.id],
      actionParameters: [{ name: 'filter', value: `device_id:['${w0.device_id}','${w1.device_id}','${linux.device_id}']` }],
    } as any);
    await t.server.core.responsePolicies.settled();
    const attached = await rp.performRTResponsePoliciesAction('add-host-group', { ids: [lockdown.id, responders.id], actionParameters: [{ name: 'group_id', value: group.id }] });
    expect(attached.resources.map((p) => p.groups.map((g) => g.id))).toEqual([[group.id], [group.id]]);
    expect(attached.resources[0].groups[0]).toMatchObject({ name: 'IR targets', groupType: 'static' });
    // Still disabled: the hosts stay on the default.
    expect((await rp.queryRTResponsePolicyMembers(lockdown.id)).resources).toEqual([]);

    const enabled = await rp.performRTResponsePoliciesAction('enable', { ids: [lockdown.id, responders.id] });
    expect(enabled.resources.every((p) => p.enabled)).toBe(true);
    const members = await rp.queryRTResponsePolicyMembers(lockdown.id, undefined, 0, 10, 'hostname.asc');
    expect(members.resources).toEqual([w0.device_id, w1.device_id]);
    expect((await rp.queryRTResponsePolicyMembers(responders.id)).meta.pagination?.total).toBe(0);
    const filtered = await rp.queryCombinedRTResponsePolicyMembers(lockdown.id, `hostname:'${w1.hostname}'`);
    expect(filtered.resources.map((d) => d.deviceId)).toEqual([w1.device_id]);
    expect(filtered.resources[0].devicePolicies?.remoteResponse?.policyId).toBe(lockdown.id);
    await expect(t.server.core.guard.check(w0.device_id, 'get')).rejects.toMatchObject({ status: 403, message: expect.stringContaining('"Lockdown"') });

    // Precedence: every non-default policy, first = highest.
    const prec = await rp.setRTResponsePoliciesPrecedence({ ids: [responders.id, memory.id, lockdown.id], platformName: 'Windows' });
    expect(prec.resources).toEqual([responders.id, memory.id, lockdown.id]);
    expect((await rp.queryRTResponsePolicyMembers(responders.id, undefined, 0, 10, 'hostname.asc')).resources).toEqual([w0.device_id, w1.device_id]);
    await t.server.core.guard.check(w0.device_id, 'get');
    const order = await rp.queryCombinedRTResponsePolicies("platform_name:'Windows'", 0, 10, 'precedence.asc' as any);
    expect(order.resources.map((p) => p.name)).toEqual(['Responders', 'Memory forensics', 'Lockdown', 'platform_default']);
    const details = await client.hosts.getDeviceDetailsV2([w0.device_id]);
    expect(details.resources[0].devicePolicies?.remoteResponse?.policyId).toBe(responders.id);

    // Detach and disable: hosts fall back.
    await rp.performRTResponsePoliciesAction('remove-host-group', { ids: [responders.id], actionParameters: [{ name: 'group_id', value: group.id }] });
    expect((await rp.queryRTResponsePolicyMembers(lockdown.id)).meta.pagination?.total).toBe(2);
    const disabled = await rp.performRTResponsePoliciesAction('disable', { ids: [lockdown.id] });
    expect(disabled.resources[0].enabled).toBe(false);
    expect((await rp.queryRTResponsePolicyMembers(defaults.Windows)).meta.pagination?.total).toBe(4);

    // Delete (disabled ones only): gone from reads and from precedence.
    await rp.performRTResponsePoliciesAction('disable', { ids: [responders.id] });
    const deleted = await rp.deleteRTResponsePolicies([lockdown.id, responders.id]);
    expect(deleted.resources.sort()).toEqual([lockdown.id, responders.id].sort());
    const gone = await sdkError(rp.getRTResponsePolicies([lockdown.id]));
    expect(gone.status).toBe(404);
    expect((await rp.queryRTResponsePolicies("platform_name:'Windows'", 0, 10, 'precedence.asc' as any)).resources).toEqual([memory.id, defaults.Windows]);

    // Every change is in the audit trail with before/after.
    const trail = await t.server.core.audit.forTarget('response_policy', lockdown.id);
    expect(trail.map((e) => e.action)).toEqual([
      'response_policy.delete',
      'response_policy.disable',
      'response_policy.enable',
      'response_policy.add-host-group',
      'response_policy.create',
    ]);
    expect(trail.every((e) => e.actor_name === 'bootstrap')).toBe(true);
    const precedenceTrail = await t.server.core.audit.forTarget('response_policy_precedence', 'Windows');
    expect(precedenceTrail[0]).toMatchObject({ before: { ids: [lockdown.id, responders.id, memory.id] }, after: { ids: [responders.id, memory.id, lockdown.id] } });
  });

  it('answers bad input with the vendor 4xx, a clear message, and nothing half-applied', async () => {
    const api = (method: string, path: string, json?: unknown) => t.api(method, path, { token, json });
    const [mac] = (await api('POST', '/policy/entities/response/v1', { resources: [{ name: 'Mac IR', platform_name: 'Mac', settings: toggles(['RealTimeFunctionality']) }] })).body.resources;
    const [linuxA, linuxB] = (
      await api('POST', '/policy/entities/response/v1', {
        resources: [
          { name: 'Linux A', platform_name: 'Linux' },
          { name: 'Linux B', platform_name: 'Linux' },
        ],
      })
    ).body.resources;
    const [group] = (await api('POST', '/devices/entities/host-groups/v1', { resources: [{ name: 'bad-input group', group_type: 'static' }] })).body.resources;
    await api('POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: [linuxA.id], action_parameters: [{ name: 'group_id', value: group.id }] });
    await api('POST', '/policy/entities/response-actions/v1?action_name=enable', { ids: [linuxA.id] });
    const before = (await api('GET', '/policy/combined/response/v1?limit=5000')).body.resources;

    const cases: [string, string, unknown, number, RegExp][] = [
      ['GET', `/policy/entities/response/v1?ids=${'f'.repeat(32)}`, undefined, 404, /response policy not found/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'mac ir', platform_name: 'Mac' }] }, 400, /Mac response policy named "mac ir" already exists/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x1', platform_name: 'Linux' }, { name: 'X1', platform_name: 'Linux' }] }, 400, /already exists/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x2', platform_name: 'Linux', settings: toggles(['NoSuchSetting']) }] }, 400, /unknown response policy setting "NoSuchSetting"/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x3', platform_name: 'Linux', settings: [{ id: 'GetCommand', value: true }] }] }, 400, /GetCommand: value must be \{"enabled": true\}/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x4', platform_name: 'Linux', settings: [{ id: 'GetCommand', value: { enabled: 'yes' } }] }] }, 400, /value must be/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x5', platform_name: 'Linux', settings: toggles(['RealTimeFunctionality', 'XMemDumpCommand']) }] }, 400, /XMemDumpCommand \(xmemdump\) is not available on Linux/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x6', platform_name: 'Windows', settings: toggles(['GetCommand']) }] }, 400, /require RealTimeFunctionality/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x7', platform_name: 'Windows', settings: toggles(['RealTimeFunctionality', 'FalconScripts']) }] }, 400, /FalconScripts requires CustomScripts/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x8', platform_name: 'BeOS' }] }, 400, /platform_name must be one of Windows, Mac, Linux/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'platform_default', platform_name: 'Linux' }] }, 400, /reserved/],
      ['POST', '/policy/entities/response/v1', { resources: [{ name: 'x9', platform_name: 'Linux', colour: 'red' }] }, 400, /unknown field "colour"/],
      ['PATCH', '/policy/entities/response/v1', { resources: [{ id: defaults.Linux, name: 'my default' }] }, 400, /platform_default policy cannot be renamed/],
      ['PATCH', '/policy/entities/response/v1', { resources: [{ id: linuxB.id, name: 'Linux A' }] }, 400, /already exists/],
      ['PATCH', '/policy/entities/response/v1', { resources: [{ id: linuxB.id, description: 'first is fine' }, { id: 'f'.repeat(32), description: 'x' }] }, 404, /not found/],
      ['PATCH', '/policy/entities/response/v1', { resources: [{ id: defaults.Linux, settings: toggles(['ExecCommand'], ['RealTimeFunctionality']) }] }, 400, /ExecCommand require RealTimeFunctionality/],
      ['DELETE', `/policy/entities/response/v1?ids=${defaults.Linux}`, undefined, 400, /platform_default policy .* cannot be deleted/],
      ['DELETE', `/policy/entities/response/v1?ids=${linuxA.id}`, undefined, 400, /is enabled: disable it before deleting it/],
      ['DELETE', `/policy/entities/response/v1?ids=${linuxB.id},${'f'.repeat(32)}`, undefined, 404, /response policy not found/],
      ['POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: [linuxA.id], action_parameters: [{ name: 'group_id', value: group.id }] }, 400, /already attached/],
      ['POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: [linuxB.id], action_parameters: [{ name: 'group_id', value: 'f'.repeat(32) }] }, 404, /host group not found/],
      ['POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: ['f'.repeat(32)], action_parameters: [{ name: 'group_id', value: group.id }] }, 404, /response policy not found/],
      ['POST', '/policy/entities/response-actions/v1?action_name=remove-host-group', { ids: [linuxB.id], action_parameters: [{ name: 'group_id', value: group.id }] }, 400, /is not attached/],
      ['POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: [linuxB.id], action_parameters: [{ name: 'filter', value: 'x' }] }, 400, /unknown action parameter "filter"/],
      ['POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: [defaults.Linux], action_parameters: [{ name: 'group_id', value: group.id }] }, 400, /platform_default/],
      ['POST', '/policy/entities/response-actions/v1?action_name=disable', { ids: [defaults.Linux] }, 400, /cannot be disabled/],
      ['POST', '/policy/entities/response-actions/v1?action_name=add-rule-group', { ids: [linuxB.id], action_parameters: [{ name: 'rule_group_id', value: 'x' }] }, 404, /rule group not found: x/],
      ['POST', '/policy/entities/response-actions/v1?action_name=remove-rule-group', { ids: [linuxB.id] }, 400, /rule_group_id/],
      ['POST', '/policy/entities/response-actions/v1?action_name=add-rule-group', { ids: ['0'.repeat(32)], action_parameters: [{ name: 'rule_group_id', value: 'x' }] }, 404, /response policy not found/],
      ['POST', '/policy/entities/response-actions/v1?action_name=explode', { ids: [linuxB.id] }, 400, /action_name/],
      ['POST', '/policy/entities/response-precedence/v1', { ids: [linuxA.id], platform_name: 'Linux' }, 400, /must name every non-default Linux policy; missing: "Linux B"/],
      ['POST', '/policy/entities/response-precedence/v1', { ids: [linuxA.id, linuxB.id, mac.id], platform_name: 'Linux' }, 404, /is a Mac policy: not found among the Linux policies/],
      ['POST', '/policy/entities/response-precedence/v1', { ids: [linuxA.id, linuxB.id, defaults.Linux], platform_name: 'Linux' }, 400, /always last/],
      ['POST', '/policy/entities/response-precedence/v1', { ids: [linuxA.id, linuxA.id, linuxB.id], platform_name: 'Linux' }, 400, /more than once/],
      ['POST', '/policy/entities/response-precedence/v1', { ids: [linuxA.id, linuxB.id, 'f'.repeat(32)], platform_name: 'Linux' }, 404, /not found/],
      ['GET', '/policy/queries/response/v1?filter=colour:%27red%27', undefined, 400, /unknown property "colour"/],
      ['GET', '/policy/queries/response/v1?limit=5001', undefined, 400, /limit/],
      ['GET', '/policy/queries/response/v1?sort=groups.asc', undefined, 400, /cannot be sorted/],
      ['GET', '/policy/queries/response-members/v1', undefined, 400, /id \(response policy id\) is required/],
      ['GET', `/policy/queries/response-members/v1?id=${'f'.repeat(32)}`, undefined, 404, /response policy not found/],
      ['GET', `/policy/combined/response-members/v1?id=${linuxA.id}&filter=nonsense:1`, undefined, 400, /unknown property "nonsense"/],
    ];
    for (const [method, path, json, status, message] of cases) {
      const res = await api(method, path, json);
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
      expect(res.body.errors[0].code).toBe(status);
      expect(res.body.errors[0].message, `${method} ${path}`).toMatch(message);
    }
    const after = (await api('GET', '/policy/combined/response/v1?limit=5000')).body.resources;
    expect(after).toEqual(before);

    // Comma-separated ids (FalconPy's shape) set precedence too.
    const ok = await api('POST', '/policy/entities/response-precedence/v1', { ids: `${linuxB.id},${linuxA.id}`, platform_name: 'linux' });
    expect(ok.status).toBe(200);
    expect(ok.body.resources).toEqual([linuxB.id, linuxA.id]);
  });

  it('requires the response-policies scopes', async () => {
    const reader = await t.token(['response-policies:read']);
    expect((await t.api('GET', '/policy/queries/response/v1', { token: reader })).status).toBe(200);
    const denied = await t.api('POST', '/policy/entities/response/v1', { token: reader, json: { resources: [{ name: 'nope', platform_name: 'Linux' }] } });
    expect(denied.status).toBe(403);
    const hostsOnly = await t.token(['devices:read']);
    expect((await t.api('GET', '/policy/queries/response/v1', { token: hostsOnly })).status).toBe(403);
  });
});
