import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, type TestAgent } from './support/agent.ts';
import { seedHosts } from './support/hosts.ts';
import { rtr, RTR_SCOPES } from './support/rtr.ts';

// Sessions: opening (online, offline, queued), who sees which, expiry, pulse, delete, queues.
describe('Falcon RTR sessions', () => {
  let t: TestServer;
  let agent: TestAgent;
  let offlineLinux: string;
  let offlineWindows: string;
  let admin: ReturnType<typeof rtr>;
  let other: ReturnType<typeof rtr>;

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    const hosts = await seedHosts(t.server.core, 3);
    offlineWindows = hosts[0].device_id;
    offlineLinux = hosts[1].device_id;
    admin = rtr(t, await t.token());
    // A second API client with the same rights: it must not see the first one's sessions.
    other = rtr(t, await t.token([...RTR_SCOPES.admin, 'real-time-response-audit:read']));
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  it('opens a session on an online host with the help of what the caller may run', async () => {
    const res = await admin.init(agent.deviceId, { origin: 'tests' });
    expect(res.status).toBe(201);
    const s = res.body.resources[0];
    expect(s).toMatchObject({ device_id: agent.deviceId, pwd: '/', platform: 'linux', offline_queued: false, previous_commands: [] });
    expect(s.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(s.created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const names = (r: typeof res) => r.body.resources[0].scripts.map((x: { command: string }) => x.command);
    expect(names(res)).toEqual(expect.arrayContaining(['ls', 'rm', 'put', 'run', 'runscript']));

    const reader = rtr(t, await t.token(RTR_SCOPES.read));
    const ro = names(await reader.init(agent.deviceId));
    expect(ro).toContain('ls');
    expect(ro).not.toContain('rm');
    expect(ro).not.toContain('reg'); // Windows-only commands are not offered on Linux
    const responder = rtr(t, await t.token(RTR_SCOPES.active));
    const ar = names(await responder.init(agent.deviceId));
    expect(ar).toEqual(expect.arrayContaining(['rm', 'get', 'runscript']));
    expect(ar).not.toContain('put');
    // Another session on the host is counted.
    expect((await admin.init(agent.deviceId)).body.resources[0].existing_aid_sessions).toBeGreaterThanOrEqual(3);
  });

  it('refuses an offline host unless asked to queue, and an unknown one', async () => {
    const before = (await admin.api('GET', '/real-time-response/queries/sessions/v1')).body.meta.pagination.total;
    const off = await admin.init(offlineLinux);
    expect(off.status).toBe(404);
    expect(off.body.errors).toEqual([{ code: 40407, message: 'Sensor appears to be offline' }]);
    expect((await admin.api('GET', '/real-time-response/queries/sessions/v1')).body.meta.pagination.total).toBe(before);

    const queued = await admin.init(offlineWindows, { queue_offline: true });
    expect(queued.status).toBe(201);
    expect(queued.body.resources[0]).toMatchObject({ offline_queued: true, pwd: 'C:\\', platform: 'windows' });

    const unknown = await admin.init('f'.repeat(32));
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].message).toMatch(/host f+ not found/);
    expect((await admin.init('not-an-id')).status).toBe(400);
    expect((await admin.api('POST', '/real-time-response/entities/sessions/v1', { device_id: agent.deviceId, bogus: 1 })).status).toBe(400);
  });

  it('checks the timeout parameters', async () => {
    const path = '/real-time-response/entities/sessions/v1';
    expect((await t.api('POST', `${path}?timeout=601`, { token: await t.token(), json: { device_id: agent.deviceId } })).status).toBe(400);
    const long = await t.api('POST', `${path}?timeout_duration=11m`, { token: await t.token(), json: { device_id: agent.deviceId } });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].message).toMatch(/at most 10m/);
    expect((await t.api('POST', `${path}?timeout_duration=45s`, { token: await t.token(), json: { device_id: agent.deviceId } })).status).toBe(201);
  });

  it("keeps sessions to their client: another client's session does not exist for it", async () => {
    const sid = await admin.session(agent.deviceId);
    const run = await other.execute(sid, 'pwd');
    expect(run.status).toBe(404);
    expect(run.body.errors[0].message).toBe(`session ${sid} not found`);
    expect((await other.api('DELETE', `/real-time-response/entities/sessions/v1?session_id=${sid}`)).status).toBe(404);
    const listed = await other.api('POST', '/real-time-response/entities/sessions/GET/v1', { ids: [sid] });
    expect(listed.status).toBe(404);
    const mine = await other.api('GET', '/real-time-response/queries/sessions/v1');
    expect(mine.body.resources).not.toContain(sid);
    // Its commands are invisible too.
    const cmd = await admin.execute(sid, 'pwd');
    expect((await other.status(cmd.body.resources[0].cloud_request_id)).status).toBe(404);
    expect((await admin.wait(cmd.body.resources[0].cloud_request_id)).stdout).toBe('/\n');
  });

  it('lists the caller’s live sessions with FQL, sort and paging', async () => {
    const a = await other.session(agent.deviceId, { origin: 'alpha' });
    const b = await other.session(agent.deviceId, { origin: 'beta' });
    const page = await other.api('GET', '/real-time-response/queries/sessions/v1?sort=created_at|desc&limit=1');
    expect(page.status).toBe(200);
    expect(page.body.resources).toEqual([b]);
    expect(page.body.meta.pagination).toMatchObject({ offset: 0, limit: 1, total: 2 });
    const filtered = await other.api('GET', `/real-time-response/queries/sessions/v1?filter=${encodeURIComponent("origin:'alpha'+user_id:'@me'")}`);
    expect(filtered.body.resources).toEqual([a]);
    const bad = await other.api('GET', `/real-time-response/queries/sessions/v1?filter=${encodeURIComponent('nonsense:1')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/unknown property "nonsense"/);

    const details = await other.api('POST', '/real-time-response/entities/sessions/GET/v1', { ids: [a, 'missing'] });
    expect(details.status).toBe(200);
    expect(details.body.resources[0]).toMatchObject({ id: a, device_id: agent.deviceId, origin: 'alpha', logs: [], platform_name: 'Linux' });
    expect(details.body.errors).toEqual([{ code: 404, message: 'session not found: missing', id: 'missing' }]);
  });

  it("aggregates the caller's sessions", async () => {
    const agg = await other.api('POST', '/real-time-response/aggregates/sessions/GET/v1', [{ name: 'origins', field: 'origin', type: 'terms', sort: '_term|asc' }]);
    expect(agg.status).toBe(200);
    expect(agg.body.resources).toEqual([{ name: 'origins', buckets: [{ label: 'alpha', count: 1 }, { label: 'beta', count: 1 }], sum_other_doc_count: 0 }]);
    const bad = await other.api('POST', '/real-time-response/aggregates/sessions/GET/v1', [{ field: 'origin', type: 'median' }]);
    expect(bad.status).toBe(400);
    expect((await other.api('POST', '/real-time-response/aggregates/sessions/GET/v1', [{ field: 'password', type: 'terms' }])).status).toBe(400);
  });

  it('pulses a session, and refuses when the caller has none on the host', async () => {
    const sid = await admin.session(agent.deviceId);
    const pulse = await admin.api('POST', '/real-time-response/entities/refresh-session/v1', { device_id: agent.deviceId });
    expect(pulse.status).toBe(201);
    expect(pulse.body.resources[0].session_id).toBe(sid);
    const none = await admin.api('POST', '/real-time-response/entities/refresh-session/v1', { device_id: offlineLinux });
    expect(none.status).toBe(404);
    expect(none.body.errors[0].message).toMatch(/no live session/);
  });

  it('expires idle sessions, and pulse keeps them alive', async () => {
    const sid = await admin.session(agent.deviceId);
    const past = new Date(Date.now() - 1000).toISOString();
    await t.server.core.store.db.updateTable('rtr_sessions').set({ expires_at: past }).where('id', '=', sid).execute();
    const run = await admin.execute(sid, 'pwd');
    expect(run.status).toBe(404);
    expect(run.body.errors[0].message).toMatch(/has expired after 10 minutes without use/);
    // A pulse pushes a session's expiry 10 minutes out again.
    const fresh = await admin.session(agent.deviceId);
    const soon = new Date(Date.now() + 60_000).toISOString();
    await t.server.core.store.db.updateTable('rtr_sessions').set({ expires_at: soon }).where('id', '=', fresh).execute();
    const pulsed = await admin.api('POST', '/real-time-response/entities/refresh-session/v1', { device_id: agent.deviceId });
    expect(pulsed.body.resources[0].session_id).toBe(fresh);
    const row = await t.server.core.store.db.selectFrom('rtr_sessions').select('expires_at').where('id', '=', fresh).executeTakeFirstOrThrow();
    expect(Date.parse(row.expires_at)).toBeGreaterThan(Date.now() + 9 * 60_000);
  });

  it('deletes a session once; it then takes no commands', async () => {
    const sid = await admin.session(agent.deviceId);
    const del = await admin.api('DELETE', `/real-time-response/entities/sessions/v1?session_id=${sid}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await admin.api('DELETE', `/real-time-response/entities/sessions/v1?session_id=${sid}`)).status).toBe(404);
    const run = await admin.execute(sid, 'ls');
    expect(run.status).toBe(404);
    expect(run.body.errors[0].message).toMatch(/has been deleted/);
    expect((await admin.api('DELETE', '/real-time-response/entities/sessions/v1?session_id=nope')).status).toBe(404);
    expect((await admin.api('DELETE', '/real-time-response/entities/sessions/v1')).status).toBe(400);
  });

  it('queues commands for an offline host, lists them and cancels one', async () => {
    const sid = await admin.session(offlineLinux, { queue_offline: true });
    const first = await admin.execute(sid, 'ls /tmp');
    expect(first.status).toBe(201);
    expect(first.body.resources[0].queued_command_offline).toBe(true);
    const id = first.body.resources[0].cloud_request_id;
    const queued = await admin.api('POST', '/real-time-response/entities/queued-sessions/GET/v1', { ids: [sid] });
    expect(queued.status).toBe(200);
    expect(queued.body.resources[0]).toMatchObject({ id: sid, aid: offlineLinux, status: 'PENDING' });
    expect(queued.body.resources[0].Commands).toMatchObject([{ cloud_request_id: id, command_string: 'ls /tmp', base_command: 'ls', status: 'PENDING' }]);
    expect((await admin.status(id)).body.resources[0].complete).toBe(false);

    expect((await other.api('DELETE', `/real-time-response/entities/queued-sessions/command/v1?session_id=${sid}&cloud_request_id=${id}`)).status).toBe(404);
    const del = await admin.api('DELETE', `/real-time-response/entities/queued-sessions/command/v1?session_id=${sid}&cloud_request_id=${id}`);
    expect(del.status).toBe(204);
    const again = await admin.api('DELETE', `/real-time-response/entities/queued-sessions/command/v1?session_id=${sid}&cloud_request_id=${id}`);
    expect(again.status).toBe(409);
    expect(again.body.errors[0].message).toMatch(/is not queued \(it is cancelled\)/);
    expect((await admin.status(id)).body.resources[0]).toMatchObject({ complete: true, stderr: 'the command was cancelled\n' });
    const after = await admin.api('POST', '/real-time-response/entities/queued-sessions/GET/v1', { ids: [sid] });
    expect(after.body.resources[0].Commands).toEqual([]);

    // Without queue_offline the session refuses commands for its offline host; persist queues one.
    const plain = await admin.session(offlineWindows, { queue_offline: true });
    await t.server.core.store.db.updateTable('rtr_sessions').set({ queue_offline: 0 }).where('id', '=', plain).execute();
    const refused = await admin.execute(plain, 'ls');
    expect(refused.status).toBe(404);
    expect(refused.body.errors).toEqual([{ code: 40407, message: 'Sensor appears to be offline' }]);
    const persisted = await admin.execute(plain, 'ls', 'admin', { persist: true });
    expect(persisted.body.resources[0].queued_command_offline).toBe(true);
    // Ending the session cancels what it still had queued, and the audit trail has it all.
    expect((await admin.api('DELETE', `/real-time-response/entities/sessions/v1?session_id=${plain}`)).status).toBe(204);
    expect((await admin.status(persisted.body.resources[0].cloud_request_id)).body.resources[0].stderr).toBe('the command was cancelled\n');
    const events = await t.server.core.audit.forTarget('rtr_session', plain);
    expect(events.map((e) => e.action).sort()).toEqual(['rtr_command.execute', 'rtr_session.create', 'rtr_session.delete']);
    expect(events.find((e) => e.action === 'rtr_command.execute')!.details).toMatchObject({ base_command: 'ls', command_string: 'ls' });
  });
});
