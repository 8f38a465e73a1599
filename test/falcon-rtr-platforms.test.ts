import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type SimulatedAgent, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { allowAllCommands, rtr } from './support/rtr.ts';

// Windows and Mac hosts (simulated agents) next to Linux ones: rendering and commands per platform.
describe('Falcon RTR across platforms', () => {
  let t: TestServer;
  let fleet: SimulatedFleet;
  let stateDir: string;
  let client: ReturnType<typeof rtr>;
  let win: SimulatedAgent;
  let lin: SimulatedAgent;
  let mac: SimulatedAgent;

  beforeAll(async () => {
    t = await startTestServer();
    await allowAllCommands(t);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-rtr-sim-'));
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: 3, platform: 'mixed', stateDir, seed: 'rtr' });
    await fleet.waitConnected(3, 20_000);
    [win, lin, mac] = ['windows', 'linux', 'mac'].map((p) => fleet.agents.find((a) => a.platform === p)!);
    client = rtr(t, await t.token());
  });
  afterAll(async () => {
    await fleet?.stop();
    await t?.close();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts Windows sessions at C:\\ and lists directories like dir', async () => {
    const init = await client.init(win.deviceId);
    expect(init.body.resources[0]).toMatchObject({ pwd: 'C:\\', platform: 'windows' });
    const names = init.body.resources[0].scripts.map((s: { command: string }) => s.command);
    expect(names).toEqual(expect.arrayContaining(['reg', 'map', 'unmap']));
    expect(names).not.toContain('ifconfig');
    const sid = init.body.resources[0].session_id;
    const ls = await client.run(sid, 'ls', 'read');
    expect(ls.stderr).toBe('');
    expect(ls.stdout).toMatch(/^\n Directory of C:\\\n\n/);
    expect(ls.stdout).toMatch(/\d\d\/\d\d\/\d{4} {2}\d\d:\d\d [AP]M {4}<DIR> {10}Windows\n/);
    expect(ls.stdout).toMatch(/ File\(s\) +[\d,]+ bytes\n +\d+ Dir\(s\)\n$/);
    expect((await client.run(sid, 'cd Windows', 'read')).stdout).toBe('C:\\Windows\n');
    expect((await client.run(sid, 'pwd', 'read')).stdout).toBe('C:\\Windows\n');
    const reg = await client.run(sid, 'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"', 'read');
    expect(reg.stdout).toMatch(/^\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n {4}\S+ {4}REG_\w+ {4}/);
    const ifconfig = await client.execute(sid, 'ifconfig', 'read');
    expect(ifconfig.status).toBe(400);
    expect(ifconfig.body.errors[0].message).toBe('ifconfig is not available on Windows hosts');
  });

  it('lists Mac and Linux directories like ls -l', async () => {
    for (const agent of [lin, mac]) {
      const sid = await client.session(agent.deviceId);
      const ls = await client.run(sid, 'ls /', 'read');
      expect(ls.stdout).toMatch(/^\/:\n/);
      expect(ls.stdout).toMatch(/\nd[rwx-]{9} +\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+/);
    }
  });

  it('fans out over a mixed batch, refusing per host what a platform lacks', async () => {
    const init = await client.api('POST', '/real-time-response/combined/batch-init-session/v1', { host_ids: [win.deviceId, lin.deviceId, mac.deviceId] });
    const batch_id = init.body.batch_id;
    expect(init.status).toBe(201);
    const ps = await client.api('POST', '/real-time-response/combined/batch-command/v1', { batch_id, base_command: 'ps', command_string: 'ps' });
    for (const a of [win, lin, mac]) expect(ps.body.combined.resources[a.deviceId]).toMatchObject({ complete: true, stderr: '', errors: [] });
    const reg = await client.api('POST', '/real-time-response/combined/batch-command/v1', { batch_id, base_command: 'reg', command_string: 'reg query HKLM\\SOFTWARE' });
    expect(reg.status).toBe(201);
    expect(reg.body.combined.resources[win.deviceId]).toMatchObject({ complete: true, errors: [] });
    expect(reg.body.combined.resources[lin.deviceId].errors).toEqual([{ code: 400, message: 'reg query is not available on Linux hosts' }]);
    expect(reg.body.combined.resources[mac.deviceId].errors).toEqual([{ code: 400, message: 'reg query is not available on Mac hosts' }]);
    // A line no host of the batch can run is refused as a whole.
    const linuxOnly = await client.api('POST', '/real-time-response/combined/batch-command/v1', { batch_id, base_command: 'reg', command_string: 'reg query HKLM', optional_hosts: [lin.deviceId, mac.deviceId] });
    expect(linuxOnly.status).toBe(400);
    expect(linuxOnly.body.errors[0].message).toMatch(/reg query is not available on (Linux|Mac) hosts/);
    const pwd = await client.api('POST', '/real-time-response/combined/batch-command/v1', { batch_id, base_command: 'pwd', command_string: 'pwd' });
    expect(pwd.body.combined.resources[win.deviceId].stdout).toBe('C:\\\n');
    expect(pwd.body.combined.resources[lin.deviceId].stdout).toBe('/\n');
  });
});
