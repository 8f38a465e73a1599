import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '@riposte/core';
import { openTestStore } from '../../../core/src/testing/db.ts';
import { BlobIndex, createFsBlobStore, type BlobStore } from '../../../core/src/blobs/index.ts';
import { TransferService, UploadReceiver } from '../../../core/src/transfers/index.ts';
import { registerTransferRoutes } from './transfer-routes.ts';
import { agentErrorHandler, agentNotFound } from './envelope.ts';

/** A bare app answering errors as the agent dialect's plugin does, around the transfer routes. */
function agentApp() {
  const app = Fastify({ logger: false });
  app.setErrorHandler(agentErrorHandler);
  app.setNotFoundHandler(agentNotFound);
  return app;
}

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const device_id = 'e'.repeat(32);
const octets = { 'content-type': 'application/octet-stream' };

let store: Store;
let dir: string;
let blobs: BlobStore;
let transfers: TransferService;
let uploads: UploadReceiver;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  store = await openTestStore();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-transfer-routes-'));
  blobs = createFsBlobStore(dir);
  transfers = new TransferService(store.db, blobs, { maxUploadBytes: 64 * 1024 * 1024 });
  uploads = new UploadReceiver(transfers, blobs);
  app = agentApp();
  registerTransferRoutes(app, { transfers, uploads, blobs });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/agent/v1/transfers`;
});

afterAll(async () => {
  await app.close();
  await uploads.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const auth = (token: string) => ({ authorization: `Transfer ${token}` });
const upload = (command_id = 'cmd', max_size?: number) => transfers.mint({ command_id, device_id, direction: 'upload', max_size });
const head = (token: string) => fetch(`${base}/upload`, { method: 'HEAD', headers: auth(token) });
const put = (token: string, offset: number, body: Buffer, extra: Record<string, string> = {}) =>
  fetch(`${base}/upload`, { method: 'PUT', headers: { ...auth(token), ...octets, 'upload-offset': String(offset), ...extra }, body: bytes(body) });
/** fetch's types want an ArrayBuffer-backed view; Buffers may sit on a shared pool. */
const bytes = (b: Buffer) => new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
const complete = (token: string, body: unknown) =>
  fetch(`${base}/upload/complete`, { method: 'POST', headers: { ...auth(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
const partPath = (id: string) => path.join(blobs.tempDir, `${id}.part`);

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('uploads', () => {
  it('round trip: PUT the bytes, complete with the digest, the blob is stored and recorded', async () => {
    const data = crypto.randomBytes(300_000);
    const { id, token } = await upload('cmd-roundtrip');
    expect((await head(token)).headers.get('upload-offset')).toBe('0');
    const r = await put(token, 0, data, { 'upload-length': String(data.length) });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ received: data.length });
    expect((await head(token)).headers.get('upload-offset')).toBe(String(data.length));
    const c = await complete(token, { sha256: sha(data), size: data.length });
    expect(c.status).toBe(200);
    expect(await c.json()).toEqual({ sha256: sha(data), size: data.length });
    expect(fs.readFileSync(blobs.path(sha(data))).equals(data)).toBe(true);
    expect(await new BlobIndex(store.db).get(sha(data))).toMatchObject({ size: data.length });
    expect(await transfers.get(id)).toMatchObject({ status: 'complete', sha256: sha(data), size: data.length });
    expect(fs.existsSync(partPath(id))).toBe(false);
  });

  it('several contiguous PUTs and an empty file both complete', async () => {
    const data = crypto.randomBytes(5000);
    const { token } = await upload();
    expect((await put(token, 0, data.subarray(0, 2000))).status).toBe(200);
    expect((await put(token, 2000, data.subarray(2000))).status).toBe(200);
    expect((await complete(token, { sha256: sha(data), size: 5000 })).status).toBe(200);

    const empty = await upload();
    expect((await complete(empty.token, { sha256: sha(''), size: 0 })).status).toBe(200);
    expect(await blobs.stat(sha(''))).toEqual({ size: 0 });
  });

  it('completing again after an answer was lost (file already imported) succeeds', async () => {
    const data = Buffer.from('imported before the database could record it');
    const { id, token } = await upload();
    expect((await put(token, 0, data)).status).toBe(200);
    // What completing does before the import: the digest the server computed is pinned first.
    await transfers.pinDigest(id, sha(data));
    await blobs.importFile(partPath(id), { sha256: sha(data), size: data.length });
    const c = await complete(token, { sha256: sha(data), size: data.length });
    expect(c.status).toBe(200);
    expect(await transfers.get(id)).toMatchObject({ status: 'complete', sha256: sha(data) });
  });

  it('a retried completion cannot name another stored blob of the same size', async () => {
    const data = Buffer.from('bytes this agent really sent....');
    const other = Buffer.from('another host evidence, 32 bytes!');
    expect(other.length).toBe(data.length);
    const otherUpload = await upload();
    expect((await put(otherUpload.token, 0, other)).status).toBe(200);
    expect((await complete(otherUpload.token, { sha256: sha(other), size: other.length })).status).toBe(200);

    const { id, token } = await upload();
    expect((await put(token, 0, data)).status).toBe(200);
    await transfers.pinDigest(id, sha(data));
    await blobs.importFile(partPath(id), { sha256: sha(data), size: data.length });
    const c = await complete(token, { sha256: sha(other), size: other.length });
    expect(c.status).toBe(422);
    expect((await transfers.get(id))!.status).not.toBe('complete');
  });

  it('resumes after an aborted PUT from the bytes that reached disk', async () => {
    const data = crypto.randomBytes(8 * 1024 * 1024);
    const { id, token } = await upload('cmd-resume');
    const req = http.request(`${base}/upload`, {
      method: 'PUT',
      headers: { ...auth(token), ...octets, 'content-length': String(data.length), 'upload-offset': '0' },
    });
    req.on('error', () => {});
    req.write(data.subarray(0, 3 * 1024 * 1024));
    await waitFor(() => (fs.existsSync(partPath(id)) ? fs.statSync(partPath(id)).size : 0) > 0);
    req.destroy();

    const offset = Number((await head(token)).headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect((await transfers.get(id))?.received).toBe(offset);
    // The wrong offset is refused with the right one.
    const wrong = await put(token, 0, data);
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get('upload-offset')).toBe(String(offset));
    expect((await wrong.json()).error.code).toBe('offset_mismatch');

    expect((await put(token, offset, data.subarray(offset))).status).toBe(200);
    const c = await complete(token, { sha256: sha(data), size: data.length });
    expect(c.status).toBe(200);
    expect(fs.readFileSync(blobs.path(sha(data))).equals(data)).toBe(true);
  });

  it('a new request supersedes a stalled PUT (half-dead connection) and learns its offset', async () => {
    const data = crypto.randomBytes(2 * 1024 * 1024);
    const { id, token } = await upload('cmd-stalled');
    const req = http.request(`${base}/upload`, {
      method: 'PUT',
      headers: { ...auth(token), ...octets, 'content-length': String(data.length), 'upload-offset': '0' },
    });
    const stalledClosed = new Promise<void>((resolve) => {
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.resume();
        res.on('close', () => resolve());
      });
    });
    req.write(data.subarray(0, 1024 * 1024));
    await waitFor(() => (fs.existsSync(partPath(id)) ? fs.statSync(partPath(id)).size : 0) === 1024 * 1024);

    const offset = Number((await head(token)).headers.get('upload-offset'));
    expect(offset).toBe(1024 * 1024);
    await stalledClosed;
    expect((await put(token, offset, data.subarray(offset))).status).toBe(200);
    expect((await complete(token, { sha256: sha(data), size: data.length })).status).toBe(200);
  });

  it('cuts a PUT whose client goes silent, keeping what arrived', async () => {
    const quick = agentApp();
    registerTransferRoutes(quick, { transfers, uploads, blobs, idleTimeoutMs: 200 });
    await quick.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { id, token } = await upload('cmd-silent');
      const req = http.request(`http://127.0.0.1:${(quick.server.address() as AddressInfo).port}/agent/v1/transfers/upload`, {
        method: 'PUT',
        headers: { ...auth(token), ...octets, 'content-length': String(4 * 1024 * 1024), 'upload-offset': '0' },
      });
      const cut = new Promise<void>((resolve) => {
        req.on('error', () => resolve());
        req.on('close', () => resolve());
      });
      req.write(crypto.randomBytes(1024 * 1024));
      await cut;
      await waitFor(async () => (await transfers.get(id))?.received === 1024 * 1024);
      expect((await head(token)).headers.get('upload-offset')).toBe(String(1024 * 1024));
    } finally {
      await quick.close();
    }
  });

  it('refuses a PUT at the wrong offset with 409 and the current offset', async () => {
    const { token } = await upload();
    const r = await put(token, 10, Buffer.from('abc'));
    expect(r.status).toBe(409);
    expect(r.headers.get('upload-offset')).toBe('0');
    const bad = await put(token, -1 as number, Buffer.from('abc'));
    expect(bad.status).toBe(400);
    const missing = await fetch(`${base}/upload`, { method: 'PUT', headers: { ...auth(token), ...octets }, body: 'abc' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe('bad_request');
  });

  it('refuses more than max_size with 413 and fails the transfer (announced or streamed)', async () => {
    const announced = await upload('cmd-big', 1000);
    const r = await put(announced.token, 0, Buffer.alloc(1001));
    expect(r.status).toBe(413);
    expect((await r.json()).error.code).toBe('too_large');
    expect((await head(announced.token)).status).toBe(410);

    const byLength = await upload('cmd-big', 1000);
    expect((await put(byLength.token, 0, Buffer.alloc(10), { 'upload-length': '5000' })).status).toBe(413);

    // Chunked body without a length: caught while streaming.
    const streamed = await upload('cmd-big', 1000);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/upload`, { method: 'PUT', headers: { ...auth(streamed.token), ...octets, 'upload-offset': '0' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(600));
      req.end(Buffer.alloc(600));
    });
    expect(status).toBe(413);
    expect((await transfers.get(streamed.id))?.status).toBe('failed');
    expect(fs.existsSync(partPath(streamed.id))).toBe(false);
  });

  it('a wrong digest or size fails the transfer with 422; the token is then useless', async () => {
    const data = Buffer.from('the real bytes');
    const { id, token } = await upload('cmd-digest');
    expect((await put(token, 0, data)).status).toBe(200);
    const r = await complete(token, { sha256: sha('other bytes'), size: data.length });
    expect(r.status).toBe(422);
    expect((await r.json()).error.code).toBe('digest_mismatch');
    expect((await transfers.get(id))?.status).toBe('failed');
    expect(fs.existsSync(partPath(id))).toBe(false);
    expect(await blobs.stat(sha(data))).toBeUndefined();
    expect((await head(token)).status).toBe(410);
    expect((await put(token, 0, data)).status).toBe(410);
    expect((await complete(token, { sha256: sha(data), size: data.length })).status).toBe(410);

    const sized = await upload('cmd-digest');
    expect((await put(sized.token, 0, data)).status).toBe(200);
    expect((await complete(sized.token, { sha256: sha(data), size: data.length + 1 })).status).toBe(422);
  });

  it('a completed transfer’s token no longer works', async () => {
    const { token } = await upload();
    expect((await put(token, 0, Buffer.from('once'))).status).toBe(200);
    expect((await complete(token, { sha256: sha('once'), size: 4 })).status).toBe(200);
    const again = await head(token);
    expect(again.status).toBe(410);
    const r = await put(token, 4, Buffer.from('more'));
    expect(r.status).toBe(410);
    expect((await r.json()).error.code).toBe('gone');
    expect((await complete(token, { sha256: sha('once'), size: 4 })).status).toBe(410);
  });

  it('refuses missing, unknown and wrong-direction tokens, and non-octet-stream bodies', async () => {
    const noAuth = await fetch(`${base}/upload`, { method: 'HEAD' });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toBe('Transfer');
    const bearer = await fetch(`${base}/upload`, { method: 'PUT', headers: { authorization: 'Bearer x', ...octets, 'upload-offset': '0' }, body: 'x' });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await head('not-a-token')).status).toBe(401);

    const blob = await blobs.put(Readable.from([Buffer.from('dl')]));
    const down = await transfers.mint({ command_id: 'c', device_id, direction: 'download', sha256: blob.sha256 });
    expect((await head(down.token)).status).toBe(401);
    expect((await put(down.token, 0, Buffer.from('x'))).status).toBe(401);
    const up = await upload();
    expect((await fetch(`${base}/download`, { headers: auth(up.token) })).status).toBe(401);

    const text = await fetch(`${base}/upload`, { method: 'PUT', headers: { ...auth(up.token), 'content-type': 'text/plain', 'upload-offset': '0' }, body: 'x' });
    expect(text.status).toBe(415);
    expect((await text.json()).error.code).toBe('unsupported_media_type');
  });

  it('refuses malformed digests and paths', async () => {
    const { token } = await upload();
    expect((await put(token, 0, Buffer.from('abc'))).status).toBe(200);
    for (const sha256 of ['../../../etc/passwd', 'A'.repeat(64), sha('abc').slice(1), 42]) {
      const r = await complete(token, { sha256, size: 3 });
      expect(r.status).toBe(400);
      expect((await r.json()).error.code).toBe('bad_request');
    }
    const traversal = await fetch(`${base}/upload/../../../etc/passwd`, { headers: auth(token) });
    expect(traversal.status).toBe(404);
    const elsewhere = await fetch(`${base}/nothing-here`, { headers: auth(token) });
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).error.code).toBe('not_found');
    // Still usable after all that.
    expect((await complete(token, { sha256: sha('abc'), size: 3 })).status).toBe(200);
  });
});

describe('downloads', () => {
  it('streams the blob with its length; resumes with Range; the token is spent once all bytes went out', async () => {
    const data = crypto.randomBytes(24 * 1024 * 1024);
    const blob = await blobs.put(Readable.from([data]));
    const { id, token } = await transfers.mint({ command_id: 'cmd-dl', device_id, direction: 'download', sha256: blob.sha256 });

    // Read the first MiB or so, then drop the connection.
    const ac = new AbortController();
    const first = await fetch(`${base}/download`, { headers: auth(token), signal: ac.signal });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-length')).toBe(String(data.length));
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    const reader = first.body!.getReader();
    const got: Buffer[] = [];
    let n = 0;
    while (n < 1024 * 1024) {
      const { value } = await reader.read();
      got.push(Buffer.from(value!));
      n += value!.length;
    }
    ac.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect((await transfers.get(id))?.status).toBe('open');

    const rest = await fetch(`${base}/download`, { headers: { ...auth(token), range: `bytes=${n}-` } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes ${n}-${data.length - 1}/${data.length}`);
    expect(rest.headers.get('content-length')).toBe(String(data.length - n));
    const tail = Buffer.from(await rest.arrayBuffer());
    expect(Buffer.concat([...got, tail]).equals(data)).toBe(true);

    await waitFor(async () => (await transfers.get(id))?.status === 'complete');
    expect((await fetch(`${base}/download`, { headers: auth(token) })).status).toBe(410);
  });

  it('a range short of the end leaves the token usable; an unsatisfiable range is 416', async () => {
    const data = Buffer.from('0123456789');
    const blob = await blobs.put(Readable.from([data]));
    const { id, token } = await transfers.mint({ command_id: 'cmd-dl2', device_id, direction: 'download', sha256: blob.sha256 });
    const mid = await fetch(`${base}/download`, { headers: { ...auth(token), range: 'bytes=2-4' } });
    expect(mid.status).toBe(206);
    expect(await mid.text()).toBe('234');
    const beyond = await fetch(`${base}/download`, { headers: { ...auth(token), range: 'bytes=10-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */10');
    // HEAD is not a download: it must not spend the token.
    expect((await fetch(`${base}/download`, { method: 'HEAD', headers: auth(token) })).status).toBe(404);
    expect((await transfers.get(id))?.status).toBe('open');
    const all = await fetch(`${base}/download`, { headers: auth(token) });
    expect(await all.text()).toBe('0123456789');
    await waitFor(async () => (await transfers.get(id))?.status === 'complete');
  });

  it('a blob that vanished fails the transfer with 410', async () => {
    const blob = await blobs.put(Readable.from([Buffer.from('short-lived')]));
    const { id, token } = await transfers.mint({ command_id: 'cmd-dl3', device_id, direction: 'download', sha256: blob.sha256 });
    await blobs.delete(blob.sha256);
    expect((await fetch(`${base}/download`, { headers: auth(token) })).status).toBe(410);
    expect((await transfers.get(id))?.status).toBe('failed');
  });
});

describe('uploads on a slow disk', () => {
  it('starts at most one disk sync at a time, however fast the bytes arrive', async () => {
    // A disk far slower than loopback: each sync takes 150 ms while 32 MiB arrive in a few.
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const original = proto.datasync;
    let inFlight = 0;
    let most = 0;
    let syncs = 0;
    proto.datasync = async function (this: unknown) {
      syncs++;
      most = Math.max(most, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 150));
        return await original.call(this);
      } finally {
        inFlight--;
      }
    };
    const big = new TransferService(store.db, blobs);
    const bigApp = agentApp();
    registerTransferRoutes(bigApp, { transfers: big, uploads: new UploadReceiver(big, blobs), blobs });
    await bigApp.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(bigApp.server.address() as AddressInfo).port}/agent/v1/transfers`;
      const data = crypto.randomBytes(128 * 1024 * 1024);
      const { token } = await big.mint({ command_id: 'cmd-slow-disk', device_id, direction: 'upload' });
      const r = await fetch(`${url}/upload`, { method: 'PUT', headers: { ...auth(token), ...octets, 'upload-offset': '0' }, body: bytes(data) });
      expect(r.status).toBe(200);
      const c = await fetch(`${url}/upload/complete`, { method: 'POST', headers: { ...auth(token), 'content-type': 'application/json' }, body: JSON.stringify({ sha256: sha(data), size: data.length }) });
      expect(c.status).toBe(200);
      expect(syncs).toBeGreaterThan(0);
      expect(most).toBe(1);
      await blobs.delete(sha(data));
    } finally {
      proto.datasync = original;
      await bigApp.close();
    }
  });
});
