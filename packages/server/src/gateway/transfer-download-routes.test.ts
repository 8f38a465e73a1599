import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, device_id, octets, startTransferServer, waitFor, type TransferServer } from './transfer-test-support.ts';

let t: TransferServer;
beforeAll(async () => {
  t = await startTransferServer();
});
afterAll(async () => {
  await t.close();
});

describe('downloads over HTTP', () => {
  it('streams the blob with its length; resumes with Range; the token is spent once all bytes went out', async () => {
    const data = crypto.randomBytes(24 * 1024 * 1024);
    const blob = await t.blobs.put(Readable.from([data]));
    const { id, token } = await t.transfers.mint({ command_id: 'cmd-dl', device_id, direction: 'download', sha256: blob.sha256 });

    // Read the first MiB or so, then drop the connection.
    const ac = new AbortController();
    const first = await fetch(`${t.base}/download`, { headers: auth(token), signal: ac.signal });
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
    expect((await t.transfers.get(id))?.status).toBe('open');

    const rest = await fetch(`${t.base}/download`, { headers: { ...auth(token), range: `bytes=${n}-` } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes ${n}-${data.length - 1}/${data.length}`);
    expect(rest.headers.get('content-length')).toBe(String(data.length - n));
    const tail = Buffer.from(await rest.arrayBuffer());
    expect(Buffer.concat([...got, tail]).equals(data)).toBe(true);

    await waitFor(async () => (await t.transfers.get(id))?.status === 'complete');
    expect((await fetch(`${t.base}/download`, { headers: auth(token) })).status).toBe(410);
  });

  it('a range short of the end leaves the token usable; an unsatisfiable range is 416', async () => {
    const data = Buffer.from('0123456789');
    const blob = await t.blobs.put(Readable.from([data]));
    const { id, token } = await t.transfers.mint({ command_id: 'cmd-dl2', device_id, direction: 'download', sha256: blob.sha256 });
    const mid = await fetch(`${t.base}/download`, { headers: { ...auth(token), range: 'bytes=2-4' } });
    expect(mid.status).toBe(206);
    expect(await mid.text()).toBe('234');
    const beyond = await fetch(`${t.base}/download`, { headers: { ...auth(token), range: 'bytes=10-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */10');
    // HEAD is not a download: it must not spend the token.
    expect((await fetch(`${t.base}/download`, { method: 'HEAD', headers: auth(token) })).status).toBe(404);
    expect((await t.transfers.get(id))?.status).toBe('open');
    const all = await fetch(`${t.base}/download`, { headers: auth(token) });
    expect(await all.text()).toBe('0123456789');
    await waitFor(async () => (await t.transfers.get(id))?.status === 'complete');
  });

  it('a blob that vanished fails the transfer with 410', async () => {
    const blob = await t.blobs.put(Readable.from([Buffer.from('short-lived')]));
    const { id, token } = await t.transfers.mint({ command_id: 'cmd-dl3', device_id, direction: 'download', sha256: blob.sha256 });
    await t.blobs.delete(blob.sha256);
    expect((await fetch(`${t.base}/download`, { headers: auth(token) })).status).toBe(410);
    expect((await t.transfers.get(id))?.status).toBe('failed');
  });
});

describe('transfer tokens', () => {
  it('refuses missing, unknown and wrong-direction tokens, and non-octet-stream bodies', async () => {
    const noAuth = await fetch(`${t.base}/upload`, { method: 'HEAD' });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toBe('Transfer');
    const bearer = await fetch(`${t.base}/upload`, { method: 'PUT', headers: { authorization: 'Bearer x', ...octets, 'upload-offset': '0' }, body: 'x' });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await t.head('not-a-token')).status).toBe(401);

    const blob = await t.blobs.put(Readable.from([Buffer.from('dl')]));
    const down = await t.transfers.mint({ command_id: 'c', device_id, direction: 'download', sha256: blob.sha256 });
    expect((await t.head(down.token)).status).toBe(401);
    expect((await t.put(down.token, 0, Buffer.from('x'))).status).toBe(401);
    const up = await t.upload();
    expect((await fetch(`${t.base}/download`, { headers: auth(up.token) })).status).toBe(401);

    const text = await fetch(`${t.base}/upload`, { method: 'PUT', headers: { ...auth(up.token), 'content-type': 'text/plain', 'upload-offset': '0' }, body: 'x' });
    expect(text.status).toBe(415);
    expect((await text.json()).error.code).toBe('unsupported_media_type');
  });
});
