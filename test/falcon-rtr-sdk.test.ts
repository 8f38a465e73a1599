import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { path7za } from '7zip-bin';
import type { FalconClient } from 'crowdstrike-falcon';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, type TestAgent } from './support/agent.ts';
import { seedHosts } from './support/hosts.ts';
import { allowAllCommands, sdkClient } from './support/rtr.ts';

// A responder's whole workflow through the vendor's own JavaScript SDK against a real agent.
describe('RTR workflow with the official JS SDK', () => {
  let t: TestServer;
  let agent: TestAgent;
  let client: FalconClient;
  let offline: string[];

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    await allowAllCommands(t);
    offline = (await seedHosts(t.server.core, 2)).map((h) => h.device_id);
    client = sdkClient(t);
    fs.writeFileSync(path.join(agent.workDir, 'suspicious.bin'), Buffer.from('MZ\x90\x00this is the evidence\n', 'latin1'));
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  /** Poll a command's status until it completes, as SDK users do (up to a deadline: a busy machine makes each look slow). */
  async function output(cloudRequestId: string, check = (id: string) => client.realTimeResponse.rTRCheckCommandStatus(id, 0)) {
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const st = (await check(cloudRequestId)).resources[0];
      if (st.complete) return st;
      await new Promise((r) => setTimeout(r, 30));
    }
    throw new Error('command did not complete within 45 s');
  }

  it('investigates one host: session, cd, pwd, mkdir, ls, get, files, 7z download, audit', async () => {
    const rt = client.realTimeResponse;
    const init = await rt.rTRInitSession({ deviceId: agent.deviceId, origin: 'sdk-test', queueOffline: false });
    const session = init.resources[0];
    expect(session.pwd).toBe('/');
    expect(session.createdAt).toBeInstanceOf(Date);
    expect(session.scripts.map((s) => s.command)).toEqual(expect.arrayContaining(['ls', 'get', 'put']));
    const sessionId = session.sessionId;
    const exec = (line: string) => ({ baseCommand: line.split(' ')[0], commandString: line, sessionId, deviceId: agent.deviceId, id: 0, persist: false });

    const cd = await rt.rTRExecuteCommand(exec(`cd ${agent.workDir}`));
    expect(cd.resources[0].queuedCommandOffline).toBe(false);
    expect((await output(cd.resources[0].cloudRequestId)).stdout).toBe(`${agent.workDir}\n`);
    const pwd = await rt.rTRExecuteCommand(exec('pwd'));
    expect((await output(pwd.resources[0].cloudRequestId)).stdout).toBe(`${agent.workDir}\n`);

    const mkdir = await rt.rTRExecuteActiveResponderCommand(exec('mkdir collected'));
    const made = await output(mkdir.resources[0].cloudRequestId, (id) => rt.rTRCheckActiveResponderCommandStatus(id, 0));
    expect(made.stdout).toBe(`Created directory ${path.join(agent.workDir, 'collected')}\n`);
    const ls = await rt.rTRExecuteCommand(exec('ls'));
    const listing = await output(ls.resources[0].cloudRequestId);
    expect(listing.stdout).toMatch(/ collected\n/);
    expect(listing.stdout).toMatch(/ suspicious\.bin\n/);
    expect(listing).toMatchObject({ baseCommand: 'ls', sequenceId: 0, sessionId });

    const get = await rt.rTRExecuteActiveResponderCommand(exec('get suspicious.bin'));
    const got = await output(get.resources[0].cloudRequestId, (id) => rt.rTRCheckActiveResponderCommandStatus(id, 0));
    expect(got.stderr).toBe('');
    const files = await rt.rTRListFiles(sessionId);
    expect(files.resources).toHaveLength(1);
    const file = files.resources[0];
    expect(file).toMatchObject({ sessionId, cloudRequestId: get.resources[0].cloudRequestId, name: path.join(agent.workDir, 'suspicious.bin'), size: 25 });
    expect(file.createdAt).toBeInstanceOf(Date);
    expect((await rt.rTRListFilesV2(sessionId)).resources[0]).toMatchObject({ complete: true, sha256: file.sha256 });

    const blob = await rt.rTRGetExtractedFileContents(sessionId, file.sha256, 'suspicious.bin');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-7z-'));
    try {
      fs.writeFileSync(path.join(dir, 'evidence.7z'), Buffer.from(await blob.arrayBuffer()));
      expect(execFileSync(path7za, ['l', '-pinfected', path.join(dir, 'evidence.7z')]).toString()).toMatch(/suspicious\.bin/);
      execFileSync(path7za, ['x', '-pinfected', `-o${dir}`, path.join(dir, 'evidence.7z')]);
      expect(fs.readFileSync(path.join(dir, 'suspicious.bin'))).toEqual(fs.readFileSync(path.join(agent.workDir, 'suspicious.bin')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    const admin = await client.realTimeResponseAdmin.rTRExecuteAdminCommand(exec('run /bin/echo -CommandLine="admin says hi" -Wait'));
    const said = await output(admin.resources[0].cloudRequestId, (id) => client.realTimeResponseAdmin.rTRCheckAdminCommandStatus(id, 0));
    expect(said.stdout).toBe('admin says hi\n');

    const pulse = await rt.rTRPulseSession({ deviceId: agent.deviceId, origin: 'sdk-test', queueOffline: false });
    expect(pulse.resources[0].sessionId).toBe(sessionId);
    const ids = await rt.rTRListAllSessions(undefined, 10, 'created_at|desc');
    expect(ids.resources).toContain(sessionId);
    const details = await rt.rTRListSessions({ ids: [sessionId] });
    expect(details.resources[0].logs.map((l) => l.baseCommand)).toEqual(['cd', 'pwd', 'mkdir', 'ls', 'get', 'run']);

    const audit = await client.realTimeResponseAudit.rTRAuditSessions(`id:'${sessionId}'`, 'created_at', '10', '0', true);
    const logged = audit.resources[0];
    expect(logged).toMatchObject({ id: sessionId, deviceId: agent.deviceId, origin: 'sdk-test' });
    expect(logged.logs.map((l) => l.commandString)).toEqual([`cd ${agent.workDir}`, 'pwd', 'mkdir collected', 'ls', 'get suspicious.bin', 'run /bin/echo -CommandLine="admin says hi" -Wait']);
    expect(logged.logs[1].currentDirectory).toBe(agent.workDir);

    const deleted = await rt.rTRDeleteSessionRaw({ sessionId });
    expect(deleted.raw.status).toBe(204);
  });

  it('runs a batch across the agent and offline hosts, with per-host errors', async () => {
    const rt = client.realTimeResponse;
    const batch = await rt.batchInitSessions({ hostIds: [agent.deviceId, ...offline], queueOffline: false, existingBatchId: '' }, 30);
    expect(batch.batchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(batch.resources[agent.deviceId]).toMatchObject({ aid: agent.deviceId, complete: true, errors: [] });
    for (const id of offline) expect(batch.resources[id].errors).toEqual([{ code: 40407, message: 'Sensor appears to be offline' }]);

    const cmd = await rt.batchCmd({ baseCommand: 'ls', batchId: batch.batchId, commandString: `ls ${agent.workDir}`, optionalHosts: [], persistAll: false }, 20);
    const mine = cmd.combined.resources[agent.deviceId];
    expect(mine).toMatchObject({ aid: agent.deviceId, complete: true, stderr: '', baseCommand: 'ls', errors: [] });
    expect(mine.stdout).toMatch(/suspicious\.bin/);
    expect(mine.queryTime).toBeGreaterThanOrEqual(0);

    const ar = await rt.batchActiveResponderCmd({ baseCommand: 'filehash', batchId: batch.batchId, commandString: `filehash ${path.join(agent.workDir, 'suspicious.bin')}`, optionalHosts: [agent.deviceId], persistAll: false });
    expect(ar.combined.resources[agent.deviceId].stdout).toMatch(/SHA256: [0-9a-f]{64}/);
    const admin = await client.realTimeResponseAdmin.batchAdminCmd({ baseCommand: 'run', batchId: batch.batchId, commandString: 'run /bin/pwd -Wait', optionalHosts: [], persistAll: false });
    expect(admin.combined.resources[agent.deviceId].stdout).toBe('/\n');

    const get = await rt.batchGetCmd({ batchId: batch.batchId, filePath: path.join(agent.workDir, 'suspicious.bin'), optionalHosts: [] }, 20);
    expect(get.batchGetCmdReqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(get.combined.resources[agent.deviceId].complete).toBe(true);
    const status = await rt.batchGetCmdStatus(get.batchGetCmdReqId);
    expect(status.resources[agent.deviceId]).toMatchObject({ size: 25, name: path.join(agent.workDir, 'suspicious.bin') });
    expect(status.resources[agent.deviceId].sha256).toMatch(/^[0-9a-f]{64}$/);

    const refreshed = await rt.batchRefreshSessions({ batchId: batch.batchId, hostsToRemove: [] });
    expect(refreshed.resources[agent.deviceId].sessionId).toBe(batch.resources[agent.deviceId].sessionId);
  });

  it('surfaces the vendor errors as SDK errors', async () => {
    const rt = client.realTimeResponse;
    await expect(rt.rTRInitSession({ deviceId: offline[0], origin: '', queueOffline: false })).rejects.toMatchObject({ response: { status: 404 } });
    const { sessionId } = (await rt.rTRInitSession({ deviceId: agent.deviceId, origin: '', queueOffline: false })).resources[0];
    await expect(rt.rTRExecuteCommand({ baseCommand: 'rm', commandString: 'rm x', sessionId, deviceId: agent.deviceId, id: 0, persist: false })).rejects.toMatchObject({ response: { status: 400 } });
    await expect(rt.rTRCheckCommandStatus('nope', 0)).rejects.toMatchObject({ response: { status: 404 } });
  });
});
