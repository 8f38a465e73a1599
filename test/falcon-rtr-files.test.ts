import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { path7za } from '7zip-bin';
import { startTestServer, type TestServer } from './support/server.ts';
import { seedHosts } from './support/hosts.ts';
import { waitFor } from './support/agent.ts';
import { allowAllCommands, rtr, RTR_SCOPES } from './support/rtr.ts';

const FILES = '/real-time-response/entities/file';
const CONTENTS = '/real-time-response/entities/extracted-file-contents/v1';

// Retrieved files: listing, the password-protected 7z download, deletion, batch get status.
// The host's side of `get` is played here (result + blob), so this file does not depend on agents;
// the SDK workflow test does the same with a real agent.
describe('Falcon RTR retrieved files', () => {
  let t: TestServer;
  let host: string;
  let client: ReturnType<typeof rtr>;
  let sid: string;
  const content = Buffer.from('MZ\x90\x00 evidence bytes\n'.repeat(100), 'latin1');
  let sha256: string;

  /** Play the host: store the bytes and complete the get as an agent would. */
  async function completeGet(cloudRequestId: string, deviceId: string, filePath: string): Promise<void> {
    const stored = await t.server.core.blobs.put(Readable.from([content]));
    sha256 = stored.sha256;
    // The record comes from the upload the server received for this command, as a real agent's would.
    const upload = await t.server.core.transfers.mint({ command_id: cloudRequestId, device_id: deviceId, direction: 'upload' });
    await t.server.core.transfers.complete(upload.id, stored);
    const applied = await t.server.core.commands.complete(cloudRequestId, deviceId, { ok: true, data: { path: filePath, name: path.posix.basename(filePath), size: stored.size, sha256: stored.sha256 }, cwd: '/' });
    expect(applied).toBe(true);
  }

  beforeAll(async () => {
    t = await startTestServer();
    await allowAllCommands(t);
    host = (await seedHosts(t.server.core, 2, () => ({ platform_name: 'Linux' })))[0].device_id;
    client = rtr(t, await t.token());
    sid = await client.session(host, { queue_offline: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists a get as pending (v2 only), then as retrieved', async () => {
    const res = await client.execute(sid, 'get "/var/log/auth log.txt"', 'active');
    expect(res.status).toBe(201);
    const id = res.body.resources[0].cloud_request_id;
    const pending = await client.api('GET', `${FILES}/v2?session_id=${sid}`);
    expect(pending.body.resources).toMatchObject([{ cloud_request_id: id, complete: false, status: 'PENDING', name: '/var/log/auth log.txt', file_name: 'auth log.txt' }]);
    expect((await client.api('GET', `${FILES}/v1?session_id=${sid}`)).body.resources).toEqual([]);

    await completeGet(id, host, '/var/log/auth log.txt');
    const v1 = await client.api('GET', `${FILES}/v1?session_id=${sid}`);
    expect(v1.status).toBe(200);
    expect(v1.body.resources).toMatchObject([{ session_id: sid, cloud_request_id: id, name: '/var/log/auth log.txt', sha256, size: content.length }]);
    expect(typeof v1.body.resources[0].id).toBe('number');
    const v2 = await client.api('GET', `${FILES}/v2?session_id=${sid}`);
    expect(v2.body.resources[0]).toMatchObject({ id: String(v1.body.resources[0].id), complete: true, status: 'COMPLETE', progress: 100 });
    expect((await client.wait(id)).stdout).toMatch(new RegExp(`Retrieved ${content.length} bytes`));
  });

  it('serves the file as a 7z archive that opens with "infected", and only with it', async () => {
    const res = await fetch(`${t.url}${CONTENTS}?session_id=${sid}&sha256=${sha256.toUpperCase()}&filename=evidence.bin`, { headers: { authorization: `Bearer ${await t.token()}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-7z-compressed');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 6)).toEqual(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])); // 7z signature
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtr-7z-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.7z'), bytes);
      const listing = execFileSync(path7za, ['l', '-pinfected', path.join(dir, 'a.7z')]).toString();
      expect(listing).toMatch(/evidence\.bin/);
      expect(execFileSync(path7za, ['x', '-pinfected', '-so', path.join(dir, 'a.7z'), 'evidence.bin'])).toEqual(content);
      expect(() => execFileSync(path7za, ['x', '-pwrong', '-so', path.join(dir, 'a.7z')], { stdio: 'pipe' })).toThrow();
      // Without a filename the archive holds the file under its own name.
      const temps = () => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('riposte-7z-')));
      const before = temps();
      const plain = await fetch(`${t.url}${CONTENTS}?session_id=${sid}&sha256=${sha256}`, { headers: { authorization: `Bearer ${await t.token()}` } });
      fs.writeFileSync(path.join(dir, 'b.7z'), Buffer.from(await plain.arrayBuffer()));
      expect(execFileSync(path7za, ['l', '-slt', '-pinfected', path.join(dir, 'b.7z')]).toString()).toMatch(/Path = auth log\.txt/);
      // The temporary archive is removed once sent.
      await waitFor(() => [...temps()].every((n) => before.has(n)), 3000, 'temporary archive removed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses path separators in filename, unknown digests and other clients', async () => {
    for (const bad of ['../etc/passwd', 'a/b', 'a\\b', '..']) {
      const res = await client.api('GET', `${CONTENTS}?session_id=${sid}&sha256=${sha256}&filename=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
    }
    const unknown = await client.api('GET', `${CONTENTS}?session_id=${sid}&sha256=${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].message).toMatch(/no file with sha256 0+ was retrieved in session/);
    expect((await client.api('GET', `${CONTENTS}?session_id=${sid}&sha256=nothex`)).status).toBe(400);
    const other = rtr(t, await t.token(RTR_SCOPES.admin));
    expect((await other.api('GET', `${CONTENTS}?session_id=${sid}&sha256=${sha256}`)).status).toBe(404);
    expect((await other.api('GET', `${FILES}/v1?session_id=${sid}`)).status).toBe(404);
    expect((await other.api('DELETE', `${FILES}/v1?session_id=${sid}&ids=1`)).status).toBe(404);
    const reader = rtr(t, await t.token(RTR_SCOPES.read));
    expect((await reader.api('GET', `${FILES}/v1?session_id=${sid}`)).status).toBe(403);
  });

  it('deletes a retrieved file (v1 and v2), once', async () => {
    const [file] = (await client.api('GET', `${FILES}/v1?session_id=${sid}`)).body.resources;
    expect((await client.api('DELETE', `${FILES}/v2?session_id=${sid}&ids=${file.id}`)).status).toBe(204);
    expect((await client.api('GET', `${FILES}/v1?session_id=${sid}`)).body.resources).toEqual([]);
    expect((await client.api('DELETE', `${FILES}/v1?session_id=${sid}&ids=${file.id}`)).status).toBe(404);
    expect((await client.api('DELETE', `${FILES}/v1?session_id=${sid}&ids=abc`)).status).toBe(404);
    expect((await client.api('GET', `${CONTENTS}?session_id=${sid}&sha256=${sha256}`)).status).toBe(404);
  });

  it('retrieves across a batch and reports each host’s file', async () => {
    const [, second] = await seedHosts(t.server.core, 2, () => ({ platform_name: 'Linux' }));
    const init = await client.api('POST', '/real-time-response/combined/batch-init-session/v1', { host_ids: [host, second.device_id], queue_offline: true });
    const batch_id = init.body.batch_id;
    const get = await client.api('POST', '/real-time-response/combined/batch-get-command/v1?timeout=1', { batch_id, file_path: '/etc/hosts' });
    expect(get.status).toBe(201);
    const reqId = get.body.batch_get_cmd_req_id;
    expect(reqId).toMatch(/^[0-9a-f-]{36}$/);
    const mine = get.body.combined.resources[host];
    expect(mine).toMatchObject({ offline_queued: true, complete: false, base_command: 'get' });
    const before = await client.api('GET', `/real-time-response/combined/batch-get-command/v1?batch_get_cmd_req_id=${reqId}`);
    expect(before.status).toBe(200);
    expect(before.body.resources).toEqual({});

    await completeGet(mine.task_id, host, '/etc/hosts');
    await t.server.core.commands.complete(get.body.combined.resources[second.device_id].task_id, second.device_id, { ok: false, error: { code: 'not_found', message: '/etc/hosts: no such file or directory' }, cwd: '/' });
    const after = await client.api('GET', `/real-time-response/combined/batch-get-command/v1?batch_get_cmd_req_id=${reqId}`);
    expect(Object.keys(after.body.resources)).toEqual([host]);
    expect(after.body.resources[host]).toMatchObject({ session_id: mine.session_id, cloud_request_id: mine.task_id, sha256, size: content.length, name: '/etc/hosts' });
    expect(after.body.errors).toEqual([{ code: 400, message: `${second.device_id}: /etc/hosts: no such file or directory`, id: second.device_id }]);
    expect((await client.api('GET', '/real-time-response/combined/batch-get-command/v1?batch_get_cmd_req_id=nope')).status).toBe(404);
    const other = rtr(t, await t.token(RTR_SCOPES.admin));
    expect((await other.api('GET', `/real-time-response/combined/batch-get-command/v1?batch_get_cmd_req_id=${reqId}`)).status).toBe(404);
    expect((await client.api('POST', '/real-time-response/combined/batch-get-command/v1', { batch_id: 'nope', file_path: '/etc/hosts' })).status).toBe(404);
  });
});
