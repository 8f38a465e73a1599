import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUploadCore, sha } from '../testing/uploads.ts';

describe('UploadReceiver: what a completed upload must be', () => {
  let t: Awaited<ReturnType<typeof openUploadCore>>;
  beforeAll(async () => {
    t = await openUploadCore();
  });
  afterAll(async () => {
    await t.core.close();
  });

  it('refuses an upload announced past max_size and fails the transfer', async () => {
    const byBody = await t.mint({ max_size: 1000 });
    await expect(t.send(byBody.id, 0, Buffer.alloc(10), 1001)).rejects.toMatchObject({
      kind: 'too_large',
      message: "upload of 1001 bytes exceeds the transfer's 1000-byte limit",
    });
    expect((await t.core.transfers.get(byBody.id))?.status).toBe('failed');
    expect(await t.core.uploads.resumeAt(byBody.id)).toEqual({ status: 'closed' });
    // An offset and a body length that each parse add up past what is exact: still too large.
    const huge = await t.mint();
    await expect(t.send(huge.id, 0, Buffer.alloc(1), Number.MAX_SAFE_INTEGER * 2)).rejects.toMatchObject({ kind: 'too_large' });
    await expect(t.send(huge.id, 0, Buffer.alloc(1), -1)).rejects.toMatchObject({ kind: 'bad_input' });
  });

  it('refuses an upload streamed past max_size, keeping nothing', async () => {
    const { id } = await t.mint({ max_size: 1000 });
    const body = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(t.core.uploads.append(id, { offset: 0, body })).rejects.toMatchObject({
      kind: 'too_large',
      message: "upload exceeds the transfer's 1000-byte limit",
    });
    expect((await t.core.transfers.get(id))?.status).toBe('failed');
    expect(fs.existsSync(t.partPath(id))).toBe(false);
  });

  it('a wrong digest fails the transfer and removes the bytes', async () => {
    const data = Buffer.from('the real bytes');
    const { id } = await t.mint();
    await t.send(id, 0, data);
    await expect(t.core.uploads.complete(id, { sha256: sha('other bytes'), size: data.length })).rejects.toMatchObject({
      kind: 'digest_mismatch',
      message: `received bytes hash to ${sha(data)}, the agent claims ${sha('other bytes')}`,
    });
    expect((await t.core.transfers.get(id))?.status).toBe('failed');
    expect(fs.existsSync(t.partPath(id))).toBe(false);
    expect(await t.core.blobs.stat(sha(data))).toBeUndefined();
    expect(await t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).toEqual({ status: 'closed' });
  });

  it('a wrong size fails the transfer', async () => {
    const data = Buffer.from('twelve bytes');
    const { id } = await t.mint();
    await t.send(id, 0, data);
    await expect(t.core.uploads.complete(id, { sha256: sha(data), size: 13 })).rejects.toMatchObject({
      kind: 'size_mismatch',
      message: 'server holds 12 bytes, the agent claims 13',
    });
    expect((await t.core.transfers.get(id))?.status).toBe('failed');
  });

  it('the file must be the one the transfer was minted to expect', async () => {
    const data = Buffer.from('not what was asked for');
    const { id } = await t.mint({ sha256: sha('what was asked for'), size: data.length });
    await t.send(id, 0, data);
    await expect(t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).rejects.toMatchObject({ kind: 'digest_mismatch' });
    expect((await t.core.transfers.get(id))?.status).toBe('failed');
  });

  it('refuses a malformed claim without touching the transfer', async () => {
    const { id } = await t.mint();
    await t.send(id, 0, Buffer.from('abc'));
    for (const claim of [{ sha256: '../../../etc/passwd', size: 3 }, { sha256: sha('abc'), size: -1 }]) {
      await expect(t.core.uploads.complete(id, claim)).rejects.toMatchObject({ kind: 'bad_input' });
    }
    expect(await t.core.uploads.complete(id, { sha256: sha('abc'), size: 3 })).toMatchObject({ status: 'complete' });
  });

  it('completing again after the answer was lost (file imported, not recorded) succeeds', async () => {
    const data = crypto.randomBytes(50_000);
    const { id } = await t.mint();
    await t.send(id, 0, data);
    // The database goes away between the import and recording the transfer complete.
    const complete = t.core.transfers.complete.bind(t.core.transfers);
    t.core.transfers.complete = async () => {
      throw new Error('connection to the database lost');
    };
    try {
      await expect(t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).rejects.toThrow('connection to the database lost');
    } finally {
      t.core.transfers.complete = complete;
    }
    expect(fs.existsSync(t.partPath(id))).toBe(false);
    expect(await t.core.transfers.get(id)).toMatchObject({ status: 'open', sha256: sha(data) });
    expect(await t.core.uploads.complete(id, { sha256: sha(data), size: data.length })).toEqual({ status: 'complete', sha256: sha(data), size: data.length });
    expect(await t.core.transfers.get(id)).toMatchObject({ status: 'complete', sha256: sha(data) });
  });

  it('a retried completion cannot name another stored blob of the same size', async () => {
    const data = Buffer.from('bytes this agent really sent....');
    const other = Buffer.from('another host evidence, 32 bytes!');
    expect(other.length).toBe(data.length);
    const first = await t.mint();
    await t.send(first.id, 0, other);
    await t.core.uploads.complete(first.id, { sha256: sha(other), size: other.length });

    const { id } = await t.mint();
    await t.send(id, 0, data);
    // What completing does before the import: the digest the server computed is pinned first.
    await t.core.transfers.pinDigest(id, sha(data));
    await t.core.blobs.importFile(t.partPath(id), { sha256: sha(data), size: data.length });
    await expect(t.core.uploads.complete(id, { sha256: sha(other), size: other.length })).rejects.toMatchObject({ kind: 'size_mismatch' });
    expect((await t.core.transfers.get(id))?.status).toBe('failed');
  });
});
