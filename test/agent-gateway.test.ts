import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, waitFor, type TestAgent } from './support/agent.ts';
import { allowAllCommands } from './support/rtr.ts';
import { enroll } from '../packages/agent/src/transport/identity.ts';
import { OsExecutor } from '../packages/agent/src/commands/os-executor.ts';
import { AGENT_PROTOCOL_VERSION } from '@riposte/spec';
import { sql } from 'kysely';
import { createCore, openStore, PENDING_PAGE, timeOrderedUuidBound } from '@riposte/core';

describe('agent gateway with a real agent on this machine', () => {
  let t: TestServer;
  let agent: TestAgent;
  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
  });
  afterAll(async () => {
    agent?.stop();
    await t.close();
  });

  const run = async (name: string, args: Record<string, unknown>, cwd = agent.workDir, timeout_ms = 20_000) => {
    const c = await t.server.core.commands.issue({ device_id: agent.deviceId, name, args, cwd, issued_by: 'test', timeout_ms });
    return t.server.core.commands.wait(c.id, timeout_ms + 5000);
  };

  it('enrolls with inventory from the real OS and shows the host online', async () => {
    const host = (await t.server.core.hosts.get(agent.deviceId))!;
    expect(host.platform_name).toBe('Linux');
    expect(host.hostname.length).toBeGreaterThan(0);
    expect(host.agent_version).toBe('0.1.0');
    expect(host.online).toBe(true);
    const res = await t.api('GET', `/devices/entities/online-state/v1?ids=${agent.deviceId}`, { token: await t.token() });
    expect(res.body.resources[0].state).toBe('online');
  });

  it('runs real commands and returns structured results', async () => {
    const mk = await run('mkdir', { path: 'made-by-riposte' });
    expect(mk.status).toBe('complete');
    expect(fs.statSync(path.join(agent.workDir, 'made-by-riposte')).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(agent.workDir, 'made-by-riposte', 'note.txt'), 'hello');
    const ls = await run('ls', { path: 'made-by-riposte' });
    expect(ls.status).toBe('complete');
    expect((ls.result!.entries as any[]).map((e) => e.name)).toEqual(['note.txt']);
    const cd = await run('cd', { path: 'made-by-riposte' });
    expect(cd.result_cwd).toBe(path.join(agent.workDir, 'made-by-riposte'));
    const ps = await run('ps', {});
    expect((ps.result!.processes as any[]).some((p) => p.pid === process.pid)).toBe(true);
    const missing = await run('cat', { path: 'no-such-file' });
    expect(missing.status).toBe('error');
    expect(missing.error!.code).toBe('not_found');
    const unsupported = await run('reg', { action: 'query', key: 'HKLM\\Software' });
    expect(unsupported.status).toBe('error');
    expect(unsupported.error).toMatchObject({ code: 'not_supported', message: expect.stringMatching(/linux/) });
  });

  it('takes a host whose agent is connected here as online without reading its row', async () => {
    // A stale row (as another replica or a lost update could leave it) does not refuse the command.
    await t.server.core.store.db.updateTable('hosts').set({ online: 0 }).where('device_id', '=', agent.deviceId).execute();
    try {
      expect((await run('pwd', {})).status).toBe('complete');
    } finally {
      await t.server.core.hosts.setOnline(agent.deviceId, true);
    }
  });

  it('fans one command out and back', async () => {
    const res = await t.server.core.commands.issueMany(
      [1, 2, 3].map((i) => ({ device_id: agent.deviceId, name: 'pwd', args: {}, cwd: agent.workDir, issued_by: 'test', timeout_ms: 10_000 + i })),
      'batch-1',
    );
    expect(res.refused).toEqual([]);
    const done = await t.server.core.commands.waitAll(res.commands.map((c) => c.id), 15_000);
    expect(done.map((c) => c.status)).toEqual(['complete', 'complete', 'complete']);
  });

  it('refuses commands for unknown hosts, and for offline hosts unless queued', async () => {
    await expect(t.server.core.commands.issue({ device_id: '0'.repeat(32), name: 'ls', args: {}, issued_by: 'test' })).rejects.toMatchObject({ status: 404, kind: 'not_found' });
    const [offline] = await t.server.core.hosts.getMany([(await t.server.core.hosts.register({ hostname: 'offline-box', platform_name: 'Linux' })).device_id]);
    await expect(t.server.core.commands.issue({ device_id: offline.device_id, name: 'ls', args: {}, issued_by: 'test' })).rejects.toMatchObject({ kind: 'host_offline' });
    const queued = await t.server.core.commands.issue({ device_id: offline.device_id, name: 'ls', args: {}, issued_by: 'test', queue_offline: true, timeout_ms: 50, queue_ttl_ms: 100 });
    expect(queued.status).toBe('queued');
    const expired = await t.server.core.commands.wait(queued.id, 5000);
    expect(expired.status).toBe('timed_out');
  });

  it('queues commands for a disconnected agent and delivers them on reconnect', async () => {
    agent.client.stop();
    await waitFor(async () => !(await t.server.core.hosts.get(agent.deviceId))!.online, 5000, 'agent offline');
    const c = await t.server.core.commands.issue({ device_id: agent.deviceId, name: 'mkdir', args: { path: 'while-offline' }, cwd: agent.workDir, issued_by: 'test', queue_offline: true });
    expect(c.status).toBe('queued');
    agent.client.start();
    const done = await t.server.core.commands.wait(c.id, 15_000);
    expect(done.status).toBe('complete');
    expect(fs.existsSync(path.join(agent.workDir, 'while-offline'))).toBe(true);
  });

  it('stops a command on the agent when it is cancelled the moment it was sent', async () => {
    await allowAllCommands(t);
    const c = await t.server.core.commands.issue({ device_id: agent.deviceId, name: 'run', args: { executable: 'sleep', args: ['20'] }, cwd: agent.workDir, issued_by: 'test', timeout_ms: 30_000 });
    // The agent reports every command it finished, cancelled ones too.
    const finished = new Promise<void>((resolve) => agent.client.on('result', (id: string) => id === c.id && resolve()));
    expect((await t.server.core.commands.cancel(c.id)).status).toBe('cancelled');
    const started = Date.now();
    await finished;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await t.server.core.commands.get(c.id))!.status).toBe('cancelled');
  });

  it('cancels a queued command', async () => {
    agent.client.stop();
    await waitFor(async () => !(await t.server.core.hosts.get(agent.deviceId))!.online, 5000, 'agent offline');
    const c = await t.server.core.commands.issue({ device_id: agent.deviceId, name: 'mkdir', args: { path: 'never' }, cwd: agent.workDir, issued_by: 'test', queue_offline: true });
    const cancelled = await t.server.core.commands.cancel(c.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(t.server.core.commands.cancel(c.id)).rejects.toMatchObject({ status: 409 });
    agent.client.start();
    await waitFor(async () => (await t.server.core.hosts.get(agent.deviceId))!.online, 5000, 'agent online');
    const after = await run('pwd', {});
    expect(after.status).toBe('complete');
    expect(fs.existsSync(path.join(agent.workDir, 'never'))).toBe(false);
  });

  it('rejects bad enrollment tokens, forged secrets and malformed messages, and keeps serving', async () => {
    const badEnroll = await fetch(`${t.url}/agent/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enroll_token: 'forged', inventory: { hostname: 'x', platform: 'linux' } }),
    });
    expect(badEnroll.status).toBeGreaterThanOrEqual(400);
    expect(badEnroll.status).toBeLessThan(500);

    const forged = await connect(`Agent ${agent.deviceId}:not-the-secret`);
    expect(forged).toEqual({ refused: 401 });
    const other = await connect(`Agent ${'0'.repeat(32)}:whatever`);
    expect(other).toEqual({ refused: 401 });

    // A valid identity (a second, hand-driven agent) sending garbage gets errors back and the server stays up.
    const identity = await enroll(t.url, t.enrollToken, { ...(await new OsExecutor({ agentVersion: '0.1.0' }).inventory()), hostname: 'garbage-sender' });
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Agent ${identity.device_id}:${identity.agent_secret}` } });
    await new Promise((r) => ws.once('open', r));
    const replies: any[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    ws.send('not json');
    ws.send(JSON.stringify({ t: 'result', id: 'x' }));
    ws.send(JSON.stringify({ t: 'nonsense' }));
    // A result for a command of another host changes nothing.
    const foreign = await t.server.core.hosts.register({ hostname: 'victim', platform_name: 'Linux' });
    await t.server.core.hosts.setOnline(foreign.device_id, true);
    const theirs = await t.server.core.commands.issue({ device_id: foreign.device_id, name: 'ls', args: {}, issued_by: 'test' });
    ws.send(JSON.stringify({ t: 'result', id: theirs.id, result: { ok: true, data: { forged: true }, cwd: '/' } }));
    await waitFor(() => replies.filter((r) => r.t === 'error').length >= 3, 5000, 'error replies');
    await t.server.core.commands.flush();
    expect((await t.server.core.commands.get(theirs.id))!.status).toBe('queued');
    // An oversize frame closes that connection (1009) and nothing else.
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(17 * 1024 * 1024));
    expect(await closed).toBe(1009);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    expect((await run('pwd', {})).status).toBe('complete');
  });

  async function connect(authorization: string): Promise<{ refused?: number; open?: true }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization } });
      ws.on('unexpected-response', (_req, res) => resolve({ refused: res.statusCode }));
      ws.on('open', () => {
        ws.close();
        resolve({ open: true });
      });
      ws.on('error', () => {});
    });
  }
});

