import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@riposte/server';
import { runAgent, type RunningAgent } from '../packages/agent/src/run-agent.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor } from './support/agent.ts';
import { makeTestCa, type TestCa } from './support/certificates.ts';
import { allowAllCommands } from './support/rtr.ts';
import { freePort, ProcessGroup } from './support/processes.ts';

const run = promisify(execFile);
const CLI = path.resolve('packages/cli/bin/riposte.js');

/** An HTTPS request trusting `ca`. */
function request(url: string, ca: Buffer, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || 'null') }));
    });
    req.end(init.body);
  });
}

describe('TLS: HTTPS and WSS on one port', () => {
  let dir: string;
  let good: TestCa;
  let wrong: TestCa;
  let t: TestServer;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-tls-'));
    good = makeTestCa(dir, 'good');
    wrong = makeTestCa(dir, 'wrong');
    t = await startTestServer({ tls: { certFile: good.certFile, keyFile: good.keyFile } });
    await allowAllCommands(t);
  });
  afterAll(async () => {
    for (const a of agents) a.stop();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API over HTTPS', async () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = fs.readFileSync(good.caFile);
    const token = await request(`${t.url}/oauth2/token`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: t.clientId, client_secret: t.clientSecret }).toString(),
    });
    expect(token.status).toBe(201);
    const hosts = await request(`${t.url}/devices/queries/devices/v1`, ca, { headers: { authorization: `Bearer ${token.body.access_token}` } });
    expect(hosts.status).toBe(200);
    expect(hosts.body.meta.pagination).toBeDefined();
  });

  it('an agent trusting the CA (--ca) enrolls, connects over WSS and moves a file over HTTPS', async () => {
    const stateDir = fs.mkdtempSync(path.join(dir, 'agent-'));
    const agent = await runAgent({ serverUrl: t.url, enrollToken: t.enrollToken, stateDir, tls: { ca: fs.readFileSync(good.caFile) } });
    agents.push(agent);
    await waitFor(async () => (await t.server.core.hosts.get(agent.deviceId))?.online === true, 20_000, 'the agent online over WSS');
    const file = path.join(dir, 'evidence.txt');
    fs.writeFileSync(file, 'carried over TLS');
    const c = await t.server.core.commands.issue({ device_id: agent.deviceId, name: 'get', args: { path: file }, cwd: '/', issued_by: 'test', timeout_ms: 20_000 });
    const done = await t.server.core.commands.wait(c.id, 25_000);
    expect(done.status, JSON.stringify(done.error)).toBe('complete');
    expect(done.result).toMatchObject({ size: 'carried over TLS'.length });
  });

  it('an agent trusting another CA is refused, and so is a TLS 1.1 client', async () => {
    const stateDir = fs.mkdtempSync(path.join(dir, 'wrong-agent-'));
    await expect(runAgent({ serverUrl: t.url, enrollToken: t.enrollToken, stateDir, tls: { ca: fs.readFileSync(wrong.caFile) } })).rejects.toThrow(/certificate/i);
    await expect(request(`${t.url}/health`, fs.readFileSync(wrong.caFile))).rejects.toThrow(/certificate/i);
    const { port } = new URL(t.url);
    await expect(
      new Promise((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port: Number(port), ca: fs.readFileSync(good.caFile), minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, () => resolve(s.getProtocol()));
        s.once('error', reject);
      }),
    ).rejects.toThrow();
  });

  it('riposte agent trusts the file given with --ca (here the server certificate itself), or warns loudly with --insecure', async () => {
    const group = new ProcessGroup();
    try {
      const pinned = group.spawn('agent --ca', ['agent', '--server', t.url, '--ca', good.certFile, '--state', fs.mkdtempSync(path.join(dir, 'cli-agent-')), '--enroll-token', t.enrollToken]);
      await pinned.waitFor(/agent [0-9a-f]{32} connected to https:/, 60_000);
      const insecure = group.spawn('agent --insecure', ['agent', '--server', t.url, '--insecure', '--state', fs.mkdtempSync(path.join(dir, 'cli-insecure-')), '--enroll-token', t.enrollToken]);
      await insecure.waitFor(/agent [0-9a-f]{32} connected to https:/, 60_000);
      expect(insecure.output()).toMatch(/WARNING: --insecure: the server certificate is NOT checked/);
    } finally {
      await group.killAll();
    }
  }, 180_000); // two agent processes start one after the other: slow on a busy machine

  it('riposte start --tls-cert/--tls-key: its local agent connects over WSS, trusting exactly that certificate', async () => {
    const named = makeTestCa(dir, 'named', 'DNS:riposte.example'); // a name the loopback address does not carry
    const group = new ProcessGroup();
    try {
      const data = fs.mkdtempSync(path.join(dir, 'start-'));
      const start = group.spawn('start', ['start', '--data', data, '--port', String(await freePort()), '--tls-cert', named.certFile, '--tls-key', named.keyFile, '--log-level', 'warn']);
      await start.waitFor(/riposte is listening on https:\/\/127\.0\.0\.1:\d+/, 60_000);
      await start.waitFor(/local agent enrolled as host [0-9a-f]{32}/, 60_000);
    } finally {
      await group.killAll();
    }
  }, 180_000); // a server process and its agent process start: slow on a busy machine

  it('refuses to listen in plain text on an address other machines can reach', async () => {
    await expect(startServer({ dataDir: path.join(dir, 'plain'), host: '0.0.0.0', port: 0, logLevel: 'silent' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without TLS.*--allow-plaintext/);
    const failed = await run(process.execPath, [CLI, 'server', '--data', path.join(dir, 'plain-cli'), '--host', '0.0.0.0', '--port', '0'], { timeout: 120_000 }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed!.code).toBe(1);
    expect(failed!.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without TLS/);
    expect(fs.existsSync(path.join(dir, 'plain-cli', 'riposte.db'))).toBe(false);
  }, 150_000);
});
