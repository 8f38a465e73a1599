import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../db/index.ts';
import { openTestStore } from '../testing/db.ts';
import { BlobIndex, createFsBlobStore, type BlobStore } from './index.ts';

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

describe('FS blob store', () => {
  let dir: string;
  let blobs: BlobStore;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-blobs-'));
    blobs = createFsBlobStore(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores streamed bytes under aa/bb/<sha256> and reads them back, whole or by range', async () => {
    const data = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const digest = sha(data);
    const stored = await blobs.put(Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    expect(stored).toEqual({ sha256: digest, size: data.length });
    expect(blobs.path(digest)).toBe(path.join(dir, digest.slice(0, 2), digest.slice(2, 4), digest));
    expect(fs.readFileSync(blobs.path(digest)).equals(data)).toBe(true);
    expect(await blobs.stat(digest)).toEqual({ size: data.length });

    const all: Buffer[] = [];
    for await (const c of await blobs.open(digest)) all.push(c);
    expect(Buffer.concat(all).equals(data)).toBe(true);
    const part: Buffer[] = [];
    for await (const c of await blobs.open(digest, { start: 10, end: 19 })) part.push(c);
    expect(Buffer.concat(part).equals(data.subarray(10, 20))).toBe(true);
    const tail: Buffer[] = [];
    for await (const c of await blobs.open(digest, { start: data.length - 5 })) tail.push(c);
    expect(Buffer.concat(tail).equals(data.subarray(-5))).toBe(true);
    expect(fs.readdirSync(blobs.tempDir)).toEqual([]);
  });

  it('storing the same content twice is one blob', async () => {
    const a = await blobs.put(Readable.from([Buffer.from('same')]));
    const b = await blobs.put(Readable.from([Buffer.from('same')]), { expectedSha256: sha('same') });
    expect(a).toEqual(b);
    expect(await text(await blobs.open(a.sha256))).toBe('same');
  });

  it('rejects a digest mismatch or an oversized stream and leaves nothing behind', async () => {
    await expect(blobs.put(Readable.from([Buffer.from('abc')]), { expectedSha256: sha('abd') })).rejects.toMatchObject({ status: 422 });
    expect(await blobs.stat(sha('abc'))).toBeUndefined();
    await expect(blobs.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 })).rejects.toMatchObject({ status: 413 });
    expect(await blobs.stat(sha(Buffer.alloc(1200)))).toBeUndefined();
    expect(fs.readdirSync(blobs.tempDir)).toEqual([]);
  });

  it('a failing source leaves no temp file', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(100));
        this.destroy(new Error('source broke'));
      },
    });
    await expect(blobs.put(failing)).rejects.toThrow('source broke');
    expect(fs.readdirSync(blobs.tempDir)).toEqual([]);
  });

  it('imports a temp file by renaming it, hashing it unless the digest is given', async () => {
    const tmp1 = path.join(blobs.tempDir, 'one.part');
    fs.writeFileSync(tmp1, 'imported');
    expect(await blobs.importFile(tmp1)).toEqual({ sha256: sha('imported'), size: 8 });
    expect(fs.existsSync(tmp1)).toBe(false);

    const tmp2 = path.join(blobs.tempDir, 'two.part');
    fs.writeFileSync(tmp2, 'known');
    expect(await blobs.importFile(tmp2, { sha256: sha('known'), size: 5 })).toEqual({ sha256: sha('known'), size: 5 });
    expect(fs.readFileSync(blobs.path(sha('known')), 'utf8')).toBe('known');

    const tmp3 = path.join(blobs.tempDir, 'three.part');
    fs.writeFileSync(tmp3, 'short');
    await expect(blobs.importFile(tmp3, { sha256: sha('short'), size: 6 })).rejects.toMatchObject({ status: 422 });
    fs.rmSync(tmp3);
  });

  it('deletes blobs; missing blobs stat as undefined and open as not found', async () => {
    const { sha256 } = await blobs.put(Readable.from([Buffer.from('to delete')]));
    await blobs.delete(sha256);
    await blobs.delete(sha256);
    expect(await blobs.stat(sha256)).toBeUndefined();
    await expect(blobs.open(sha256)).rejects.toMatchObject({ status: 404 });
  });

  it('never builds a path from a malformed digest', async () => {
    for (const bad of ['../../../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(62)}/.`, '', `${'a'.repeat(64)}\n`]) {
      expect(() => blobs.path(bad)).toThrow(/sha256/);
      await expect(blobs.stat(bad)).rejects.toMatchObject({ status: 400 });
      await expect(blobs.open(bad)).rejects.toMatchObject({ status: 400 });
      await expect(blobs.delete(bad)).rejects.toMatchObject({ status: 400 });
      await expect(blobs.put(Readable.from([Buffer.from('x')]), { expectedSha256: bad })).rejects.toMatchObject({ status: 400 });
    }
    await expect(blobs.open(sha('same'), { start: 5, end: 2 })).rejects.toMatchObject({ status: 400 });
  });
});

describe('blob index', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('records blobs once and lists them in digest order', async () => {
    const index = new BlobIndex(store.db);
    const digests = ['a', 'b', 'c'].map((s) => sha(s)).sort();
    for (const d of digests) await index.record({ sha256: d, size: 1 });
    await index.record({ sha256: digests[0], size: 1 });
    expect((await index.list()).map((b) => b.sha256)).toEqual(digests);
    expect((await index.list({ after: digests[0], limit: 1 })).map((b) => b.sha256)).toEqual([digests[1]]);
    expect(await index.get(digests[2])).toMatchObject({ sha256: digests[2], size: 1 });
    await index.remove(digests[2]);
    expect(await index.get(digests[2])).toBeUndefined();
    await expect(index.record({ sha256: 'nope', size: 1 })).rejects.toMatchObject({ status: 400 });
  });
});
