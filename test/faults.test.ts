import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, openStore, TERMINAL_STATUSES, type CommandRecord, type Core, type IssueInput } from '@riposte/core';
import { createTestDatabaseUrl, testDialect } from '../packages/core/src/testing/db.ts';
import { allowAllResponseCommands } from './support/policies.ts';
import { agentDeviceId, freePort, ProcessGroup, startAgentProcess, startServerProcess, TcpProxy, type RiposteProcess } from './support/processes.ts';

/**
 * Delivery under faults, with real processes: servers and agents are `riposte` child processes
 * that get SIGKILLed, and every agent talks to its server through a loopback TCP proxy that can
 * drop its connection. Commands have visible side effects (a directory per mkdir, one tagged line
 * per runscript), so what ran — and how many times — is counted on disk afterwards.
 *
 * SQLite: one server. PostgreSQL: two replica processes on one database, agents split between
 * them. Commands are issued by this test process's own Core on the same database, which holds no
 * agent: on PostgreSQL it is one more replica, whose NOTIFY reaches the one holding the agent; on
 * SQLite the server's sweeper picks them up.
 *
 * The guarantees checked (DESIGN.md, "Delivery guarantees"): every accepted command ends in one
 * terminal state, none is lost, none runs twice; a command interrupted by an agent crash ends as
 * an error saying it is not run again.
 */

const dialect = testDialect();
const REPLICAS = dialect === 'postgres' ? 2 : 1;
const AGENTS = 3;
/**
 * Every command may wait 2 minutes for its host and runs 10 s at most: it expires 140 s after
 * issue. A scenario's faults (a server or agent restart costs seconds of CPU, tens of seconds of
 * wall time on a busy 2-core machine) must fit well inside that, or commands end timed out
 * through no fault of delivery.
 */
const COMMON = { issued_by: 'faults-test', queue_offline: true, queue_ttl_ms: 120_000, timeout_ms: 10_000 } as const;
/**
 * How long the checks wait for a scenario's commands to end (they return as soon as all have). It
 * is shorter than the commands' lifetime, so a stuck command shows as still open, not timed out.
 */
const SETTLE_MS = 60_000;
/** How long one step (a fan-out under way, scripts running, an agent back) may take before it counts as stuck. */
const STEP_MS = 60_000;
/** Agents retry a lost server within a second instead of backing off to 30 s (see AgentSpec.reconnectMaxMs). */
const RECONNECT_MAX_MS = 1000;

interface ServerNode {
  name: string;
  port: number;
  proc: RiposteProcess;
}

interface AgentNode {
  name: string;
  stateDir: string;
  workDir: string;
  /** runscript commands append `TAG random` here. */
  log: string;
  deviceId: string;
  proxy: TcpProxy;
  server: ServerNode;
  proc: RiposteProcess;
}

interface Issued {
  id: string;
  tag: string;
  kind: 'mkdir' | 'script';
  agent: AgentNode;
}

