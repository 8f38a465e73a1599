import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ServiceError, badRequest, notFound } from '../util/errors.ts';
import { assertSha256, hashFile } from './digest.ts';
import type { BlobStore } from './index.ts';

/** Large reads and writes: fewer syscalls per GiB; a handful of these per transfer is cheap. */
const CHUNK = 1 << 20;

/**
 * Blobs as files under `rootDir/aa/bb/<sha256>` (two fan-out levels keep directories small at
 * millions of blobs); uploads in progress under `rootDir/tmp`, on the same filesystem so that
 * publishing one is an atomic rename.
 */
export function createFsBlobStore(rootDir: string): BlobStore {
  const root = path.resolve(rootDir);
  const tempDir = path.join(root, 'tmp');
  fs.mkdirSync(tempDir, { recursive: true });

  function blobPath(sha256: string): string {
    assertSha256(sha256);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  const tempName = (suffix: string) => path.join(tempDir, `${crypto.randomBytes(12).toString('hex')}${suffix}`);

  /** Publish a complete, fsynced temp file; renaming over an identical blob is harmless. */
  async function publish(tmp: string, sha256: string, size: number): Promise<{ sha256: string; size: number }> {
    const dest = blobPath(sha256);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    await fsp.rename(tmp, dest);
    await syncDir(path.dirname(dest));
    return { sha256, size };
  }

  return {
    tempDir,

    async put(source, opts = {}) {
      const expected = opts.expectedSha256 === undefined ? undefined : assertSha256(opts.expectedSha256);
      const max = opts.maxBytes ?? Infinity;
      const hash = crypto.createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > max) return cb(tooLarge(max));
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      const tmp = tempName('.tmp');
      try {
        await pipeline(source, meter, fs.createWriteStream(tmp, { flags: 'wx', flush: true, highWaterMark: CHUNK }));
        const sha256 = hash.digest('hex');
        if (expected && sha256 !== expected) throw digestMismatch(expected, sha256);
        return await publish(tmp, sha256, size);
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
    },

    async importFile(tempPath, known) {
      const actual = known
        ? { sha256: assertSha256(known.sha256), size: (await fsp.stat(tempPath)).size }
        : await hashFile(tempPath);
      // A cheap guard against a caller's stale idea of the file; the digest itself is trusted.
      if (known && known.size !== actual.size) {
        throw new ServiceError('size_mismatch', `file is ${actual.size} bytes, expected ${known.size}`);
      }
      await syncFile(tempPath);
      try {
        return await publish(tempPath, actual.sha256, actual.size);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        // Written on another filesystem after all: copy next to the store, then rename.
        const tmp = tempName('.tmp');
        try {
          await fsp.copyFile(tempPath, tmp);
          await syncFile(tmp);
          const stored = await publish(tmp, actual.sha256, actual.size);
          await fsp.rm(tempPath, { force: true });
          return stored;
        } catch (copyErr) {
          await fsp.rm(tmp, { force: true });
          throw copyErr;
        }
      }
    },

    async stat(sha256) {
      try {
        const st = await fsp.stat(blobPath(sha256));
        return st.isFile() ? { size: st.size } : undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },

    async open(sha256, range) {
      const file = blobPath(sha256);
      if (range) {
        const { start, end } = range;
        const validEnd = end === undefined || (Number.isSafeInteger(end) && end >= start);
        if (!Number.isSafeInteger(start) || start < 0 || !validEnd) throw badRequest(`invalid byte range ${start}-${end ?? ''}`);
      }
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(file, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`blob ${sha256} not found`);
        throw err;
      }
      // The stream owns the handle (autoClose) and closes it at end, error or destroy.
      return fh.createReadStream({ start: range?.start, end: range?.end, highWaterMark: CHUNK });
    },

    path: blobPath,

    async delete(sha256) {
      await fsp.rm(blobPath(sha256), { force: true });
    },
  };
}

function tooLarge(max: number): ServiceError {
  return new ServiceError('too_large', `blob exceeds the ${max}-byte limit`);
}

function digestMismatch(expected: string, actual: string): ServiceError {
  return new ServiceError('digest_mismatch', `content sha256 ${actual} does not match the expected ${expected}`);
}

async function syncFile(file: string): Promise<void> {
  const fh = await fsp.open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Make a rename durable; directories cannot be opened for fsync on every platform (Windows). */
async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    /* best effort */
  } finally {
    await fh?.close().catch(() => {});
  }
}
