import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, waitFor, type TestAgent } from './support/agent.ts';
import { seedHosts } from './support/hosts.ts';
import { cbClient, enableResponseSettings, waitCommand, type CbClient } from './support/carbonblack.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const LINUX_COMMANDS = ['directory list', 'process list', 'create process', 'kill', 'delete file', 'get file', 'put file', 'create directory', 'memdump'];

/** The fields every command object of the seed shows, whatever its status. */
function expectCommandShape(body: any, name: string, id: number): void {
  expect(body).toMatchObject({ id, name, values: [], sub_keys: [], result_desc: expect.any(String) });
  expect(body.input.name).toBe(name);
  expect(typeof body.result_code).toBe('number');
  expect(Array.isArray(body.files)).toBe(true);
  expect(body.create_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(body.finish_time).toMatch(ISO);
}

// Seed 003's walkthrough, step by step over HTTP against a real agent running real commands.
describe('Carbon Black Live Response walkthrough', () => {
  let t: TestServer;
  let agent: TestAgent;
  let cb: CbClient;
  let deviceId: number;
  let sid: string;
  let demo: string;
  let next = 0;

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    cb = await cbClient(t);
    // The platform defaults keep high-risk commands off; an administrator turns on what is needed.
    await enableResponseSettings(t, 'Linux', ['RealTimeFunctionality', 'GetCommand', 'PutCommand', 'ExecCommand']);
    demo = path.join(agent.workDir, 'demo');
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  it('bootstrap.json carries the org key and an API key with every live response permission', () => {
    const boot = JSON.parse(fs.readFileSync(path.join(t.dataDir, 'bootstrap.json'), 'utf8'));
    expect(boot.org_key).toMatch(/^[A-Z0-9]{8}$/);
    expect(boot.cb_api_id).toMatch(/^[A-Z0-9]{10}$/);
    expect(boot.cb_api_secret).toMatch(/^[A-Z0-9]{24}$/);
  });

  it('finds the device with the Platform device search and reads it', async () => {
    const host = (await t.server.core.hosts.get(agent.deviceId))!;
    const res = await cb.api('POST', '/devices/_search', { json: { criteria: { os: ['LINUX'] }, query: host.hostname, rows: 10, start: 1, sort: [{ field: 'name', order: 'ASC' }] } });
    expect(res.status).toBe(200);
    expect(res.body.num_found).toBe(1);
    const [d] = res.body.results;
    expect(d).toMatchObject({ name: host.hostname, os: 'LINUX', os_version: host.os_version, status: 'REGISTERED', last_internal_ip_address: host.local_ip, sensor_states: ['LIVE_RESPONSE_ENABLED'] });
    expect(d.last_contact_time).toMatch(ISO);
    deviceId = d.id;
    expect(Number.isSafeInteger(deviceId)).toBe(true);
    const one = await cb.api('GET', `/devices/${deviceId}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(d);
  });

  it('starts a session and polls it to ACTIVE; a second caller joins the same session', async () => {
    const res = await cb.lr('POST', '/sessions', { json: { device_id: deviceId } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ device_id: deviceId, check_in_timeout: 900, session_timeout: 900, current_command_index: 0 });
    expect(res.body.id).toMatch(new RegExp(`^\\d+:${deviceId}$`));
    expect(['PENDING', 'ACTIVE']).toContain(res.body.status);
    expect(res.body.create_time).toMatch(ISO);
    expect(res.body.device_check_in_time).toMatch(ISO);
    sid = res.body.id;

    let session: any;
    await waitFor(async () => (session = (await cb.lr('GET', `/sessions/${sid}`)).body).status === 'ACTIVE', 15_000, 'session ACTIVE');
    const host = (await t.server.core.hosts.get(agent.deviceId))!;
    expect(session).toMatchObject({ id: sid, device_id: deviceId, status: 'ACTIVE', hostname: host.hostname, os_version: host.os_version, current_working_directory: '/', drives: ['/'] });
    expect([...session.supported_commands].sort()).toEqual([...LINUX_COMMANDS].sort());
    expect(session.sensor_check_in_time).toMatch(ISO);

    const other = await cbClient(t, ['org.liveresponse.session:CREATE', 'org.liveresponse.session:READ']);
    const joined = await other.lr('POST', '/sessions', { json: { device_id: deviceId } });
    expect(joined.status).toBe(201);
    expect(joined.body.id).toBe(sid);
    const keepalive = await cb.lr('GET', `/sessions/${sid}/keepalive`);
    expect(keepalive.status).toBe(200);
    expect(keepalive.body.id).toBe(sid);
    const all = await cb.lr('GET', '/sessions');
    expect(all.status).toBe(200);
    expect(all.body.map((s: any) => s.id)).toEqual([sid]);
  });

  it('creates a directory (quick start 1) and reads the status as the seed shows it', async () => {
    const res = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'create directory', path: demo } });
    expect(res.status).toBe(201);
    const id = next++;
    expectCommandShape(res.body, 'create directory', id);
    expect(res.body.input).toEqual({ name: 'create directory', object: demo });
    expect(['PENDING', 'IN_PROGRESS', 'COMPLETE']).toContain(res.body.status);
    const done = await waitCommand(cb, sid, id);
    expect(done.status).toBe(200);
    expectCommandShape(done.body, 'create directory', id);
    expect(done.body).toMatchObject({ status: 'COMPLETE', result_code: 0, result_type: 'WinHresult', result_desc: '' });
    expect(fs.statSync(demo).isDirectory()).toBe(true);
  });

  it('lists the directory', async () => {
    fs.writeFileSync(path.join(agent.workDir, 'note.txt'), 'twelve bytes');
    const res = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'directory list', path: `${agent.workDir}/` } });
    expect(res.status).toBe(201);
    const done = await waitCommand(cb, sid, next++);
    expect(done.body.status).toBe('COMPLETE');
    const byName = Object.fromEntries(done.body.files.map((f: any) => [f.filename, f]));
    expect(byName.demo).toMatchObject({ attributes: ['DIRECTORY'], size: 0, alternate_name: '' });
    expect(byName['note.txt']).toMatchObject({ attributes: ['NORMAL'], size: 12 });
    expect(byName['note.txt'].last_write_time).toMatch(/Z$/);
    expect(byName['note.txt'].last_access_time).toMatch(/Z$/);
  });

  it('creates a process with an output file (quick start 2), gets the file back', async () => {
    const out = path.join(demo, 'output.txt');
    const res = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'create process', path: 'echo hello from riposte; ls /', output_file: out, wait: true } });
    expect(res.status).toBe(201);
    const id = next++;
    expect(res.body.input).toEqual({ name: 'create process', wait: true, output_file: out, object: 'echo hello from riposte; ls /' });
    if (res.body.status === 'PENDING') expect(res.body.process_details).toEqual({ pid: 0, return_code: -1 });
    const done = await waitCommand(cb, sid, id);
    expect(done.body).toMatchObject({ status: 'COMPLETE', result_code: 0, result_type: 'WinHresult', process_details: { return_code: 0 } });
    expect(done.body.process_details.pid).toBeGreaterThan(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^hello from riposte\n/);

    const get = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'get file', path: out } });
    expect(get.status).toBe(201);
    const gotten = await waitCommand(cb, sid, next++);
    expect(gotten.body.status).toBe('COMPLETE');
    const fileId = gotten.body.file_details.file_id;
    expect(gotten.body.file_details).toMatchObject({ offset: 0, count: fs.statSync(out).size });
    const content = await cb.lr('GET', `/sessions/${sid}/files/${fileId}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/octet-stream');
    expect(content.text).toBe(fs.readFileSync(out, 'utf8'));
    const meta = await cb.lr('GET', `/sessions/${sid}/files/${fileId}`);
    expect(meta.body).toEqual({ id: fileId, size: fs.statSync(out).size, file_name: 'output.txt', size_fileed: fs.statSync(out).size, upload_url: null });
  });

  it('uploads a file and puts it on the device (quick start 4-6)', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('example content\n')]), 'example_file.txt');
    const up = await cb.lr('POST', `/sessions/${sid}/files`, { body: form });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ size: 16, file_name: 'example_file.txt', size_fileed: 16, upload_url: null });
    const fileId = up.body.id;
    const listed = await cb.lr('GET', `/sessions/${sid}/files`);
    expect(listed.body.map((f: any) => f.id)).toContain(fileId);

    const dest = path.join(demo, 'example_file.txt');
    const put = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'put file', path: dest, file_id: fileId } });
    expect(put.status).toBe(201);
    expect(put.body.input).toEqual({ file_id: fileId, name: 'put file', object: dest });
    const done = await waitCommand(cb, sid, next++);
    expect(done.body).toMatchObject({ status: 'COMPLETE', result_code: 0, result_type: 'WinHresult', name: 'put file' });
    expect(fs.readFileSync(dest, 'utf8')).toBe('example content\n');

    const del = await cb.lr('DELETE', `/sessions/${sid}/files/${fileId}`);
    expect(del.status).toBe(204);
    expect((await cb.lr('GET', `/sessions/${sid}/files/${fileId}`)).status).toBe(404);
  });

  it('lists processes and kills one (quick start, create process then kill)', async () => {
    const start = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'create process', path: 'sleep 300', wait: false } });
    expect(start.status).toBe(201);
    const started = await waitCommand(cb, sid, next++);
    expect(started.body).toMatchObject({ status: 'COMPLETE', process_details: { return_code: 0 } });
    const pid = started.body.process_details.pid;
    expect(pid).toBeGreaterThan(0);

    const ps = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'process list' } });
    expect(ps.body.processes).toEqual([]);
    const listed = await waitCommand(cb, sid, next++);
    const mine = listed.body.processes.find((p: any) => p.process_pid === pid);
    expect(mine).toMatchObject({ process_pid: pid, process_cmdline: expect.stringContaining('sleep 300') });
    expect(typeof mine.parent_pid).toBe('number');
    expect(typeof mine.process_username).toBe('string');

    const kill = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'kill', pid } });
    expect(kill.status).toBe(201);
    expect(kill.body.input).toEqual({ name: 'kill', object: pid });
    const killed = await waitCommand(cb, sid, next++);
    expect(killed.body).toMatchObject({ status: 'COMPLETE', result_code: 0 });
    await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 5000, 'process gone');
  });

  it('deletes a file on the device; a failure is an ERROR with an HRESULT', async () => {
    const target = path.join(demo, 'output.txt');
    await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'delete file', path: target } });
    expect((await waitCommand(cb, sid, next++)).body.status).toBe('COMPLETE');
    expect(fs.existsSync(target)).toBe(false);
    await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'delete file', object: target } });
    const failed = await waitCommand(cb, sid, next++);
    expect(failed.body).toMatchObject({ status: 'ERROR', result_code: -2147024894, result_type: 'WinHresult' });
    expect(failed.body.result_desc).toMatch(/output\.txt/);
  });

  it('memdump is refused by the response policy, naming the policy and the setting', async () => {
    const res = await cb.lr('POST', `/sessions/${sid}/commands`, { json: { name: 'memdump', path: '/tmp/mem.dmp' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, error_code: 'Forbidden' });
    expect(res.body.message).toMatch(/MemDumpCommand/);
  });

  it('lists the session\'s commands in order; the Falcon RTR audit shows them under the API key', async () => {
    const list = await cb.lr('GET', `/sessions/${sid}/commands`);
    expect(list.status).toBe(200);
    expect(list.body.map((c: any) => c.id)).toEqual([...Array(next).keys()]);
    const token = await t.token();
    const audit = await t.api('GET', `/real-time-response-audit/combined/sessions/v1?filter=${encodeURIComponent(`origin:'carbonblack'`)}&with_command_info=true`, { token });
    expect(audit.status).toBe(200);
    const [s] = audit.body.resources;
    expect(s.origin).toBe('carbonblack');
    expect(s.user_id).toBe(`cb:${t.server.bootstrap!.cb_api_id}`);
    const commands = s.logs.map((l: any) => l.base_command);
    expect(commands).toEqual(expect.arrayContaining(['create directory', 'directory list', 'create process', 'get file', 'put file', 'kill']));
  });

  it('cancels a PENDING command on an offline device; the device never gets it', async () => {
    const [offline] = await seedHosts(t.server.core, 1, () => ({ platform_name: 'Linux', hostname: 'cb-offline' }));
    const start = await cb.lr('POST', '/sessions', { json: { device_id: offline.cb_device_id } });
    expect(start.status).toBe(201);
    expect(start.body.status).toBe('PENDING');
    const osid = start.body.id;
    const issued = await cb.lr('POST', `/sessions/${osid}/commands`, { json: { name: 'put file', path: '/tmp/x', file_id: 'nope' } });
    expect(issued.status).toBe(400);
    const dir = await cb.lr('POST', `/sessions/${osid}/commands`, { json: { name: 'directory list', path: '/etc' } });
    expect(dir.body).toMatchObject({ id: 0, status: 'PENDING' });
    const cancelled = await cb.lr('DELETE', `/sessions/${osid}/commands/0`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: 0, status: 'CANCELLED', name: 'directory list', result_type: 'WinHresult' });
    const again = await cb.lr('DELETE', `/sessions/${osid}/commands/0`);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ success: false, error_code: 'BadRequest', message: expect.stringMatching(/CANCELLED; only PENDING/) });
    const pending = await t.server.core.commands.pendingFor(offline.device_id);
    expect(pending.filter((c) => c.name === 'ls')).toEqual([]);
    expect((await cb.lr('DELETE', `/sessions/${osid}`)).status).toBe(204);
  });

  it('closes the session; then there are none (204)', async () => {
    const res = await cb.lr('DELETE', `/sessions/${sid}`);
    expect(res.status).toBe(204);
    const gone = await cb.lr('GET', `/sessions/${sid}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, error_code: 'NotFound', message: expect.stringMatching(/closed/) });
    const none = await cb.lr('GET', '/sessions');
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
  });

  it('disables live response on the device for good', async () => {
    const res = await cb.lr('POST', '/kill', { json: [deviceId] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sid, device_id: deviceId, check_in_timeout: 900, session_timeout: 900 });
    const start = await cb.lr('POST', '/sessions', { json: { device_id: deviceId } });
    expect(start.status).toBe(403);
    expect(start.body).toMatchObject({ success: false, error_code: 'Forbidden', message: expect.stringMatching(/disabled/) });
    expect((await cb.api('GET', `/devices/${deviceId}`)).body.sensor_states).toEqual(['LIVE_RESPONSE_DISABLED']);
  });

  it('recorded every action in the audit trail under the API key', async () => {
    const actor = `cb:${t.server.bootstrap!.cb_api_id}`;
    const rows = await t.server.core.store.db.selectFrom('audit_events').select('action').where('actor', '=', actor).execute();
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['cb_session.start', 'rtr_session.create', 'rtr_command.execute', 'cb_file.upload', 'cb_file.delete', 'cb_command.cancel', 'cb_session.close', 'cb_live_response.disable']) {
      expect(actions.has(a), a).toBe(true);
    }
  });
});
