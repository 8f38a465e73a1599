import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, type TestAgent } from './support/agent.ts';
import { allowAllCommands, rtr } from './support/rtr.ts';

/**
 * `falconscript` runs riposte's built-in Falcon scripts on a real Linux agent, gated by the
 * FalconScripts setting (a riposte extension on Linux); `memdump` on Linux is gated by
 * MemDumpCommand (likewise an extension).
 */
describe.skipIf(process.platform !== 'linux')('Falcon scripts and memdump on a Linux agent', () => {
  let t: TestServer;
  let agent: TestAgent;
  let r: ReturnType<typeof rtr>;
  let linuxPolicy: string;
  const setLinux = (settings: Record<string, boolean>) =>
    t.server.core.responsePolicies.update([{ id: linuxPolicy, settings: Object.entries(settings).map(([id, enabled]) => ({ id, value: { enabled } })) }], { id: 'test', name: 'test' });

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    await allowAllCommands(t);
    r = rtr(t, await t.token());
    const page = await t.server.core.responsePolicies.query({ filter: "name:'platform_default'+platform_name:'Linux'" });
    linuxPolicy = page.ids[0];
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  it('refuses falconscript until FalconScripts is on, then runs the script with its JSON input', async () => {
    const session = await r.session(agent.deviceId);
    const refused = await r.execute(session, 'falconscript -Name=triage-linux');
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toMatch(/FalconScripts/);
    await setLinux({ FalconScripts: true });
    const out = await r.run(session, 'falconscript -Name=triage-linux -JsonInput=```{"Lines": 3}```');
    expect(out.complete).toBe(true);
    expect(out.stdout).toMatch(/===== host =====/);
    expect(out.stdout).toMatch(/===== listening sockets =====/);
    const wrongPlatform = await r.execute(session, 'falconscript -Name=triage-windows');
    expect(wrongPlatform.status).toBe(400);
    expect(wrongPlatform.body.errors[0].message).toMatch(/is for windows, not linux/);
    const badInput = await r.execute(session, 'falconscript -Name=triage-linux -JsonInput=```{"Colour": 1}```');
    expect(badInput.status).toBe(400);
  });

  it('refuses memdump on Linux until MemDumpCommand is on, then dumps a process', async () => {
    const session = await r.session(agent.deviceId);
    await setLinux({ MemDumpCommand: false });
    const refused = await r.execute(session, `memdump ${process.pid}`, 'active');
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toMatch(/MemDumpCommand/);
    await setLinux({ MemDumpCommand: true });
    const res = await r.execute(session, `memdump ${process.pid} ${agent.workDir}/self.dmp`, 'active');
    expect(res.status).toBe(201);
  });
});
