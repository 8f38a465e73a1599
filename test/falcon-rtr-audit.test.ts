import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, type TestAgent } from './support/agent.ts';
import { apiClient, rtr, RTR_SCOPES } from './support/rtr.ts';

const AUDIT = '/real-time-response-audit/combined/sessions/v1';

// The audit shows every client's sessions with what ran in them; it needs its own scope.
describe('Falcon RTR session audit', () => {
  let t: TestServer;
  let agent: TestAgent;
  let auditor: ReturnType<typeof rtr>;
  let alice: { clientId: string; sid: string; cmd: string };
  let bob: { clientId: string; sid: string };

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    auditor = rtr(t, (await apiClient(t, ['real-time-response-audit:read'], 'auditor')).token);
    const a = await apiClient(t, RTR_SCOPES.active, 'alice');
    const ra = rtr(t, a.token);
    const asid = await ra.session(agent.deviceId, { origin: 'alice-console' });
    await ra.run(asid, `cd ${agent.workDir}`, 'read');
    const ls = await ra.run(asid, 'ls', 'read');
    alice = { clientId: a.clientId, sid: asid, cmd: ls.cloud_request_id };
    const b = await apiClient(t, RTR_SCOPES.read, 'bob');
    const rb = rtr(t, b.token);
    const bsid = await rb.session(agent.deviceId, { origin: 'bob-script' });
    await rb.run(bsid, 'help', 'read');
    await rb.api('DELETE', `/real-time-response/entities/sessions/v1?session_id=${bsid}`);
    bob = { clientId: b.clientId, sid: bsid };
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  it("lists every client's sessions, newest first, with their command logs", async () => {
    const res = await auditor.api('GET', AUDIT);
    expect(res.status).toBe(200);
    expect(res.body.resources.map((s: { id: string }) => s.id)).toEqual([bob.sid, alice.sid]);
    expect(res.body.meta.pagination).toMatchObject({ offset: 0, limit: 100, total: 2 });
    const [b, a] = res.body.resources;
    expect(a).toMatchObject({ id: alice.sid, cid: t.server.core.cid, device_id: agent.deviceId, user_id: alice.clientId, user_uuid: alice.clientId, user_name: 'alice', origin: 'alice-console', deleted_at: null, platform_name: 'Linux', pwd: agent.workDir });
    expect(a.logs.map((l: { command_string: string }) => l.command_string)).toEqual([`cd ${agent.workDir}`, 'ls']);
    expect(a.logs[1]).toMatchObject({ id: 2, session_id: alice.sid, cloud_request_id: alice.cmd, base_command: 'ls', current_directory: agent.workDir });
    expect(a.logs[1].response).toBeUndefined();
    expect(a.cloud_request_ids).toContain(alice.cmd);
    expect(b.deleted_at).not.toBeNull();
    expect(b.logs[0]).toMatchObject({ base_command: 'help', current_directory: '/' });
  });

  it('adds each command’s response with with_command_info', async () => {
    const res = await auditor.api('GET', `${AUDIT}?with_command_info=true&filter=${encodeURIComponent(`id:'${alice.sid}'`)}`);
    expect(res.body.resources).toHaveLength(1);
    const ls = res.body.resources[0].logs[1];
    expect(ls.response).toMatchObject({ complete: true, stderr: '', task_id: alice.cmd });
    expect(ls.response.stdout).toContain(`${agent.workDir}:`);
  });

  it('filters, sorts and pages', async () => {
    const byUser = await auditor.api('GET', `${AUDIT}?filter=${encodeURIComponent(`user_id:'${bob.clientId}'`)}`);
    expect(byUser.body.resources.map((s: { id: string }) => s.id)).toEqual([bob.sid]);
    const deleted = await auditor.api('GET', `${AUDIT}?filter=${encodeURIComponent('deleted_at:!null')}`);
    expect(deleted.body.resources.map((s: { id: string }) => s.id)).toEqual([bob.sid]);
    const asc = await auditor.api('GET', `${AUDIT}?sort=created_at&limit=1&offset=1`);
    expect(asc.body.resources.map((s: { id: string }) => s.id)).toEqual([bob.sid]);
    expect(asc.body.meta.pagination).toMatchObject({ offset: 1, limit: 1, total: 2 });
    expect((await auditor.api('GET', `${AUDIT}?sort=updated_at|desc`)).status).toBe(200);
  });

  it('refuses bad filters, sorts and limits, and callers without the audit scope', async () => {
    const badSort = await auditor.api('GET', `${AUDIT}?sort=color|desc`);
    expect(badSort.status).toBe(400);
    expect(badSort.body.errors[0].message).toMatch(/unknown property "color"/);
    expect((await auditor.api('GET', `${AUDIT}?filter=${encodeURIComponent("device_id:'")}`)).status).toBe(400);
    expect((await auditor.api('GET', `${AUDIT}?limit=1001`)).status).toBe(400);
    expect((await auditor.api('GET', `${AUDIT}?with_command_info=perhaps`)).status).toBe(400);
    const responder = rtr(t, await t.token(RTR_SCOPES.admin));
    const denied = await responder.api('GET', AUDIT);
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].message).toMatch(/real-time-response-audit:read/);
  });
});
