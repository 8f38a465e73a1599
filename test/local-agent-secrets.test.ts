import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ProcessGroup, type RiposteProcess } from './support/processes.ts';

const run = promisify(execFile);
const CLI = path.resolve('packages/cli/bin/riposte.js');

/**
 * `riposte start` as a user runs it (what `npm start` runs): the server plus its local agent, a
 * child process. A read-only responder on that host must not read the server's secrets through
 * the agent: not bootstrap.json, not the environment, not the server's /proc entry.
 */
describe('the local agent of riposte start keeps the server’s secrets', () => {
  const group = new ProcessGroup();
  let dataDir: string;
  let start: RiposteProcess;
  let url: string;
  let deviceId: string;
  let token: string;
  const marker = 'marker-that-must-not-leak-' + Math.random().toString(36).slice(2);

  const api = async (method: string, p: string, json?: unknown) => {
    const res = await fetch(url + p, { method, headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) }, body: json ? JSON.stringify(json) : undefined });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Run a read-only RTR command line and wait for its output. */
  const rtrRead = async (sessionId: string, line: string) => {
    const res = await api('POST', '/real-time-response/entities/command/v1', { session_id: sessionId, base_command: line.split(' ')[0], command_string: line });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.resources[0].cloud_request_id;
    for (const until = Date.now() + 20_000; Date.now() < until; ) {
      const s = await api('GET', `/real-time-response/entities/command/v1?cloud_request_id=${id}&sequence_id=0`);
      if (s.body.resources[0].complete) return s.body.resources[0] as { stdout: string; stderr: string };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${line} did not complete`);
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-start-'));
    const port = await freePort();
    start = group.spawn('start', ['start', '--data', dataDir, '--port', String(port), '--log-level', 'warn'], { RIPOSTE_TEST_MARKER: marker, RIPOSTE_AGENT_STATE: dataDir });
    url = (await start.waitFor(/riposte is listening on (http:\/\/\S+)/, 60_000))[1];
    deviceId = (await start.waitFor(/local agent enrolled as host ([0-9a-f]{32})/, 60_000))[1];
    // A responder holding only the read-only RTR scope.
    const { stdout } = await run(process.execPath, [CLI, 'api-clients', 'create', '--name', 'read-only responder', '--scopes', 'real-time-response:read', '--json', '--data', dataDir]);
    const client = JSON.parse(stdout);
    const res = await fetch(`${url}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ client_id: client.client_id, client_secret: client.client_secret }) });
    token = ((await res.json()) as any).access_token;
  });
  afterAll(async () => {
    await group.killAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses cat of bootstrap.json and of the server’s environment, and env shows no RIPOSTE_ variable', async () => {
    const session = await api('POST', '/real-time-response/entities/sessions/v1', { device_id: deviceId });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const sessionId = session.body.resources[0].session_id;
    const secret = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8')).client_secret;

    const boot = await rtrRead(sessionId, `cat ${path.join(dataDir, 'bootstrap.json')}`);
    expect(boot.stdout).toBe('');
    expect(boot.stderr).toMatch(/refused: .*riposte's own secrets/);
    expect(boot.stderr).not.toContain(secret);

    // The same file reached another way: `..` and the server's /proc entry.
    expect((await rtrRead(sessionId, `cat ${path.join(dataDir, 'local-agent', '..', 'bootstrap.json')}`)).stderr).toMatch(/refused/);
    expect((await rtrRead(sessionId, `cat /proc/${start.pid}/environ`)).stderr).toMatch(/refused/);
    expect((await rtrRead(sessionId, 'cat /proc/self/environ')).stderr).toMatch(/refused/);
    expect((await rtrRead(sessionId, `ls ${dataDir}`)).stderr).toMatch(/refused/);

    const env = await rtrRead(sessionId, 'env');
    expect(env.stderr).toBe('');
    expect(env.stdout).toMatch(/PATH/);
    expect(env.stdout).not.toMatch(/RIPOSTE_/);
    expect(env.stdout).not.toContain(marker);
  });

  it('runs the agent as a child process whose command line holds no secret, and stops it on shutdown', async () => {
    const children = (await run('ps', ['-o', 'pid=,args=', '--ppid', String(start.pid)])).stdout.trim().split('\n');
    const agentLine = children.find((l) => / agent --server /.test(l));
    expect(agentLine, children.join('\n')).toBeDefined();
    const agentPid = Number(agentLine!.trim().split(/\s+/)[0]);
    expect(agentPid).not.toBe(start.pid);
    const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
    expect(agentLine).not.toContain(boot.enroll_token);

    await start.kill('SIGTERM', 20_000);
    expect(await start.exited).toEqual({ code: 0, signal: null });
    expect(() => process.kill(agentPid, 0)).toThrow();
  });
});
