import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceError } from '@riposte/core';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, type TestAgent } from './support/agent.ts';

const toggles = (on: string[], off: string[] = []) => [
  ...on.map((id) => ({ id, value: { enabled: true } })),
  ...off.map((id) => ({ id, value: { enabled: false } })),
];

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected a refusal');
}

describe('response policies decide what a real agent may be asked to do', () => {
  let t: TestServer;
  let agent: TestAgent;
  let token: string;
  let lockdown: { id: string };
  let responders: { id: string };
  const api = (method: string, p: string, json?: unknown) => t.api(method, p, { token, json });

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    token = await t.token();
    fs.writeFileSync(path.join(agent.workDir, 'evidence.txt'), 'exhibit A\n');

    // A static group holding the agent's host, and two Linux policies attached to it.
    const [group] = (await api('POST', '/devices/entities/host-groups/v1', { resources: [{ name: 'IR hosts', group_type: 'static' }] })).body.resources;
    await api('POST', '/devices/entities/host-group-actions/v1?action_name=add-hosts', {
      ids: [group.id],
      action_parameters: [{ name: 'filter', value: `device_id:'${agent.deviceId}'` }],
    });
    const created = await api('POST', '/policy/entities/response/v1', {
      resources: [
        { name: 'Lockdown', platform_name: 'Linux', settings: toggles(['RealTimeFunctionality'], ['GetCommand']) },
        { name: 'Responders', platform_name: 'Linux', settings: toggles(['RealTimeFunctionality', 'GetCommand']) },
      ],
    });
    expect(created.status).toBe(201);
    [lockdown, responders] = created.body.resources;
    for (const p of [lockdown, responders]) {
      expect((await api('POST', '/policy/entities/response-actions/v1?action_name=add-host-group', { ids: [p.id], action_parameters: [{ name: 'group_id', value: group.id }] })).status).toBe(200);
    }
    expect((await api('POST', '/policy/entities/response-actions/v1?action_name=enable', { ids: [lockdown.id, responders.id] })).status).toBe(200);
    expect((await api('POST', '/policy/entities/response-precedence/v1', { ids: [lockdown.id, responders.id], platform_name: 'Linux' })).status).toBe(200);
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  const issueGet = () =>
    t.server.core.commands.issue({ device_id: agent.deviceId, name: 'get', args: { path: 'evidence.txt' }, cwd: agent.workDir, issued_by: 'test', capability: 'get' });

  it('refuses get with 403 naming the policy and the setting while a policy turning GetCommand off comes first', async () => {
    const members = await api('GET', `/policy/queries/response-members/v1?id=${lockdown.id}`);
    expect(members.body.resources).toEqual([agent.deviceId]);
    const err = await refusal(issueGet());
    expect(err.status).toBe(403);
    expect(err.message).toBe(`response policy "Lockdown" (id ${lockdown.id}) disables GetCommand (get) on this host`);
    // Read-only commands still run.
    const ls = await t.server.core.commands.issue({ device_id: agent.deviceId, name: 'ls', args: { path: '.' }, cwd: agent.workDir, issued_by: 'test' });
    expect((await t.server.core.commands.wait(ls.id, 15_000)).status).toBe('complete');
  });

  it('allows the same get on the next command once a precedence change puts a permissive policy first', async () => {
    const res = await api('POST', '/policy/entities/response-precedence/v1', { ids: [responders.id, lockdown.id], platform_name: 'Linux' });
    expect(res.status).toBe(200);
    const c = await issueGet();
    const done = await t.server.core.commands.wait(c.id, 20_000);
    // Accepted, delivered and run by the agent. Moving the file's bytes is the transfer layer's
    // business: where the server has no transfer minting wired, the agent reports that instead.
    expect(done.sent_at).not.toBeNull();
    if (done.status === 'complete') expect(done.result).toMatchObject({ name: 'evidence.txt', size: 10 });
    else expect(done.error?.code, JSON.stringify(done.error)).toBe('transfer_failed');
    const details = await api('GET', `/devices/entities/devices/v2?ids=${agent.deviceId}`);
    expect(details.body.resources[0].device_policies.remote_response).toMatchObject({ policy_id: responders.id, policy_type: 'remote-response', applied: true });
    expect(details.body.resources[0].rtr_state).toBe('enabled');
  });

  it('refuses sessions and every command when the deciding policy turns RealTimeFunctionality off', async () => {
    const off = await api('PATCH', '/policy/entities/response/v1', { resources: [{ id: responders.id, settings: toggles([], ['GetCommand', 'RealTimeFunctionality']) }] });
    expect(off.status).toBe(200);
    const session = await refusal(t.server.core.guard.check(agent.deviceId, 'session'));
    expect(session.status).toBe(403);
    expect(session.message).toBe(`response policy "Responders" (id ${responders.id}) disables RealTimeFunctionality (Real Time Response) on this host`);
    const ls = await refusal(t.server.core.commands.issue({ device_id: agent.deviceId, name: 'ls', args: { path: '.' }, cwd: agent.workDir, issued_by: 'test' }));
    expect(ls).toMatchObject({ status: 403, kind: 'forbidden_by_policy' });
    // The device record says so: RTR is disabled on the host.
    const rtrState = async () => (await api('GET', `/devices/entities/devices/v2?ids=${agent.deviceId}`)).body.resources[0].rtr_state;
    expect(await rtrState()).toBe('disabled');
    // And over HTTP the session is refused the same way.
    const init = await api('POST', '/real-time-response/entities/sessions/v1', { device_id: agent.deviceId });
    expect(init.status).toBe(403);
    // Disabling that policy hands the host to the next one: sessions allowed, get refused again.
    await api('POST', '/policy/entities/response-actions/v1?action_name=disable', { ids: [responders.id] });
    await t.server.core.guard.check(agent.deviceId, 'session');
    expect(await rtrState()).toBe('enabled');
    expect((await refusal(issueGet())).message).toContain('"Lockdown"');
  });
});
