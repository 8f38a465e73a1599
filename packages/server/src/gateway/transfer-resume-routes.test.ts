import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, octets, sha, startTransferServer, waitFor, type TransferServer } from './transfer-test-support.ts';

let t: TransferServer;
beforeAll(async () => {
  t = await startTransferServer();
});
afterAll(async () => {
  await t.close();
});

describe('resuming uploads over HTTP', () => {
  it('resumes after an aborted PUT from the bytes that reached disk', async () => {
    const data = crypto.randomBytes(8 * 1024 * 1024);
    const { id, token } = await t.upload('cmd-resume');
    const req = http.request(`${t.base}/upload`, {
      method: 'PUT',
      headers: { ...auth(token), ...octets, 'content-length': String(data.length), 'upload-offset': '0' },
    });
    req.on('error', () => {});
    req.write(data.subarray(0, 3 * 1024 * 1024));
    await waitFor(() => (fs.existsSync(t.partPath(id)) ? fs.statSync(t.partPath(id)).size : 0) > 0);
    req.destroy();

    const offset = Number((await t.head(token)).headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect((await t.transfers.get(id))?.received).toBe(offset);
    // The wrong offset is refused with the right one.
    const wrong = await t.put(token, 0, data);
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get('upload-offset')).toBe(String(offset));
    expect((await wrong.json()).error.code).toBe('offset_mismatch');

    expect((await t.put(token, offset, data.subarray(offset))).status).toBe(200);
    const c = await t.complete(token, { sha256: sha(data), size: data.length });
    expect(c.status).toBe(200);
    expect(fs.readFileSync(t.blobs.path(sha(data))).equals(data)).toBe(true);
  });

  it('a new request supersedes a stalled PUT (half-dead connection) and learns its offset', async () => {
    const data = crypto.randomBytes(2 * 1024 * 1024);
    const { id, token } = await t.upload('cmd-stalled');
    const req = http.request(`${t.base}/upload`, {
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
    await waitFor(() => (fs.existsSync(t.partPath(id)) ? fs.statSync(t.partPath(id)).size : 0) === 1024 * 1024);

    const offset = Number((await t.head(token)).headers.get('upload-offset'));
    expect(offset).toBe(1024 * 1024);
    await stalledClosed;
    expect((await t.put(token, offset, data.subarray(offset))).status).toBe(200);
    expect((await t.complete(token, { sha256: sha(data), size: data.length })).status).toBe(200);
  });

  it('cuts a PUT whose client goes silent, keeping what arrived', async () => {
    const quick = await t.listen(200);
    const { id, token } = await t.upload('cmd-silent');
    const req = http.request(`${quick}/upload`, {
      method: 'PUT',
      headers: { ...auth(token), ...octets, 'content-length': String(4 * 1024 * 1024), 'upload-offset': '0' },
    });
    const cut = new Promise<void>((resolve) => {
      req.on('error', () => resolve());
      req.on('close', () => resolve());
    });
    req.write(crypto.randomBytes(1024 * 1024));
    await cut;
    await waitFor(async () => (await t.transfers.get(id))?.received === 1024 * 1024);
    expect((await t.head(token)).headers.get('upload-offset')).toBe(String(1024 * 1024));
  });
});
