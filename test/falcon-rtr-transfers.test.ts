import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type SimulatedAgent, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, waitFor, type TestAgent } from './support/agent.ts';
import { allowAllCommands, rtr } from './support/rtr.ts';

// Files moving both ways through RTR commands: get, put (from the put-files library), put-and-run.
describe('Falcon RTR file transfer commands', () => {
  let t: TestServer;
  let agent: TestAgent;
  let fleet: SimulatedFleet;
  let windows: SimulatedAgent;
  let stateDir: string;
  let client: ReturnType<typeof rtr>;

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    await allowAllCommands(t);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-rtr-xfer-'));
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: 1, platform: 'windows', stateDir, seed: 'xfer' });
    await fleet.waitConnected(1, 20_000);
    windows = fleet.agents[0];
    client = rtr(t, await t.token());
    const owner = { id: t.clientId, name: 'bootstrap' };
    await t.server.core.rtrLibrary.putFiles.create({ file: { stream: Readable.from([Buffer.from('#!/bin/sh\necho tool\n')]), filename: 'tool.sh' }, description: 'a tool' }, owner);
    await t.server.core.rtrLibrary.putFiles.create({ file: { stream: Readable.from([Buffer.from('MZ fake program')]), filename: 'triage.exe' }, description: 'a program' }, owner);
  });
  afterAll(async () => {
    agent?.stop();
    await fleet?.stop();
    await t?.close();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('gets a file from a real host into the session’s files', async () => {
    fs.writeFileSync(path.join(agent.workDir, 'loot.txt'), 'secret stuff\n');
    const sid = await client.session(agent.deviceId);
    await client.run(sid, `cd ${agent.workDir}`, 'read');
    const got = await client.run(sid, 'get loot.txt', 'active');
    expect(got.stderr).toBe('');
    expect(got.stdout).toMatch(/Retrieved 13 bytes/);
    const files = await client.api('GET', `/real-time-response/entities/file/v1?session_id=${sid}`);
    expect(files.body.resources).toMatchObject([{ name: path.join(agent.workDir, 'loot.txt'), size: 13 }]);
    const missing = await client.run(sid, 'get nothing-here.txt', 'active');
    expect(missing.stderr).toMatch(/nothing-here\.txt: no such file or directory/);
    const v2 = await client.api('GET', `/real-time-response/entities/file/v2?session_id=${sid}`);
    expect(v2.body.resources.map((f: { status: string }) => f.status)).toEqual(['COMPLETE', 'FAILED']);
  });

  it('puts a library file into the session directory', async () => {
    const sid = await client.session(agent.deviceId);
    await client.run(sid, `cd ${agent.workDir}`, 'read');
    const put = await client.run(sid, 'put tool.sh', 'admin');
    expect(put).toMatchObject({ complete: true, stderr: '', stdout: `Put ${path.join(agent.workDir, 'tool.sh')} (20 bytes)\n` });
    expect(fs.readFileSync(path.join(agent.workDir, 'tool.sh'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
    const again = await client.run(sid, 'put tool.sh', 'admin');
    expect(again.stderr).toMatch(/already exists/);
    const linux = await client.execute(sid, 'put-and-run tool.sh', 'admin');
    expect(linux.status).toBe(400);
    expect(linux.body.errors[0].message).toBe('put-and-run is not available on Linux hosts');
  });

  it('puts and runs a program on a Windows host', async () => {
    const sid = await client.session(windows.deviceId);
    await client.run(sid, 'cd C:\\Windows\\Temp', 'read');
    const res = await client.run(sid, 'put-and-run triage.exe -Wait', 'admin');
    expect(res).toMatchObject({ complete: true, stderr: '' });
    expect(res.stdout).toMatch(/^Put C:\\Windows\\Temp\\triage\.exe \(15 bytes\)\n/);
    const ls = await client.run(sid, 'ls', 'read');
    expect(ls.stdout).toMatch(/ 15 triage\.exe\n/);
  });

  it('starts the run of a put-and-run as soon as the put lands, with nobody polling', async () => {
    const sid = await client.session(windows.deviceId);
    const res = await client.execute(sid, 'put-and-run triage.exe', 'admin');
    expect(res.status).toBe(201);
    const core = t.server.core;
    await waitFor(async () => (await core.commands.listForSession(sid)).some((c) => c.name === 'run' && c.status === 'complete'), 15_000, 'run issued by the server');
  });
});
