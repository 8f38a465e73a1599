import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobIndex } from '../../../core/src/blobs/index.ts';
import { auth, octets, sha, startTransferServer, type TransferServer } from './transfer-test-support.ts';

let t: TransferServer;
beforeAll(async () => {
  t = await startTransferServer();
});
afterAll(async () => {
  await t.close();
});

describe('uploads over HTTP', () => {
  it('round trip: PUT the bytes, complete with the digest, the blob is stored and recorded', async () => {
    const data = crypto.randomBytes(300_000);
    const { id, token } = await t.upload('cmd-roundtrip');
    expect((await t.head(token)).headers.get('upload-offset')).toBe('0');
    const r = await t.put(token, 0, data, { 'upload-length': String(data.length) });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ received: data.length });
    expect((await t.head(token)).headers.get('upload-offset')).toBe(String(data.length));
    const c = await t.complete(token, { sha256: sha(data), size: data.length });
    expect(c.status).toBe(200);
    expect(await c.json()).toEqual({ sha256: sha(data), size: data.length });
    expect(fs.readFileSync(t.blobs.path(sha(data))).equals(data)).toBe(true);
    expect(await new BlobIndex(t.store.db).get(sha(data))).toMatchObject({ size: data.length });
    expect(await t.transfers.get(id)).toMatchObject({ status: 'complete', sha256: sha(data), size: data.length });
    expect(fs.existsSync(t.partPath(id))).toBe(false);
  });

  it('several contiguous PUTs and an empty file both complete', async () => {
    const data = crypto.randomBytes(5000);
    const { token } = await t.upload();
    expect((await t.put(token, 0, data.subarray(0, 2000))).status).toBe(200);
    expect((await t.put(token, 2000, data.subarray(2000))).status).toBe(200);
    expect((await t.complete(token, { sha256: sha(data), size: 5000 })).status).toBe(200);

    const empty = await t.upload();
    expect((await t.complete(empty.token, { sha256: sha(''), size: 0 })).status).toBe(200);
    expect(await t.blobs.stat(sha(''))).toEqual({ size: 0 });
  });

  it('completing again after an answer was lost (file already imported) succeeds', async () => {
    const data = Buffer.from('imported before the database could record it');
    const { id, token } = await t.upload();
    expect((await t.put(token, 0, data)).status).toBe(200);
    // What completing does before the import: the digest the server computed is pinned first.
    await t.transfers.pinDigest(id, sha(data));
    await t.blobs.importFile(t.partPath(id), { sha256: sha(data), size: data.length });
    const c = await t.complete(token, { sha256: sha(data), size: data.length });
    expect(c.status).toBe(200);
    expect(await t.transfers.get(id)).toMatchObject({ status: 'complete', sha256: sha(data) });
  });

  it('a retried completion cannot name another stored blob of the same size', async () => {
    const data = Buffer.from('bytes this agent really sent....');
    const other = Buffer.from('another host evidence, 32 bytes!');
    expect(other.length).toBe(data.length);
    const otherUpload = await t.upload();
    expect((await t.put(otherUpload.token, 0, other)).status).toBe(200);
    expect((await t.complete(otherUpload.token, { sha256: sha(other), size: other.length })).status).toBe(200);

    const { id, token } = await t.upload();
    expect((await t.put(token, 0, data)).status).toBe(200);
    await t.transfers.pinDigest(id, sha(data));
    await t.blobs.importFile(t.partPath(id), { sha256: sha(data), size: data.length });
    const c = await t.complete(token, { sha256: sha(other), size: other.length });
    expect(c.status).toBe(422);
    expect((await t.transfers.get(id))!.status).not.toBe('complete');
  });

  it('refuses a PUT at the wrong offset with 409 and the current offset', async () => {
    const { token } = await t.upload();
    const r = await t.put(token, 10, Buffer.from('abc'));
    expect(r.status).toBe(409);
    expect(r.headers.get('upload-offset')).toBe('0');
    expect(await r.json()).toEqual({ error: { code: 'offset_mismatch', message: 'upload-offset 10 does not match the 0 bytes received' } });
    const bad = await t.put(token, -1 as number, Buffer.from('abc'));
    expect(bad.status).toBe(400);
    const missing = await fetch(`${t.base}/upload`, { method: 'PUT', headers: { ...auth(token), ...octets }, body: 'abc' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe('bad_request');
  });

  it('refuses more than max_size with 413 and fails the transfer (announced or streamed)', async () => {
    const announced = await t.upload('cmd-big', 1000);
    const r = await t.put(announced.token, 0, Buffer.alloc(1001));
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ error: { code: 'too_large', message: "upload of 1001 bytes exceeds the transfer's 1000-byte limit" } });
    expect((await t.head(announced.token)).status).toBe(410);

    const byLength = await t.upload('cmd-big', 1000);
    expect((await t.put(byLength.token, 0, Buffer.alloc(10), { 'upload-length': '5000' })).status).toBe(413);

    // Chunked body without a length: caught while streaming.
    const streamed = await t.upload('cmd-big', 1000);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${t.base}/upload`, { method: 'PUT', headers: { ...auth(streamed.token), ...octets, 'upload-offset': '0' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(600));
      req.end(Buffer.alloc(600));
    });
    expect(status).toBe(413);
    expect((await t.transfers.get(streamed.id))?.status).toBe('failed');
    expect(fs.existsSync(t.partPath(streamed.id))).toBe(false);
  });

  it('a wrong digest or size fails the transfer with 422; the token is then useless', async () => {
    const data = Buffer.from('the real bytes');
    const { id, token } = await t.upload('cmd-digest');
    expect((await t.put(token, 0, data)).status).toBe(200);
    const r = await t.complete(token, { sha256: sha('other bytes'), size: data.length });
    expect(r.status).toBe(422);
    expect(await r.json()).toEqual({
      error: { code: 'digest_mismatch', message: `received bytes hash to ${sha(data)}, the agent claims ${sha('other bytes')}` },
    });
    expect((await t.transfers.get(id))?.status).toBe('failed');
    expect(fs.existsSync(t.partPath(id))).toBe(false);
    expect(await t.blobs.stat(sha(data))).toBeUndefined();
    expect((await t.head(token)).status).toBe(410);
    expect((await t.put(token, 0, data)).status).toBe(410);
    expect((await t.complete(token, { sha256: sha(data), size: data.length })).status).toBe(410);

    const sized = await t.upload('cmd-digest');
    expect((await t.put(sized.token, 0, data)).status).toBe(200);
    expect((await t.complete(sized.token, { sha256: sha(data), size: data.length + 1 })).status).toBe(422);
  });

  it('a completed transfer’s token no longer works', async () => {
    const { token } = await t.upload();
    expect((await t.put(token, 0, Buffer.from('once'))).status).toBe(200);
    expect((await t.complete(token, { sha256: sha('once'), size: 4 })).status).toBe(200);
    const again = await t.head(token);
    expect(again.status).toBe(410);
    const r = await t.put(token, 4, Buffer.from('more'));
    expect(r.status).toBe(410);
    expect((await r.json()).error.code).toBe('gone');
    expect((await t.complete(token, { sha256: sha('once'), size: 4 })).status).toBe(410);
  });

  it('refuses malformed digests and paths', async () => {
    const { token } = await t.upload();
    expect((await t.put(token, 0, Buffer.from('abc'))).status).toBe(200);
    for (const sha256 of ['../../../etc/passwd', 'A'.repeat(64), sha('abc').slice(1), 42]) {
      const r = await t.complete(token, { sha256, size: 3 });
      expect(r.status).toBe(400);
      expect((await r.json()).error.code).toBe('bad_request');
    }
    const traversal = await fetch(`${t.base}/upload/../../../etc/passwd`, { headers: auth(token) });
    expect(traversal.status).toBe(404);
    const elsewhere = await fetch(`${t.base}/nothing-here`, { headers: auth(token) });
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).error.code).toBe('not_found');
    // Still usable after all that.
    expect((await t.complete(token, { sha256: sha('abc'), size: 3 })).status).toBe(200);
  });
});
