import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, type TestAgent } from './support/agent.ts';
import { seedHosts } from './support/hosts.ts';
import { allowAllCommands, apiClient, rtr, RTR_SCOPES } from './support/rtr.ts';

const INIT = '/real-time-response/combined/batch-init-session/v1';
const CMD = '/real-time-response/combined/batch-command/v1';
const AR = '/real-time-response/combined/batch-active-responder-command/v1';
const ADMIN = '/real-time-response/combined/batch-admin-command/v1';
const REFRESH = '/real-time-response/combined/batch-refresh-session/v1';

// Batches: one real agent plus registered hosts that are offline, so every per-host outcome shows.
describe('Falcon RTR batches', () => {
  let t: TestServer;
  let agent: TestAgent;
  let offline: string[];
  let api: ReturnType<typeof rtr>['api'];

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    await allowAllCommands(t);
    offline = (await seedHosts(t.server.core, 3)).map((h) => h.device_id);
    api = rtr(t, await t.token()).api;
    fs.writeFileSync(path.join(agent.workDir, 'marker.txt'), 'batch\n');
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  it('opens sessions per host and reports the offline and unknown ones', async () => {
    const unknown = 'e'.repeat(32);
    const res = await api('POST', INIT, { host_ids: [agent.deviceId, ...offline, unknown, agent.deviceId] });
    expect(res.status).toBe(201);
    expect(res.body.batch_id).toMatch(/^[0-9a-f-]{36}$/);
    const r = res.body.resources;
    expect(Object.keys(r).sort()).toEqual([agent.deviceId, ...offline, unknown].sort());
    expect(r[agent.deviceId]).toMatchObject({ aid: agent.deviceId, complete: true, errors: [], offline_queued: false });
    expect(r[agent.deviceId].session_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const id of offline) expect(r[id]).toMatchObject({ session_id: '', errors: [{ code: 40407, message: 'Sensor appears to be offline' }] });
    expect(r[unknown].errors[0]).toMatchObject({ code: 404, message: `host ${unknown} not found` });
  });

  it('fails with 404 and creates nothing when no host can have a session', async () => {
    const res = await api('POST', INIT, { host_ids: offline });
    expect(res.status).toBe(404);
    expect(res.body.batch_id).toBe('');
    expect(res.body.errors[0].message).toMatch(/no session could be opened on any of the 3 host/);
    expect(Object.values(res.body.resources).every((h: any) => h.errors[0].code === 40407)).toBe(true);
    const rows = await t.server.core.store.db.selectFrom('rtr_sessions').select('id').where('device_id', 'in', offline).execute();
    expect(rows).toEqual([]);
  });

  it('refuses empty and oversized batches and bad timeouts', async () => {
    const none = await api('POST', INIT, { host_ids: [] });
    expect(none.status).toBe(400);
    expect(none.body.errors[0].message).toMatch(/host_ids/);
    const many = await api('POST', INIT, { host_ids: Array.from({ length: 10_001 }, (_, i) => i.toString(16).padStart(32, '0')) });
    expect(many.status).toBe(400);
    expect(many.body.errors[0].message).toMatch(/host_ids: must NOT have more than 10000 items/);
    expect((await api('POST', `${INIT}?timeout=0`, { host_ids: [agent.deviceId] })).status).toBe(400);
    expect((await api('POST', `${INIT}?timeout_duration=20m`, { host_ids: [agent.deviceId] })).status).toBe(400);
    const host = await api('POST', `${CMD}?timeout=5&host_timeout_duration=10s`, { batch_id: 'x', base_command: 'ls', command_string: 'ls' });
    expect(host.status).toBe(400);
    expect(host.body.errors[0].message).toMatch(/host_timeout_duration \(10s\) cannot be longer than the request timeout \(5s\)/);
  });

  it('runs a command on every host of the batch and reports each, queued ones included', async () => {
    const init = await api('POST', INIT, { host_ids: [agent.deviceId, ...offline], queue_offline: true });
    expect(init.status).toBe(201);
    const batch_id = init.body.batch_id;
    for (const id of offline) expect(init.body.resources[id]).toMatchObject({ offline_queued: true, errors: [] });

    const cd = await api('POST', CMD, { batch_id, base_command: 'cd', command_string: `cd ${agent.workDir}` });
    expect(cd.status).toBe(201);
    // Sessions queued for offline hosts queue their commands too.
    for (const id of offline) expect(cd.body.combined.resources[id]).toMatchObject({ complete: false, offline_queued: true, errors: [] });
    expect(cd.body.combined.resources[agent.deviceId]).toMatchObject({ complete: true, stdout: `${agent.workDir}\n`, errors: [], base_command: 'cd' });

    const ls = await api('POST', `${CMD}?timeout=20`, { batch_id, base_command: 'ls', command_string: 'ls', persist_all: true });
    expect(ls.status).toBe(201);
    const mine = ls.body.combined.resources[agent.deviceId];
    expect(mine).toMatchObject({ aid: agent.deviceId, complete: true, errors: [], stderr: '', offline_queued: false });
    expect(mine.stdout).toMatch(/marker\.txt/);
    expect(mine.task_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(mine.query_time).toBeGreaterThanOrEqual(0);
    for (const id of offline) expect(ls.body.combined.resources[id]).toMatchObject({ complete: false, offline_queued: true, errors: [] });
    // Sessions that do not queue refuse offline hosts per host, unless persist_all asks to queue.
    await t.server.core.store.db.updateTable('rtr_sessions').set({ queue_offline: 0 }).where('batch_id', '=', batch_id).execute();
    const refused = await api('POST', CMD, { batch_id, base_command: 'pwd', command_string: 'pwd' });
    for (const id of offline) expect(refused.body.combined.resources[id].errors).toEqual([{ code: 40407, message: 'Sensor appears to be offline' }]);
    expect(refused.body.combined.resources[agent.deviceId]).toMatchObject({ complete: true, stdout: `${agent.workDir}\n` });
    const persisted = await api('POST', CMD, { batch_id, base_command: 'pwd', command_string: 'pwd', persist_all: true });
    for (const id of offline) expect(persisted.body.combined.resources[id]).toMatchObject({ offline_queued: true, errors: [] });
    // Each host's command is an ordinary command of its session.
    const status = await api('GET', `/real-time-response/entities/command/v1?cloud_request_id=${mine.task_id}&sequence_id=0`);
    expect(status.body.resources[0].stdout).toBe(mine.stdout);

    // A subset, with a host that is not in the batch.
    const sub = await api('POST', AR, { batch_id, base_command: 'mkdir', command_string: 'mkdir from-batch', optional_hosts: [agent.deviceId, 'f'.repeat(32)] });
    expect(Object.keys(sub.body.combined.resources).sort()).toEqual([agent.deviceId, 'f'.repeat(32)].sort());
    expect(sub.body.combined.resources['f'.repeat(32)].errors[0]).toMatchObject({ code: 404 });
    expect(fs.existsSync(path.join(agent.workDir, 'from-batch'))).toBe(true);

    const run = await api('POST', ADMIN, { batch_id, base_command: 'run', command_string: 'run /bin/cat -CommandLine=marker.txt -Wait', optional_hosts: [agent.deviceId] });
    expect(run.body.combined.resources[agent.deviceId]).toMatchObject({ complete: true, stdout: 'batch\n' });
  });

  it("logs a batch command under each host's session: status by task_id, history, audit, and nobody else's", async () => {
    const { batch_id, resources } = (await api('POST', INIT, { host_ids: [agent.deviceId] })).body;
    const sessionId = resources[agent.deviceId].session_id;
    const first = (await api('POST', CMD, { batch_id, base_command: 'ls', command_string: 'ls marker.txt' })).body.combined.resources[agent.deviceId];
    const second = (await api('POST', CMD, { batch_id, base_command: 'pwd', command_string: 'pwd' })).body.combined.resources[agent.deviceId];
    expect(first).toMatchObject({ complete: true, session_id: sessionId });

    const status = await api('GET', `/real-time-response/entities/command/v1?cloud_request_id=${first.task_id}&sequence_id=0`);
    expect(status.body.resources[0]).toMatchObject({ complete: true, base_command: 'ls', session_id: sessionId, stdout: first.stdout });
    const history = (await api('POST', CMD, { batch_id, base_command: 'history', command_string: 'history' })).body.combined.resources[agent.deviceId];
    expect(history.stdout.indexOf('ls marker.txt')).toBeGreaterThanOrEqual(0);
    expect(history.stdout.indexOf('ls marker.txt')).toBeLessThan(history.stdout.indexOf('pwd'));

    const auditor = rtr(t, (await apiClient(t, ['real-time-response-audit:read'], 'batch auditor')).token);
    const audit = await auditor.api('GET', `/real-time-response-audit/combined/sessions/v1?with_command_info=true&filter=${encodeURIComponent(`id:'${sessionId}'`)}`);
    const logs = audit.body.resources[0].logs as { base_command: string; command_string: string; cloud_request_id: string }[];
    expect(logs.map((l) => l.command_string)).toEqual(['ls marker.txt', 'pwd', 'history']);
    expect(logs.map((l) => l.cloud_request_id).slice(0, 2)).toEqual([first.task_id, second.task_id]);

    const other = rtr(t, (await apiClient(t, RTR_SCOPES.admin, 'another client')).token);
    expect((await other.api('GET', `/real-time-response/entities/command/v1?cloud_request_id=${first.task_id}&sequence_id=0`)).status).toBe(404);
  });

  it('reports hosts that do not answer in time, and refuses commands above the tier or badly written', async () => {
    const { batch_id } = (await api('POST', INIT, { host_ids: [agent.deviceId] })).body;
    const slow = await api('POST', `${AR}?timeout=1&host_timeout_duration=900ms`, { batch_id, base_command: 'runscript', command_string: 'runscript -Raw=```sleep 3```' });
    expect(slow.status).toBe(201);
    const r = slow.body.combined.resources[agent.deviceId];
    expect(r.complete).toBe(false);
    expect(r.errors[0]).toMatchObject({ code: 408 });
    expect(r.errors[0].message).toMatch(/did not answer within 1s/);

    const rm = await api('POST', CMD, { batch_id, base_command: 'rm', command_string: 'rm /tmp/x' });
    expect(rm.status).toBe(400);
    expect(rm.body.errors[0].message).toMatch(/"rm" is an active-responder command.*BatchActiveResponderCmd/);
    expect((await api('POST', CMD, { batch_id, base_command: 'ls', command_string: 'ls "unterminated' })).status).toBe(400);
    const unknown = await api('POST', CMD, { batch_id: 'no-such-batch', base_command: 'ls', command_string: 'ls' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].message).toBe('batch no-such-batch not found');
    // Another client's batch does not exist for it.
    const other = rtr(t, await t.token(RTR_SCOPES.admin));
    expect((await other.api('POST', CMD, { batch_id, base_command: 'ls', command_string: 'ls' })).status).toBe(404);
    expect((await other.api('POST', INIT, { host_ids: [agent.deviceId], existing_batch_id: batch_id })).status).toBe(404);
  });

  it('adds hosts to a batch, refreshes it and removes hosts', async () => {
    const first = await api('POST', INIT, { host_ids: [offline[0]], queue_offline: true });
    const batch_id = first.body.batch_id;
    const more = await api('POST', INIT, { host_ids: [agent.deviceId, offline[0]], existing_batch_id: batch_id });
    expect(more.body.batch_id).toBe(batch_id);
    expect(Object.keys(more.body.resources).sort()).toEqual([agent.deviceId, offline[0]].sort());
    expect(more.body.resources[offline[0]].session_id).toBe(first.body.resources[offline[0]].session_id);

    const refreshed = await api('POST', REFRESH, { batch_id, hosts_to_remove: [offline[0]] });
    expect(refreshed.status).toBe(201);
    expect(refreshed.body.resources).toEqual({ [agent.deviceId]: { aid: agent.deviceId, session_id: more.body.resources[agent.deviceId].session_id, errors: [] } });
    const ls = await api('POST', CMD, { batch_id, base_command: 'pwd', command_string: 'pwd' });
    expect(Object.keys(ls.body.combined.resources)).toEqual([agent.deviceId]);
    expect((await api('POST', REFRESH, { batch_id: 'nope' })).status).toBe(404);

    // An expired batch is gone.
    await t.server.core.store.db.updateTable('rtr_batches').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', batch_id).execute();
    const expired = await api('POST', CMD, { batch_id, base_command: 'pwd', command_string: 'pwd' });
    expect(expired.status).toBe(404);
    expect(expired.body.errors[0].message).toMatch(/has expired/);
  });
});