describe('agents driven by hand: acknowledgements, heartbeats, missed notices', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ heartbeatMs: 1000 });
  });
  afterAll(async () => {
    await t.close();
  });

  /** An agent driven by hand: enrolled with this machine's inventory under `hostname`, its socket open. */
  async function handDrivenAgent(hostname: string) {
    const inventory = { ...(await new OsExecutor({ agentVersion: '0.1.0' }).inventory()), hostname };
    const identity = await enroll(t.url, t.enrollToken, inventory);
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Agent ${identity.device_id}:${identity.agent_secret}` } });
    await new Promise((r) => ws.once('open', r));
    return { inventory, identity, ws };
  }

  it('sends acknowledgements with the next heartbeat, or at once when many are waiting', async () => {
    const { ws } = await handDrivenAgent('hand-driven');
    const frames: { kind: 'ack' | 'ping'; ids?: string[]; at: number }[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.t === 'result_ack') frames.push({ kind: 'ack', ids: m.ids, at: Date.now() });
    });
    ws.on('ping', () => frames.push({ kind: 'ping', at: Date.now() }));
    const result = (id: string) => ws.send(JSON.stringify({ t: 'result', id, result: { ok: true, data: {}, cwd: '/' } }));

    // Two results (of no open command: acknowledged all the same) wait for the ping and arrive just before it.
    await waitFor(() => frames.some((f) => f.kind === 'ping'), 5000, 'first ping');
    frames.length = 0;
    result('unknown-1');
    result('unknown-2');
    await waitFor(() => frames.some((f) => f.kind === 'ping'), 5000, 'next ping');
    expect(frames[0]).toMatchObject({ kind: 'ack', ids: ['unknown-1', 'unknown-2'] });
    expect(frames[1].kind).toBe('ping');

    // 256 waiting are sent without waiting for the heartbeat.
    await waitFor(() => frames.length >= 2 && frames.at(-1)!.kind === 'ping', 5000, 'a ping');
    frames.length = 0;
    for (let i = 0; i < 256; i++) result(`many-${i}`);
    await waitFor(() => frames.some((f) => f.kind === 'ack'), 5000, 'ack of 256');
    expect(frames[0]).toMatchObject({ kind: 'ack' });
    expect(frames[0].ids).toHaveLength(256);
    ws.close();
  });

  it('carries waiting acknowledgements inside the next command frame', async () => {
    const { inventory, identity, ws } = await handDrivenAgent('acks-in-command');
    const frames: { t: string; command?: { id: string }; acks?: string[] }[] = [];
    let pinged = false;
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    ws.on('ping', () => (pinged = true));
    ws.send(JSON.stringify({ t: 'hello', protocol: AGENT_PROTOCOL_VERSION, inventory }));
    await waitFor(() => frames.some((m) => m.t === 'welcome'), 5000, 'welcome');
    const issue = () => t.server.core.commands.issue({ device_id: identity.device_id, name: 'pwd', cwd: '/', issued_by: 'test' });
    const commandFrame = async (id: string) => {
      const find = () => frames.find((m) => m.t === 'command' && m.command?.id === id);
      await waitFor(() => !!find(), 5000, `command ${id}`);
      return find()!;
    };

    // Just after a heartbeat, so that the next one (1 s away) cannot take the acknowledgement first.
    pinged = false;
    await waitFor(() => pinged, 5000, 'a ping');
    const first = await issue();
    expect((await commandFrame(first.id)).acks).toBeUndefined();
    ws.send(JSON.stringify({ t: 'result', id: first.id, result: { ok: true, data: { cwd: '/' }, cwd: '/' } }));
    expect((await t.server.core.commands.wait(first.id, 5000)).status).toBe('complete');
    const second = await issue();
    expect((await commandFrame(second.id)).acks).toEqual([first.id]);
    expect(frames.some((m) => m.t === 'result_ack')).toBe(false);
    ws.close();
  });

  it('sends a command whose notice it missed: the sweeper finds it among the recent ones', async () => {
    const { inventory, identity, ws } = await handDrivenAgent('missed-notice');
    const received: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.t === 'command') received.push(m.command.id);
    });
    ws.send(JSON.stringify({ t: 'hello', protocol: AGENT_PROTOCOL_VERSION, inventory }));
    await waitFor(async () => (await t.server.core.hosts.onlineState([identity.device_id]))[0].state === 'online', 5000, 'online after hello');
    // Issued by another process on the same database: on SQLite no notice reaches the server, and
    // the sweeps since its start look only at commands made since the one before.
    const other = await createCore(await openStore({ url: t.databaseUrl }));
    try {
      const c = await other.commands.issue({ device_id: identity.device_id, name: 'pwd', cwd: '/', issued_by: 'test' });
      await waitFor(() => received.includes(c.id), 10_000, 'the command whose notice was missed');
    } finally {
      await other.close();
    }
    ws.close();
  });

  it('sends a connecting agent everything queued for it, past the first page', async () => {
    const { inventory, identity, ws } = await handDrivenAgent('long-queue');
    ws.close();
    await waitFor(async () => (await t.server.core.hosts.onlineState([identity.device_id]))[0].state === 'offline', 5000, 'offline');
    const input = { device_id: identity.device_id, name: 'pwd', cwd: '/', issued_by: 'test', queue_offline: true };
    await t.server.core.commands.issueMany(Array.from({ length: PENDING_PAGE + 5 }, () => input));
    // As if queued ten minutes ago (ids carry their time): older than the sweeper's recent window,
    // so the connecting agent gets them all from its own pending list or not at all.
    const past = Date.now() - 10 * 60_000;
    await sql`update commands set id = ${timeOrderedUuidBound(past).slice(0, 13)} || substr(id, 14), created_at = ${new Date(past).toISOString()} where device_id = ${identity.device_id}`.execute(t.server.core.store.db);
    const commands = await t.server.core.commands.pendingFor(identity.device_id);
    expect(commands).toHaveLength(PENDING_PAGE);
    const again = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Agent ${identity.device_id}:${identity.agent_secret}` } });
    const received = new Set<string>();
    again.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.t === 'command') received.add(m.command.id);
    });
    await new Promise((r) => again.once('open', r));
    again.send(JSON.stringify({ t: 'hello', protocol: AGENT_PROTOCOL_VERSION, inventory }));
    await waitFor(() => received.size === PENDING_PAGE + 5, 10_000, `all ${PENDING_PAGE + 5} queued commands`);
    expect(commands.every((c) => received.has(c.id))).toBe(true);
    again.close();
  });

  it('puts a connected host back online at the next heartbeat when something marked it offline', async () => {
    const { inventory, identity, ws } = await handDrivenAgent('moved-between-replicas');
    ws.send(JSON.stringify({ t: 'hello', protocol: AGENT_PROTOCOL_VERSION, inventory }));
    const state = async () => (await t.server.core.hosts.onlineState([identity.device_id]))[0].state;
    await waitFor(async () => (await state()) === 'online', 5000, 'online after hello');
    // What the replica that held an older socket of this agent does when it notices that socket closed.
    await t.server.core.hosts.setOnline(identity.device_id, false);
    expect(await state()).toBe('offline');
    await waitFor(async () => (await state()) === 'online', 5000, 'online again after a heartbeat');
    ws.close();
  });
});