const group = new ProcessGroup();
let root: string;
let dataDir: string;
let databaseUrl: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
let core: Core;
let boot: { enroll_token: string; client_id: string; client_secret: string };
const tokens = new Map<ServerNode, string>();
const servers: ServerNode[] = [];
const agents: AgentNode[] = [];
const proxies: TcpProxy[] = [];
let seq = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 150): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnostics()}`);
    await sleep(everyMs);
  }
}

function diagnostics(): string {
  const procs = [...servers.map((s) => s.proc), ...agents.map((a) => a.proc)].filter(Boolean);
  return procs.map((p) => `--- ${p.name} (${p.running ? 'running' : 'exited'}) ---\n${p.output().slice(-1500)}`).join('\n');
}

function script(agent: AgentNode, tag: string, sleepS: number): IssueInput {
  return {
    device_id: agent.deviceId,
    name: 'runscript',
    args: { script: `sleep ${sleepS}\necho ${tag} $RANDOM >> '${agent.log}'\n` },
    cwd: agent.workDir,
    ...COMMON,
  };
}

function mkdir(agent: AgentNode, tag: string): IssueInput {
  return { device_id: agent.deviceId, name: 'mkdir', args: { path: tag }, cwd: agent.workDir, ...COMMON };
}

/** Issues one command per entry (as one fan-out when `batchId` is given); every one must be accepted. */
async function issue(entries: { agent: AgentNode; kind: Issued['kind']; sleepS?: number }[], prefix: string, batchId = ''): Promise<Issued[]> {
  const planned = entries.map((e) => ({ ...e, tag: `${prefix}-${++seq}` }));
  const res = await core.commands.issueMany(
    planned.map((p) => (p.kind === 'mkdir' ? mkdir(p.agent, p.tag) : script(p.agent, p.tag, p.sleepS ?? 0.2))),
    batchId,
  );
  expect(res.refused.map((r) => r.error.message)).toEqual([]);
  return res.commands.map((c, i) => ({ id: c.id, tag: planned[i].tag, kind: planned[i].kind, agent: planned[i].agent }));
}

async function statuses(issued: Issued[]): Promise<Map<string, CommandRecord>> {
  return new Map((await core.commands.getMany(issued.map((i) => i.id))).map((c) => [c.id, c]));
}

async function countIn(issued: Issued[], ...wanted: CommandRecord['status'][]): Promise<number> {
  return [...(await statuses(issued)).values()].filter((c) => wanted.includes(c.status)).length;
}

/** How many times each command's side effect happened (a directory can only say 0 or 1). */
function runCounts(issued: Issued[]): Map<string, number> {
  const lines = new Map<string, number>();
  for (const a of agents) {
    if (!fs.existsSync(a.log)) continue;
    for (const line of fs.readFileSync(a.log, 'utf8').split('\n')) {
      const tag = line.split(' ')[0];
      if (tag) lines.set(tag, (lines.get(tag) ?? 0) + 1);
    }
  }
  return new Map(issued.map((i) => [i.id, i.kind === 'mkdir' ? Number(fs.existsSync(path.join(i.agent.workDir, i.tag))) : (lines.get(i.tag) ?? 0)]));
}

/**
 * Waits for every command to end, then checks the guarantees: a terminal state for each, at
 * most one run each, exactly one for each that completed. Answers the records and run counts.
 */
async function settle(issued: Issued[]): Promise<{ records: Map<string, CommandRecord>; runs: Map<string, number>; summary: Record<string, number> }> {
  const ids = issued.map((i) => i.id);
  const records = new Map((await core.commands.waitAll(ids, SETTLE_MS)).map((c) => [c.id, c]));
  const runs = runCounts(issued);
  const summary: Record<string, number> = {};
  for (const c of records.values()) summary[c.status] = (summary[c.status] ?? 0) + 1;

  const open = [...records.values()].filter((c) => !TERMINAL_STATUSES.includes(c.status));
  const openText = open.map((c) => `${c.id} ${c.name} ${c.status} expires ${c.expires_at}`).join('\n');
  expect(open, `commands still open ${SETTLE_MS} ms on (now ${new Date().toISOString()}):\n${openText}\n${diagnostics()}`).toEqual([]);
  expect(records.size).toBe(issued.length);

  const twice = issued.filter((i) => runs.get(i.id)! > 1).map((i) => `${i.tag} (${i.id}) ran ${runs.get(i.id)} times`);
  expect(twice, 'commands that ran more than once').toEqual([]);
  const phantom = issued
    .filter((i) => records.get(i.id)!.status === 'complete' && runs.get(i.id) !== 1)
    .map((i) => `${i.tag} (${i.id}) complete but ran ${runs.get(i.id)} times`);
  expect(phantom, 'completed commands without their side effect').toEqual([]);
  return { records, runs, summary };
}

function expectAllComplete(issued: Issued[], records: Map<string, CommandRecord>): void {
  const notComplete = issued
    .map((i) => records.get(i.id)!)
    .filter((c) => c.status !== 'complete')
    .map((c) => `${c.id} ${c.name} ${c.status} ${c.error?.code ?? ''} ${c.error?.message ?? ''}`);
  expect(notComplete, `commands that did not complete\n${notComplete.length ? diagnostics() : ''}`).toEqual([]);
}

/** The Falcon API of one server process, as the bootstrap client. */
async function falcon(server: ServerNode, method: string, route: string, json: unknown): Promise<any> {
  const url = `http://127.0.0.1:${server.port}`;
  let token = tokens.get(server);
  if (!token) {
    const res = await fetch(`${url}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ client_id: boot.client_id, client_secret: boot.client_secret }) });
    expect(res.status).toBe(201);
    token = ((await res.json()) as { access_token: string }).access_token;
    tokens.set(server, token);
  }
  const res = await fetch(url + route, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(json) });
  const body = await res.json();
  expect(res.status, `${method} ${route}: ${JSON.stringify(body)}`).toBe(201);
  return body;
}

/** mkdir through a server's Falcon RTR API (a session queued for offline hosts): the real issuing path. */
async function mkdirOverHttp(server: ServerNode, agent: AgentNode, prefix: string): Promise<Issued> {
  const tag = `${prefix}-${++seq}`;
  const session = await falcon(server, 'POST', '/real-time-response/entities/sessions/v1', { device_id: agent.deviceId, queue_offline: true });
  const session_id = session.resources[0].session_id as string;
  const target = path.join(agent.workDir, tag);
  const cmd = await falcon(server, 'POST', '/real-time-response/entities/active-responder-command/v1', { session_id, base_command: 'mkdir', command_string: `mkdir ${target}` });
  return { id: cmd.resources[0].cloud_request_id, tag, kind: 'mkdir', agent };
}

async function reconnected(agent: AgentNode, mark: number, timeoutMs = STEP_MS): Promise<void> {
  await agent.proc.waitFor(/agent [0-9a-f]{32} connected to/, timeoutMs, mark);
}

describe(`command delivery under faults, real processes (${dialect}, ${REPLICAS} server process${REPLICAS > 1 ? 'es' : ''})`, () => {
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-faults-'));
    dataDir = path.join(root, 'data');
    if (dialect === 'postgres') {
      const db = await createTestDatabaseUrl();
      databaseUrl = db.url;
      dropDatabase = db.drop;
    }
    // One at a time: the first one migrates the database and writes bootstrap.json.
    for (let i = 0; i < REPLICAS; i++) {
      const port = await freePort();
      const name = `server${i}`;
      servers.push({ name, port, proc: await startServerProcess(group, name, { dataDir, port, databaseUrl }) });
    }
    boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
    core = await createCore(await openStore({ url: databaseUrl ?? path.join(dataDir, 'riposte.db'), poolSize: 4 }));
    // Fresh servers keep custom scripts off by policy; these tests need runscript.
    await allowAllResponseCommands(core);

    const started = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i): Promise<AgentNode> => {
        const server = servers[i % REPLICAS];
        const proxy = await TcpProxy.start(server.port);
        proxies.push(proxy);
        const stateDir = path.join(root, `agent${i}-state`);
        const workDir = path.join(root, `agent${i}-work`);
        fs.mkdirSync(workDir, { recursive: true });
        const name = `agent${i}`;
        // Enrolled through the proxy: the identity it keeps points there, so every reconnect does too.
        const proc = await startAgentProcess(group, name, { serverUrl: proxy.url, enrollToken: boot.enroll_token, stateDir, reconnectMaxMs: RECONNECT_MAX_MS });
        return { name, stateDir, workDir, log: path.join(root, `agent${i}-runs.log`), deviceId: agentDeviceId(stateDir), proxy, server, proc };
      }),
    ).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${diagnostics()}`)));
    agents.push(...started);
    await until(async () => (await core.hosts.getMany(agents.map((a) => a.deviceId))).every((h) => h.online), STEP_MS, 'every agent online');
  }, 300_000); // one to two servers and three agents start: a minute or more on a busy machine

  afterAll(async () => {
    await group.killAll();
    for (const p of proxies) await p.close();
    await core?.close();
    await dropDatabase?.();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }, 30_000);

  it('loses nothing and runs nothing twice when a server is SIGKILLed in the middle of a fan-out', async () => {
    const victim = servers[0];
    // 200 commands over every agent (on PostgreSQL, over both replicas), half of them scripts.
    const fanout = await issue(
      Array.from({ length: 200 }, (_, k) => ({ agent: agents[k % AGENTS], kind: k % 2 ? ('script' as const) : ('mkdir' as const), sleepS: 0.3 })),
      's1',
      's1-fanout',
    );
    await until(async () => (await countIn(fanout, 'complete')) >= 30, STEP_MS, 'the fan-out under way');
    await victim.proc.kill('SIGKILL');
    const openAtKill = 200 - (await countIn(fanout, ...TERMINAL_STATUSES));
    expect(openAtKill, 'the kill should land in the middle of the fan-out').toBeGreaterThan(0);

    // Accepted while the server is down: stored now, delivered when the agents are back.
    const marks = agents.map((a) => a.proc.mark());
    const whileDown = await issue(
      Array.from({ length: 30 }, (_, k) => ({ agent: agents[k % AGENTS], kind: k % 2 ? ('script' as const) : ('mkdir' as const), sleepS: 0.1 })),
      's1-down',
    );
    await sleep(700);
    victim.proc = await startServerProcess(group, `${victim.name} (restarted)`, { dataDir, port: victim.port, databaseUrl });
    // Agents of the killed server come back by themselves, to the same port.
    await Promise.all(agents.map((a, i) => (a.server === victim ? reconnected(a, marks[i]) : undefined)));

    const { records, summary } = await settle([...fanout, ...whileDown]);
    expectAllComplete([...fanout, ...whileDown], records);
    console.log(`[faults ${dialect}] server kill: ${openAtKill} of 200 open at the kill, 30 issued while down →`, summary);
  }, 300_000);

  it('loses nothing and runs nothing twice when agent connections drop mid-command (no server restart)', async () => {
    // Per agent: scripts that outlast the connection, and quick directories in between.
    const entries = agents.flatMap((agent) =>
      Array.from({ length: 16 }, (_, k) => ({ agent, kind: k % 3 === 0 ? ('script' as const) : ('mkdir' as const), sleepS: 1 })),
    );
    const work = await issue(entries, 's2', 's2-batch');
    await until(async () => (await countIn(work, 'running')) >= 3, STEP_MS, 'scripts running');

    // First drop: connections cut and refused for 1.5 s, so scripts finish while the agent is
    // disconnected and their results wait in the journal.
    let marks = agents.map((a) => a.proc.mark());
    const cut1 = agents.reduce((n, a) => n + a.proxy.refuse(1500), 0);
    expect(cut1).toBeGreaterThanOrEqual(AGENTS);
    // Issued over HTTP while the agents are away, through the last server process: on PostgreSQL
    // it does not hold agents 0 and 2, so the command reaches them through the database.
    const overHttp = [];
    for (const agent of agents) overHttp.push(await mkdirOverHttp(servers[REPLICAS - 1], agent, 's2-http'));
    work.push(...overHttp);
    await Promise.all(agents.map((a, i) => reconnected(a, marks[i])));

    // Second drop, right after the reconnect: while re-sent commands and results are crossing.
    marks = agents.map((a) => a.proc.mark());
    await sleep(50);
    const cut2 = agents.reduce((n, a) => n + a.proxy.cut(), 0);
    expect(cut2).toBeGreaterThanOrEqual(1);
    await Promise.all(agents.map((a, i) => reconnected(a, marks[i])));

    const { records, summary } = await settle(work);
    expectAllComplete(work, records);
    console.log(`[faults ${dialect}] connection drops (${cut1} + ${cut2} connections cut) →`, summary);
  }, 240_000);

  it('does not run again a command interrupted by a SIGKILLed agent, and still delivers what was queued', async () => {
    // On PostgreSQL one victim on each replica.
    const victims = [agents[0], agents[1]];
    // Long enough that all six are seen running at once before the first one ends, however
    // unevenly a busy machine starts them.
    const scriptS = 6;
    const interrupted = await issue(
      victims.flatMap((agent) => Array.from({ length: 3 }, () => ({ agent, kind: 'script' as const, sleepS: scriptS }))),
      's3-interrupted',
    );
    await until(async () => (await countIn(interrupted, 'running')) === interrupted.length, STEP_MS, 'the scripts running');
    const killedAt = Date.now();
    await Promise.all(victims.map((a) => a.proc.kill('SIGKILL')));

    const later = await issue(
      victims.flatMap((agent) => [
        ...Array.from({ length: 3 }, () => ({ agent, kind: 'mkdir' as const })),
        { agent, kind: 'script' as const, sleepS: 0.1 },
      ]),
      's3-later',
    );
    await Promise.all(victims.map(async (a) => (a.proc = await startAgentProcess(group, `${a.name} (restarted)`, { serverUrl: a.proxy.url, stateDir: a.stateDir, reconnectMaxMs: RECONNECT_MAX_MS }))));

    const all = [...interrupted, ...later];
    // The killed agent's scripts live on as orphans and may still append once: count after they end.
    await sleep(Math.max(0, killedAt + (scriptS + 1) * 1000 - Date.now()));
    const { records, runs, summary } = await settle(all);
    for (const i of interrupted) {
      const c = records.get(i.id)!;
      expect(c.status, `${i.tag}: ${JSON.stringify(c.error)}`).toBe('error');
      expect(c.error?.message).toMatch(/not run again/);
      expect(runs.get(i.id)).toBeLessThanOrEqual(1);
    }
    expectAllComplete(later, records);
    console.log(`[faults ${dialect}] agent kill: interrupted ran ${interrupted.map((i) => runs.get(i.id)).join(',')} times →`, summary);
  }, 240_000);

  it('does not run again a command whose result waited in the journal, when the reconnect re-sends it after the ack', async () => {
    // The agent ran C and was SIGKILLed before its result reached the server: the server still has
    // C as sent, older commands are still queued (their "sent" mark was lost with a server, or they
    // share C's timestamp in one fan-out). On reconnect the agent re-sends C's result from its
    // journal while the server walks its pending list, which it read before storing that result;
    // C comes up after the result was acknowledged. Marking those queued commands sent gives the
    // ack time to cross: C must not run now (it already did, its result says so).
    const agent = agents[2];
    await agent.proc.kill('SIGKILL');
    const older = await issue(Array.from({ length: 40 }, () => ({ agent, kind: 'mkdir' as const })), 's4-older');
    await sleep(20);
    const [ran] = await issue([{ agent, kind: 'script', sleepS: 0 }], 's4-ran');
    await core.store.db.updateTable('commands').set({ status: 'sent', sent_at: new Date().toISOString() }).where('id', '=', ran.id).execute();
    const journaled = { ok: true, data: { stdout: 'from the journal' }, cwd: agent.workDir };
    fs.appendFileSync(
      path.join(agent.stateDir, 'journal.jsonl'),
      `${JSON.stringify({ id: ran.id, s: 'started' })}\n${JSON.stringify({ id: ran.id, s: 'result', r: journaled })}\n`,
    );
    agent.proc = await startAgentProcess(group, `${agent.name} (restarted)`, { serverUrl: agent.proxy.url, stateDir: agent.stateDir, reconnectMaxMs: RECONNECT_MAX_MS });

    const { records, runs } = await settle(older);
    expectAllComplete(older, records);
    // Long enough for a late copy of C to have been delivered and run.
    await sleep(1500);
    const c = await core.commands.get(ran.id);
    expect(c?.status).toBe('complete');
    expect(c?.result).toMatchObject({ stdout: 'from the journal' });
    expect(runCounts([ran]).get(ran.id), 'the journaled command ran again').toBe(0);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  }, 240_000);

  it('keeps the result of a command that finished while every server was down past its lifetime', async () => {
    // The script ends within seconds, with the server down: its result waits in the agent's
    // journal. The server stays down past the command's lifetime (queue time + timeout + slack,
    // 25 s here); once it starts again, the agent re-sends the result on reconnect, within the
    // sweeper's reconnect grace (AGENT_RECONNECT_GRACE_MS), and it is kept, not refused as late.
    const agent = agents[0];
    const tag = `s5-${++seq}`;
    const res = await core.commands.issueMany([
      {
        device_id: agent.deviceId,
        name: 'runscript',
        args: { script: `sleep 2\necho ${tag} $RANDOM >> '${agent.log}'\necho finished ${tag}\n` },
        cwd: agent.workDir,
        ...COMMON,
        queue_ttl_ms: 5000,
      },
    ]);
    expect(res.refused.map((r) => r.error.message)).toEqual([]);
    const [issued] = res.commands.map((c): Issued => ({ id: c.id, tag, kind: 'script', agent }));
    await until(async () => (await countIn([issued], 'running')) === 1, STEP_MS, 'the script running');
    // On PostgreSQL every replica goes: one still up would time the command out on schedule.
    await Promise.all(servers.map((s) => s.proc.kill('SIGKILL')));
    const marks = agents.map((a) => a.proc.mark());
    const expiresAt = Date.parse((await core.commands.get(issued.id))!.expires_at);
    await sleep(Math.max(0, expiresAt + 1000 - Date.now()));
    // The script ended while the server was down, once and only once.
    expect(runCounts([issued]).get(issued.id)).toBe(1);

    for (const server of servers) server.proc = await startServerProcess(group, `${server.name} (restarted)`, { dataDir, port: server.port, databaseUrl });
    await Promise.all(agents.map((a, i) => reconnected(a, marks[i])));

    const { records, runs } = await settle([issued]);
    const c = records.get(issued.id)!;
    expect(c.status, `${JSON.stringify(c.error)}\n${diagnostics()}`).toBe('complete');
    expect(c.result).toMatchObject({ stdout: `finished ${tag}\n`, exit_code: 0 });
    expect(runs.get(issued.id)).toBe(1);
  }, 240_000);
});
