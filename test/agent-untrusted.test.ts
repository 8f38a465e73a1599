import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT_PROTOCOL_VERSION } from '@riposte/spec';
import { startFleet, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { enroll } from '../packages/agent/src/transport/identity.ts';
import { OsExecutor } from '../packages/agent/src/commands/os-executor.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor } from './support/agent.ts';
import { allowAllCommands, rtr } from './support/rtr.ts';

const FLEET = 20;
const FILES_V2 = '/real-time-response/entities/file/v2';
const CONTENTS = '/real-time-response/entities/extracted-file-contents/v1';
const BATCH_GET = '/real-time-response/combined/batch-get-command/v1';

// A compromised host: an agent enrolled with the enrollment token and driven by hand over the
// real WebSocket protocol, beside simulated hosts. Whatever it sends reaches no other host's
// commands, results or files, and cannot stop the server taking everyone else's results.
describe('agents are untrusted input', () => {
  let t: TestServer;
  let fleet: SimulatedFleet;
  let stateDir: string;
  let client: ReturnType<typeof rtr>;

  beforeAll(async () => {
    t = await startTestServer();
    await allowAllCommands(t);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-untrusted-'));
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: FLEET, platform: 'linux', stateDir, seed: 'untrusted' });
    await fleet.waitConnected(FLEET, 30_000);
    client = rtr(t, await t.token());
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await t?.close();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** A hand-driven agent: enrolled, connected, welcomed; every frame it receives is kept. */
  async function handAgent(hostname: string, tags: string[] = []) {
    const inventory = { ...(await new OsExecutor({ agentVersion: '0.1.0' }).inventory()), hostname, tags };
    const identity = await enroll(t.url, t.enrollToken, inventory);
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Agent ${identity.device_id}:${identity.agent_secret}` } });
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'hello', protocol: AGENT_PROTOCOL_VERSION, inventory }));
    await waitFor(() => frames.some((f) => f.t === 'welcome'), 10_000, `${hostname} welcomed`);
    const command = async (name: string) => {
      await waitFor(() => frames.some((f) => f.t === 'command' && f.command.name === name), 15_000, `a ${name} command for ${hostname}`);
      return frames.find((f) => f.t === 'command' && f.command.name === name);
    };
    const send = (frame: unknown) => ws.send(JSON.stringify(frame));
    return { deviceId: identity.device_id, inventory, ws, frames, closed, command, send };
  }

  const audited = async (targetType: string, targetId: string, action: string) =>
    (await t.server.core.audit.forTarget(targetType, targetId)).filter((e) => e.action === action);

  it('takes every other host’s results while one agent floods frames nested 10,000 deep, and disconnects it', async () => {
    const flooder = await handAgent('flooder');
    let deep = '{"x":1}';
    for (let i = 0; i < 10_000; i++) deep = `{"a":${deep}}`;
    const deepResult = (id: string) => `{"t":"result","id":"${id}","result":{"ok":true,"data":${deep},"cwd":"/"}}`;
    let flooding = true;
    const flood = (async () => {
      for (let i = 0; flooding && flooder.ws.readyState === WebSocket.OPEN; i++) {
        const mine = flooder.frames.find((f) => f.t === 'command');
        flooder.ws.send(deepResult(mine?.command.id ?? `flood-${i}`));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      const hosts = [...fleet.agents.map((a) => a.deviceId), flooder.deviceId];
      const init = await client.api('POST', '/real-time-response/combined/batch-init-session/v1', { host_ids: hosts });
      expect(init.status).toBe(201);
      // The flooder never answers its own command: the call waits out its timeout for that one host.
      const cmd = await client.api('POST', '/real-time-response/combined/batch-command/v1?timeout=8', { batch_id: init.body.batch_id, base_command: 'ls', command_string: 'ls /etc' });
      expect(cmd.status).toBe(201);
      const resources = cmd.body.combined.resources;
      const done = fleet.agents.filter((a) => resources[a.deviceId]?.complete === true && resources[a.deviceId].stdout.includes('passwd'));
      expect(done.length).toBe(FLEET);
    } finally {
      flooding = false;
      await flood;
    }
    expect(await flooder.closed).toBe(1008);
    expect(flooder.frames.some((f) => f.t === 'error' && /nested deeper than/.test(f.message))).toBe(true);
    expect(await audited('host', flooder.deviceId, 'agent.disconnected')).toHaveLength(1);
    expect((await audited('host', flooder.deviceId, 'agent.frame_refused')).length).toBeGreaterThan(0);
  }, 60_000);

  it('stores a get result with malformed fields as that command’s error; session and batch status keep answering', async () => {
    const liar = await handAgent('malformed-get');
    const honest = fleet.agents[0].deviceId;
    const init = await client.api('POST', '/real-time-response/combined/batch-init-session/v1', { host_ids: [liar.deviceId, honest] });
    expect(init.status).toBe(201);
    const get = await client.api('POST', `${BATCH_GET}?timeout=1`, { batch_id: init.body.batch_id, file_path: '/etc/passwd' });
    expect(get.status).toBe(201);
    const reqId = get.body.batch_get_cmd_req_id;
    const frame = await liar.command('get');
    expect(frame.transfer?.token).toBeTruthy();
    liar.send({ t: 'result', id: frame.command.id, result: { ok: true, data: { path: '/etc/passwd', name: 'passwd', size: 'big', sha256: 'x' }, cwd: '/' } });

    const command = await t.server.core.commands.wait(frame.command.id, 10_000);
    expect(command.status).toBe('error');
    expect(command.error).toMatchObject({ code: 'invalid_result', message: expect.stringMatching(/get result was refused: \/size/) });
    expect(liar.frames.some((f) => f.t === 'error' && /refused/.test(f.message))).toBe(true);
    expect(await audited('command', frame.command.id, 'agent.result_refused')).toHaveLength(1);
    await t.server.core.commands.wait(get.body.combined.resources[honest].task_id, 15_000);

    const status = await client.api('GET', `${BATCH_GET}?batch_get_cmd_req_id=${reqId}`);
    expect(status.status).toBe(200);
    expect(status.body.resources[honest]).toMatchObject({ name: '/etc/passwd', size: expect.any(Number) });
    expect(status.body.resources[liar.deviceId]).toBeUndefined();
    expect(status.body.errors).toEqual([expect.objectContaining({ id: liar.deviceId, message: expect.stringMatching(/refused/) })]);

    const sessionId = get.body.combined.resources[liar.deviceId].session_id;
    const files = await client.api('GET', `${FILES_V2}?session_id=${sessionId}`);
    expect(files.status).toBe(200);
    expect(files.body.resources).toMatchObject([{ complete: false, status: 'FAILED' }]);
    const check = await client.status(frame.command.id);
    expect(check.status).toBe(200);
    expect(check.body.resources[0]).toMatchObject({ complete: true, stderr: expect.stringMatching(/refused/) });
  }, 60_000);

  it('refuses a started frame for another host’s queued command: it stays queued and cancellable', async () => {
    const intruder = await handAgent('intruder');
    const victim = await t.server.core.hosts.register({ hostname: 'victim-offline', platform_name: 'Linux' });
    const sid = await client.session(victim.device_id, { queue_offline: true });
    const queued = await client.execute(sid, 'ls /tmp');
    expect(queued.status).toBe(201);
    const id = queued.body.resources[0].cloud_request_id;

    intruder.send({ t: 'started', id });
    intruder.send({ t: 'result', id, result: { ok: true, data: { path: '/tmp', entries: [] }, cwd: '/' } });
    await waitFor(() => intruder.frames.filter((f) => f.t === 'error' && f.message.includes(id)).length === 2, 5000, 'both frames refused');
    await t.server.core.commands.flush();
    expect((await t.server.core.commands.get(id))!.status).toBe('queued');
    expect(await audited('command', id, 'agent.foreign_command')).toHaveLength(2);

    const list = await client.api('POST', '/real-time-response/entities/queued-sessions/GET/v1', { ids: [sid] });
    expect(list.body.resources[0].Commands).toMatchObject([{ cloud_request_id: id, status: 'PENDING' }]);
    const del = await client.api('DELETE', `/real-time-response/entities/queued-sessions/command/v1?session_id=${sid}&cloud_request_id=${id}`);
    expect(del.status).toBe(204);
    expect((await t.server.core.commands.get(id))!.status).toBe('cancelled');
  }, 30_000);

  it('records a retrieved file from the upload the server received, never from a blob the agent names', async () => {
    const thief = await handAgent('blob-thief');
    const evidence = await t.server.core.blobs.put(Readable.from([Buffer.from('another host’s evidence')]));
    const sid = await client.session(thief.deviceId);
    const exec = await client.execute(sid, 'get /etc/shadow', 'active');
    expect(exec.status).toBe(201);
    const frame = await thief.command('get');
    // No upload with its token: just a result naming the other blob.
    thief.send({ t: 'result', id: frame.command.id, result: { ok: true, data: { path: '/etc/shadow', name: 'shadow', size: evidence.size, sha256: evidence.sha256 }, cwd: '/' } });
    const done = await t.server.core.commands.wait(frame.command.id, 10_000);
    // The command's own status does not repeat the claimed hash either: it failed, saying why.
    expect(done.error).toMatchObject({ code: 'invalid_result', message: expect.stringMatching(/did not upload/) });
    const status = await client.status(frame.command.id);
    expect(status.body.resources[0]).toMatchObject({ complete: true, stderr: expect.stringMatching(/did not upload/) });
    expect(status.body.resources[0].stdout).not.toContain(evidence.sha256);

    const files = await client.api('GET', `${FILES_V2}?session_id=${sid}`);
    expect(files.status).toBe(200);
    expect(files.body.resources).toMatchObject([{ complete: false, status: 'FAILED' }]);
    expect(files.body.resources[0].sha256).not.toBe(evidence.sha256);
    expect((await client.api('GET', `${CONTENTS}?session_id=${sid}&sha256=${evidence.sha256}`)).status).toBe(404);
  }, 30_000);

  it('keeps only SensorGroupingTags from an agent and audits the rest', async () => {
    const vip = await handAgent('tag-forger', ['FalconGroupingTags/vip', 'SensorGroupingTags/web', 'db', 'bad tag!']);
    const tags = async () => (await t.server.core.hosts.get(vip.deviceId))!.tags.slice().sort();
    expect(await tags()).toEqual(['SensorGroupingTags/db', 'SensorGroupingTags/web']);
    expect((await audited('host', vip.deviceId, 'agent.tags_refused')).length).toBeGreaterThan(0);
    // A later inventory report is held to the same rule.
    vip.send({ t: 'inventory', inventory: { ...vip.inventory, tags: ['FalconGroupingTags/crown-jewels', 'SensorGroupingTags/later'] } });
    await waitFor(async () => (await tags()).includes('SensorGroupingTags/later'), 5000, 'the later report');
    expect(await tags()).not.toContain('FalconGroupingTags/crown-jewels');
  }, 30_000);

  it('fails a command whose transfer token cannot be minted, with the reason, instead of letting it time out', async () => {
    const agent = await handAgent('no-token');
    const c = await t.server.core.commands.issue({ device_id: agent.deviceId, name: 'put', args: { sha256: '0'.repeat(64), name: 'missing.bin', size: 1 }, issued_by: 'test', timeout_ms: 60_000 });
    const done = await t.server.core.commands.wait(c.id, 10_000);
    expect(done.status).toBe('error');
    expect(done.error).toMatchObject({ code: 'transfer_failed', message: expect.stringMatching(/could not authorise .* file transfer: blob 0+ not found/) });
    expect(agent.frames.some((f) => f.t === 'command' && f.command.id === c.id)).toBe(false);
  }, 30_000);
});
