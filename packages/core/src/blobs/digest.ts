import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { badRequest } from '../util/errors.ts';

const SHA256 = /^[0-9a-f]{64}$/;

export function isSha256(s: unknown): s is string {
  return typeof s === 'string' && SHA256.test(s);
}

/** Every digest that reaches a file path or a query goes through here first. */
export function assertSha256(s: unknown): string {
  if (!isSha256(s)) throw badRequest('sha256 must be 64 lowercase hex digits');
  return s;
}

/** sha256 and size of a file, read in 1 MiB chunks (never the whole file in memory). */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  await pipeline(
    fs.createReadStream(file, { highWaterMark: 1 << 20 }),
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb();
      },
    }),
  );
  return { sha256: hash.digest('hex'), size };
}
