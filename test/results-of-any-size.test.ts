import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { path7za } from '7zip-bin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT_PROTOCOL_VERSION, RESULT_BLOB_MAX_BYTES } from '@riposte/spec';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor, type TestAgent } from './support/agent.ts';
import { allowAllCommands, type rtr, startRtrOnAgent } from './support/rtr.ts';
import { enroll } from '../packages/agent/src/transport/identity.ts';
import { OsExecutor } from '../packages/agent/src/commands/os-executor.ts';

const MiB = 1024 * 1024;

/** Runs a shell command without blocking this process's event loop. */
function shell(command: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

// Results larger than a control-channel frame travel as blobs over the transfer path; what the
// server cannot accept is refused once, so the host stays online and is never stuck re-sending.
describe('results of any size', () => {
  let t: TestServer;
  let agent: TestAgent;
  let admin: ReturnType<typeof rtr>;
  let sid: string;
  let disconnects = 0;

  beforeAll(async () => {
    ({ t, agent, admin, sid } = await startRtrOnAgent());
    agent.client.on('disconnected', () => disconnects++);
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
    if (agent) fs.rmSync(agent.workDir, { recursive: true, force: true });
  });

  /** Execute and wait up to `ms` (these take a while on a busy machine). */
  async function runLong(line: string, tier: 'read' | 'admin', ms = 180_000) {
    const res = await admin.execute(sid, line, tier);
    expect(res.status).toBe(201);
    const id = res.body.resources[0].cloud_request_id as string;
    return { ...(await admin.wait(id, ms, tier)), id };
  }

  /** The command the log entry stands for, and the uploads made for it. */
  async function uploadsOf(cloudRequestId: string) {
    const { view } = await t.server.core.rtr.log.get(cloudRequestId, { id: t.clientId, name: 'bootstrap' });
    const commandId = view.command!.id;
    return (await t.server.core.transfers.forCommand(commandId)).filter((x) => x.direction === 'upload' && x.status === 'complete');
  }

  it('lists a directory of 300,000 files: a capped listing, delivered as a blob, says it was cut', async () => {
    const big = path.join(agent.workDir, 'big');
    fs.mkdirSync(big);
    let at = Date.now();
    // Empty files, two system calls each, in a child process: the server and the agent in this
    // process keep running meanwhile.
    const make = "const fs = require('fs'); for (let i = 1; i <= 300000; i++) fs.closeSync(fs.openSync('f' + String(i).padStart(6, '0'), 'w'));";
    await shell(`${JSON.stringify(process.execPath)} -e ${JSON.stringify(make)}`, big);
    expect((await fs.promises.readdir(big)).length).toBe(300_000);
    console.log(`created 300,000 files in ${Date.now() - at} ms`);
    at = Date.now();
    const ls = await runLong(`ls ${big}`, 'read');
    console.log(`ls answered in ${Date.now() - at} ms`);
    expect(ls.complete).toBe(true);
    expect(ls.stderr).toBe("listing truncated by the host's cap: 20,000 of 300,000 entries shown\n");
    expect(ls.stdout.startsWith(`${big}:\n`)).toBe(true);
    expect(ls.stdout).toMatch(/ f000001\n/);
    const uploads = await uploadsOf(ls.id);
    expect(uploads).toHaveLength(1);
    expect(uploads[0].size).toBeGreaterThan(MiB);
    await shell(`rm -rf ${JSON.stringify(big)}`, agent.workDir);
  }, 600_000);

  it('runs a command printing 20 MiB of NUL bytes: stdout is cut at the cap with a note, and the host stays online', async () => {
    const out = await runLong('runscript -Raw=```head -c 20971520 /dev/zero```', 'admin');
    expect(out.complete).toBe(true);
    const whole = crypto.createHash('sha256').update(Buffer.alloc(20 * MiB)).digest('hex');
    expect(out.stderr).toBe(
      "output truncated by the host's cap: stdout cut at 4.0 MiB of 20.0 MiB written; " +
        `the whole stdout (20.0 MiB) is a file of this session with sha256 ${whole}: fetch it with RTR_GetExtractedFileContents\n`,
    );
    expect(out.stdout).toBe('\u0000'.repeat(64 * 1024)); // the first sequence of 4 MiB
    // Two uploads: the whole output, and the result itself (as JSON 24 MiB: each NUL is \u0000),
    // more than a frame may carry.
    const uploads = await uploadsOf(out.id);
    expect(uploads.map((u) => u.size).sort((a, b) => a - b)).toEqual([20 * MiB, expect.any(Number)]);
    expect(uploads.find((u) => u.size !== 20 * MiB)!.size).toBeGreaterThan(24 * MiB);

    // The whole output is a file of the session, served like any retrieved file (7z, "infected").
    const files = await admin.api('GET', `/real-time-response/entities/file/v2?session_id=${sid}`);
    expect(files.body.resources).toContainEqual(expect.objectContaining({ sha256: whole, size: 20 * MiB, file_name: expect.stringMatching(/^runscript-.*\.stdout\.txt$/) }));
    const res = await fetch(`${t.url}/real-time-response/entities/extracted-file-contents/v1?session_id=${sid}&sha256=${whole}&filename=stdout.txt`, {
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    expect(res.status).toBe(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-whole-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.7z'), Buffer.from(await res.arrayBuffer()));
      const extracted = execFileSync(path7za, ['x', '-pinfected', '-so', path.join(dir, 'a.7z')], { maxBuffer: 64 * MiB });
      expect(crypto.createHash('sha256').update(extracted).digest('hex')).toBe(whole);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const last = await admin.status(out.id, 63, 'admin');
    expect(last.body.resources[0].stdout).toBe('\u0000'.repeat(64 * 1024));
    expect((await admin.status(out.id, 64, 'admin')).status).toBe(404);
  }, 600_000);

  it('stays connected throughout, and the next command works', async () => {
    expect(disconnects).toBe(0);
    expect((await t.server.core.hosts.get(agent.deviceId))?.online).toBe(true);
    expect((await admin.run(sid, 'pwd', 'read')).stdout).toBe('/\n');
  });
});

describe('results the server cannot accept are refused once', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    await allowAllCommands(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A hand-driven agent: its own socket, every frame it receives kept. */
  async function handDriven(hostname: string) {
    const inventory = { ...(await new OsExecutor({ agentVersion: '0.1.0' }).inventory()), hostname };
    const identity = await enroll(t.url, t.enrollToken, inventory);
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Agent ${identity.device_id}:${identity.agent_secret}` } });
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'hello', protocol: AGENT_PROTOCOL_VERSION, inventory }));
    await waitFor(() => frames.some((f) => f.t === 'welcome'), 10_000, 'welcome');
    const issue = () => t.server.core.commands.issue({ device_id: identity.device_id, name: 'ps', args: {}, issued_by: 'test' });
    const refusal = (id: string) => frames.find((f) => f.t === 'result_ack' && f.ids.includes(id));
    return { identity, ws, frames, issue, refusal };
  }

  it('refuses a malformed result, an oversized one and a blob never uploaded: each command ends in error and is acknowledged', async () => {
    const a = await handDriven('refused-results');
    const ended = async (id: string) => {
      await t.server.core.commands.flush();
      return t.server.core.commands.get(id);
    };

    // An error message over the schema's limit (an agent that does not cut its messages).
    const malformed = await a.issue();
    a.ws.send(JSON.stringify({ t: 'result', id: malformed.id, result: { ok: false, error: { code: 'failed', message: 'e'.repeat(70_000) }, cwd: '/' } }));
    await waitFor(() => a.refusal(malformed.id) !== undefined, 10_000, 'refusal of the malformed result');
    expect(a.refusal(malformed.id).refused[0].reason).toMatch(/could not be accepted: invalid message/);
    expect(await ended(malformed.id)).toMatchObject({ status: 'error', error: { code: 'result_refused' } });

    // Larger than any result the server takes: refused before a byte is uploaded.
    const huge = await a.issue();
    a.ws.send(JSON.stringify({ t: 'result_upload', id: huge.id, size: RESULT_BLOB_MAX_BYTES + 1 }));
    await waitFor(() => a.refusal(huge.id) !== undefined, 10_000, 'refusal of the oversized result');
    expect(a.frames.some((f) => f.t === 'result_upload' && f.id === huge.id)).toBe(false);
    expect((await ended(huge.id))?.error?.message).toMatch(/the result \(67108865 bytes\) exceeds the server's 67108864-byte cap/);

    // A reference to bytes this host never uploaded for this command (here: a put-file's blob).
    const named = await a.issue();
    const { sha256, size } = await t.server.core.blobs.put((await import('node:stream')).Readable.from([Buffer.from('{"ok":true,"data":{},"cwd":"/"}')]));
    a.ws.send(JSON.stringify({ t: 'result', id: named.id, result_blob: { sha256, size } }));
    await waitFor(() => a.refusal(named.id) !== undefined, 10_000, 'refusal of the unbacked reference');
    expect((await ended(named.id))?.error?.message).toMatch(/no upload of [0-9a-f]{64} \(\d+ bytes\) was received from this host for this command/);

    // A result that is accepted after being uploaded the proper way.
    const proper = await a.issue();
    const body = Buffer.from(JSON.stringify({ ok: true, data: { processes: [] }, cwd: '/' }));
    a.ws.send(JSON.stringify({ t: 'result_upload', id: proper.id, size: body.length }));
    await waitFor(() => a.frames.some((f) => f.t === 'result_upload' && f.id === proper.id), 10_000, 'upload token');
    const token = a.frames.find((f) => f.t === 'result_upload' && f.id === proper.id).token as string;
    const put = await fetch(`${t.url}/agent/v1/transfers/upload`, {
      method: 'PUT',
      headers: { authorization: `Transfer ${token}`, 'content-type': 'application/octet-stream', 'upload-offset': '0', 'upload-length': String(body.length) },
      body,
    });
    expect(put.status).toBe(200);
    const digest = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
    const done = await fetch(`${t.url}/agent/v1/transfers/upload/complete`, {
      method: 'POST',
      headers: { authorization: `Transfer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: digest, size: body.length }),
    });
    expect(done.status).toBe(200);
    a.ws.send(JSON.stringify({ t: 'result', id: proper.id, result_blob: { sha256: digest, size: body.length } }));
    await waitFor(async () => (await ended(proper.id))?.status === 'complete', 10_000, 'the uploaded result stored');
    expect((await t.server.core.commands.get(proper.id))?.result).toEqual({ processes: [] });

    // A whole output it names but never uploaded is dropped from the result, with a note.
    const claimed = await a.issue();
    a.ws.send(JSON.stringify({ t: 'result', id: claimed.id, result: { ok: true, data: { processes: [], stdout: 'x', truncated: true, full_output: { sha256, size, whole: true } }, cwd: '/' } }));
    await waitFor(async () => (await ended(claimed.id))?.status === 'complete', 10_000, 'the result with an unbacked output stored');
    const stored = (await t.server.core.commands.get(claimed.id))!.result!;
    expect(stored.full_output).toBeUndefined();
    expect(stored.full_output_error).toBe('the host named a whole output that it did not upload for this command');

    // Still connected and served.
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
    a.ws.close();
  });
});
