import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OsExecutor } from '../packages/agent/src/commands/os-executor.ts';
import type { Inventory } from '../packages/agent/src/commands/types.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, waitFor } from './support/agent.ts';

const run = promisify(execFile);
const CLI = path.resolve('packages/cli/bin/riposte.js');

/** POST /agent/v1/enroll from a chosen loopback source address. */
function enrollFrom(url: string, token: string, inventory: Inventory, localAddress = '127.0.0.1', forwardedFor?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ enroll_token: token, inventory });
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: '/agent/v1/enroll', method: 'POST', localAddress, headers });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('enrollment tokens and agent identities', () => {
  let t: TestServer;
  let inventory: Inventory;
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--data', t.dataDir, '--database', t.databaseUrl]);

  beforeAll(async () => {
    t = await startTestServer({ enrollLimits: { perMinute: 5, failuresPerMinute: 3 } });
    inventory = await new OsExecutor({ agentVersion: '0.0.0-test' }).inventory();
  });
  afterAll(() => t.close());

  it('creates a token with a use limit and tags, lists it without the secret, and revokes it — each audited', async () => {
    const created = JSON.parse((await cli('enroll-tokens', 'create', '--max-uses', '1', '--tags', 'FalconGroupingTags/lab,FalconGroupingTags/eu', '--expires', '7d', '--json')).stdout);
    expect(created).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{32}$/), token: expect.any(String), max_uses: 1, uses: 0, tags: ['FalconGroupingTags/lab', 'FalconGroupingTags/eu'], state: 'usable' });
    expect(Date.parse(created.expires_at) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const first = await enrollFrom(t.url, created.token, inventory, '127.0.0.2');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const host = await t.server.core.hosts.get(first.body.device_id);
    expect(host?.tags).toEqual(expect.arrayContaining(['FalconGroupingTags/lab', 'FalconGroupingTags/eu']));
    const second = await enrollFrom(t.url, created.token, inventory, '127.0.0.2');
    expect(second.status).toBe(401);
    expect(second.body.error.message).toBe('enrollment token is used up');

    const listed = (await cli('enroll-tokens', 'list')).stdout;
    expect(listed).toMatch(new RegExp(`${created.id}\\s+used up\\s+1/1 uses`));
    expect(listed).not.toContain(created.token);

    const other = JSON.parse((await cli('enroll-tokens', 'create', '--json')).stdout);
    await cli('enroll-tokens', 'revoke', other.id);
    const refused = await enrollFrom(t.url, other.token, inventory, '127.0.0.3');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe('enrollment token is revoked');
    await expect(t.server.core.enrollTokens.revoke('0'.repeat(32))).rejects.toThrow(/not found/);

    const audit = await t.server.core.audit.forTarget('enroll_token', other.id);
    expect(audit.map((e) => e.action).sort()).toEqual(['enroll_token.create', 'enroll_token.revoke']);
    expect(audit[0].actor).toBe('cli');
  }, 180_000); // four runs of the CLI, each a fresh Node process: slow on a busy machine

  it('refuses an expired token', async () => {
    const soon = await t.server.core.enrollTokens.create({ expires_at: new Date(Date.now() + 300).toISOString() });
    await new Promise((r) => setTimeout(r, 400));
    const res = await enrollFrom(t.url, soon.token, inventory, '127.0.0.4');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('enrollment token is expired');
  });

  it('answers schema errors, token refusals and rate limits in one shape: the agent dialect\'s {error: {code, message}}', async () => {
    const { hostname: _h, ...noHostname } = inventory;
    const missing = await enrollFrom(t.url, 'wrong', noHostname as Inventory, '127.0.0.8');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/^invalid request: .*hostname/) } });
    const refused = await enrollFrom(t.url, 'wrong', inventory, '127.0.0.8');
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: { code: 'unauthorized', message: 'invalid enrollment token' } });
    for (let i = 0; i < 2; i++) await enrollFrom(t.url, 'wrong', inventory, '127.0.0.8');
    const limited = await enrollFrom(t.url, 'wrong', inventory, '127.0.0.8');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });

    // Unknown paths answer in the envelope of the dialect whose prefix they are under.
    const agent404 = await fetch(`${t.url}/agent/v1/nowhere`);
    expect(agent404.status).toBe(404);
    expect(await agent404.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /agent/v1/nowhere' } });
    const cb404 = await fetch(`${t.url}/appservices/v6/nowhere`);
    expect(cb404.status).toBe(404);
    expect(await cb404.json()).toEqual({ success: false, message: 'no route for GET /appservices/v6/nowhere', error_code: 'NotFound' });
    const falcon404 = await fetch(`${t.url}/devices/nowhere/v1`);
    expect(falcon404.status).toBe(404);
    expect(await falcon404.json()).toMatchObject({ resources: [], errors: [{ code: 404, message: 'no route for GET /devices/nowhere/v1' }] });
  });

  it('limits failed attempts per source address with a 429 and the Falcon rate-limit headers', async () => {
    for (let i = 0; i < 3; i++) expect((await enrollFrom(t.url, `wrong-${i}`, inventory, '127.0.0.5')).status).toBe(401);
    // Even the right token is refused now, from that address; another address is unaffected.
    const limited = await enrollFrom(t.url, t.enrollToken, inventory, '127.0.0.5');
    expect(limited.status).toBe(429);
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-retryafter'])).toBeGreaterThan(Date.now() / 1000);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await enrollFrom(t.url, t.enrollToken, inventory, '127.0.0.6')).status).toBe(201);
  });

  it('limits all attempts per source address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await enrollFrom(t.url, t.enrollToken, inventory, '127.0.0.7')).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const limited = await enrollFrom(t.url, t.enrollToken, inventory, '127.0.0.7');
    expect(limited.headers['x-ratelimit-limit']).toBe('5');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.headers['x-ratelimit-retryafter']).toBeDefined();
  });

  it("revokes an agent: its socket closes at once and its secret no longer connects", async () => {
    const agent = await startTestAgent(t);
    try {
      const identity = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(path.join(agent.stateDir, 'identity.json'), 'utf8')));
      expect(t.server.app.gateway!.connections.has(agent.deviceId)).toBe(true);
      const { stdout } = await cli('agents', 'revoke', agent.deviceId);
      expect(stdout).toContain(`revoked agent ${agent.deviceId}`);
      await waitFor(() => !t.server.app.gateway!.connections.has(agent.deviceId), 10_000, 'the revoked agent to be disconnected');
      await waitFor(async () => (await t.server.core.hosts.get(agent.deviceId))?.online === false, 10_000, 'the host to go offline');

      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Agent ${identity.device_id}:${identity.agent_secret}` } });
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => {});
      });
      ws.terminate();
      expect(status).toBe(401);

      const audit = await t.server.core.audit.forTarget('host', agent.deviceId);
      expect(audit.map((e) => e.action)).toContain('agent.revoke');
      await expect(t.server.core.agentRevocations.revoke('0'.repeat(32), { id: 'test' })).rejects.toThrow(/not found/);
    } finally {
      agent.stop();
    }
  });
});

describe('enrollment behind a reverse proxy (--trust-proxy)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ trustProxy: '127.0.0.1', enrollLimits: { failuresPerMinute: 1 } });
  });
  afterAll(() => t.close());

  it("counts failures per client address from X-Forwarded-For, not per proxy", async () => {
    const inventory = await new OsExecutor({ agentVersion: '0.0.0-test' }).inventory();
    expect((await enrollFrom(t.url, 'wrong', inventory, '127.0.0.1', '203.0.113.1')).status).toBe(401);
    expect((await enrollFrom(t.url, 'wrong', inventory, '127.0.0.1', '203.0.113.1')).status).toBe(429);
    expect((await enrollFrom(t.url, 'wrong', inventory, '127.0.0.1', '203.0.113.2')).status).toBe(401);
  });
});
