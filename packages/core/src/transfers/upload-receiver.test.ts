import crypto from 'node:crypto';
import fs from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobIndex } from '../blobs/index.ts';
import { openUploadCore, sha } from '../testing/uploads.ts';
import { UploadReceiver } from './index.ts';

describe('UploadReceiver: appending and resuming', () => {
  let t: Awaited<ReturnType<typeof openUploadCore>>;
  beforeAll(async () => {
    t = await openUploadCore();
  });
  afterAll(async () => {
    await t.core.close();
  });

  it('appends in order, then checks and imports the file into the blob store', async () => {
    const data = crypto.randomBytes(300_000);
    const { id } = await t.mint();
    expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'open', offset: 0 });
    expect(await t.send(id, 0, data.subarray(0, 100_000))).toEqual({ status: 'appended', received: 100_000 });
    expect(await t.send(id, 100_000, data.subarray(100_000), data.length)).toEqual({ status: 'appended', received: data.length });
    expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'open', offset: data.length });
    expect(await t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).toEqual({ status: 'complete', sha256: sha(data), size: data.length });
    expect(fs.readFileSync(t.core.blobs.path(sha(data))).equals(data)).toBe(true);
    expect(await new BlobIndex(t.core.store.db).get(sha(data))).toMatchObject({ size: data.length });
    expect(await t.core.transfers.get(id)).toMatchObject({ status: 'complete', sha256: sha(data), size: data.length });
    expect(fs.existsSync(t.partPath(id))).toBe(false);
    // Spent: every further step says so.
    expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'closed' });
    expect(await t.send(id, data.length, Buffer.from('more'))).toEqual({ status: 'closed' });
    expect(await t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).toEqual({ status: 'closed' });
  });

  it('completes an empty file without any append', async () => {
    const { id } = await t.mint();
    expect(await t.core.uploads.complete(id, { sha256: sha(''), size: 0 })).toMatchObject({ status: 'complete', size: 0 });
    expect(await t.core.blobs.stat(sha(''))).toEqual({ size: 0 });
  });

  it('refuses an append at the wrong offset, naming the right one', async () => {
    const { id } = await t.mint();
    expect(await t.send(id, 10, Buffer.from('abc'))).toEqual({ status: 'offset_mismatch', offset: 0 });
    expect(await t.send(id, 0, Buffer.from('abc'))).toEqual({ status: 'appended', received: 3 });
    expect(await t.send(id, 0, Buffer.from('abc'))).toEqual({ status: 'offset_mismatch', offset: 3 });
    await expect(t.send(id, -1, Buffer.from('abc'))).rejects.toMatchObject({ kind: 'bad_input' });
  });

  it('resumes from the bytes on disk when a crash lost some that were recorded', async () => {
    const data = crypto.randomBytes(10_000);
    const { id } = await t.mint();
    expect(await t.send(id, 0, data.subarray(0, 8000))).toMatchObject({ received: 8000 });
    // The page cache held the tail when the machine went down.
    fs.truncateSync(t.partPath(id), 6000);
    expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'open', offset: 6000 });
    expect((await t.core.transfers.get(id))?.received).toBe(6000);
    expect(await t.send(id, 8000, data.subarray(8000))).toEqual({ status: 'offset_mismatch', offset: 6000 });
    expect(await t.send(id, 6000, data.subarray(6000))).toEqual({ status: 'appended', received: data.length });
    // The digest is computed from the file: the bytes did not all arrive in one run.
    expect(await t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).toMatchObject({ status: 'complete' });
    expect(fs.readFileSync(t.core.blobs.path(sha(data))).equals(data)).toBe(true);
  });

  it('drops bytes past the recorded offset (written, never acknowledged) before appending', async () => {
    const data = crypto.randomBytes(4000);
    const { id } = await t.mint();
    await t.send(id, 0, data.subarray(0, 2000));
    fs.appendFileSync(t.partPath(id), Buffer.from('garbage from a request whose progress was never recorded'));
    expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'open', offset: 2000 });
    expect(await t.send(id, 2000, data.subarray(2000))).toEqual({ status: 'appended', received: 4000 });
    expect(await t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).toMatchObject({ status: 'complete' });
  });

  it('a newer request supersedes a stalled append, which records what reached disk', async () => {
    const data = crypto.randomBytes(64 * 1024);
    const { id } = await t.mint();
    const stalled = new PassThrough();
    const first = t.core.uploads.append(id, { offset: 0, body: stalled });
    stalled.write(data.subarray(0, 16 * 1024));
    await waitFor(() => (fs.existsSync(t.partPath(id)) ? fs.statSync(t.partPath(id)).size : 0) === 16 * 1024);
    // The sender never ends its body; asking where to resume cuts it.
    expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'open', offset: 16 * 1024 });
    expect(await first).toEqual({ status: 'interrupted', received: 16 * 1024 });
    expect(stalled.destroyed).toBe(true);
    expect(await t.send(id, 16 * 1024, data.subarray(16 * 1024))).toMatchObject({ status: 'appended' });
    expect(await t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).toMatchObject({ status: 'complete' });
  });

  it('a body that fails midway is kept up to where it failed', async () => {
    const { id } = await t.mint();
    const failing = new Readable({ read() {} });
    const appending = t.core.uploads.append(id, { offset: 0, body: failing });
    failing.push(Buffer.alloc(5000, 1));
    await waitFor(() => (fs.existsSync(t.partPath(id)) ? fs.statSync(t.partPath(id)).size : 0) === 5000);
    failing.destroy(new Error('connection reset'));
    expect(await appending).toEqual({ status: 'interrupted', received: 5000 });
    expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'open', offset: 5000 });
  });

  it('tells the HTTP layer when it reads the body and when it stopped', async () => {
    const { id } = await t.mint();
    const calls: string[] = [];
    const onReading = () => {
      calls.push('start');
      return () => calls.push('stop');
    };
    expect(await t.core.uploads.append(id, { offset: 5, body: Readable.from([Buffer.from('x')]), onReading })).toMatchObject({ status: 'offset_mismatch' });
    expect(calls).toEqual([]);
    expect(await t.core.uploads.append(id, { offset: 0, body: Readable.from([Buffer.from('x')]), onReading })).toMatchObject({ status: 'appended' });
    expect(calls).toEqual(['start', 'stop']);
  });

  it('unknown transfers are closed; a download is not an upload', async () => {
    expect(await t.core.uploads.resumeAt('0'.repeat(32))).toEqual({ status: 'closed' });
    const blob = await t.core.blobs.put(Readable.from([Buffer.from('dl')]));
    const down = await t.core.transfers.mint({ command_id: 'c', device_id: 'c'.repeat(32), direction: 'download', sha256: blob.sha256 });
    await expect(t.core.uploads.resumeAt(down.id)).rejects.toMatchObject({ kind: 'bad_input' });
    await expect(t.core.uploads.complete(down.id, { sha256: 'A'.repeat(64), size: 1 })).rejects.toMatchObject({ kind: 'bad_input' });
  });
});

describe('UploadReceiver: closing', () => {
  it('stops appends in progress (their bytes recorded) and refuses new work', async () => {
    const t = await openUploadCore();
    const receiver = new UploadReceiver(t.core.transfers, t.core.blobs);
    try {
      const { id } = await t.mint();
      const body = new PassThrough();
      const appending = receiver.append(id, { offset: 0, body });
      body.write(Buffer.alloc(1000));
      await waitFor(() => (fs.existsSync(t.partPath(id)) ? fs.statSync(t.partPath(id)).size : 0) === 1000);
      await receiver.close();
      expect(await appending).toEqual({ status: 'interrupted', received: 1000 });
      expect((await t.core.transfers.get(id))?.received).toBe(1000);
      await expect(receiver.resumeAt(id)).rejects.toMatchObject({ kind: 'unavailable' });
      // Another process (here: core's own receiver) resumes it.
      expect(await t.core.uploads.resumeAt(id)).toEqual({ status: 'open', offset: 1000 });
    } finally {
      await t.core.close();
    }
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
