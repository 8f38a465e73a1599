import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ServiceError } from '../util/errors.ts';

const CHUNK = 1 << 20;
/** How much of an upload may wait in the page cache before its disk writes are started. */
const SYNC_EVERY_BYTES = 32 << 20;

/** Digest of the bytes on disk so far, when they all arrived in order through this process. */
export interface RunningHash {
  hash: crypto.Hash;
  upTo: number;
}

/** Why writing stopped early: too many bytes, the body's sender went away, or the server's disk failed. */
export interface PartFailure {
  kind: 'too_large' | 'client' | 'disk';
  error: unknown;
}

export interface PartAppend {
  /** Where the file ends now: every byte that reached it counts, even if writing failed midway. */
  received: number;
  failure?: PartFailure;
  /** The digest up to `received`, when writing succeeded and the earlier bytes' digest was known. */
  hash?: RunningHash;
}

/**
 * Write `source` at `offset` of the part file `file`, refusing to let it grow past `maxSize`.
 * Bytes past `offset` (written before a crash, never acknowledged) are dropped first. `prior`
 * is the digest of the bytes before `offset`, if known: hashing continues while writing.
 */
export async function appendPart(file: string, offset: number, maxSize: number, source: Readable, prior?: RunningHash): Promise<PartAppend> {
  const fh = await fsp.open(file, offset === 0 ? 'w' : 'r+');
  let out;
  try {
    await fh.truncate(offset);
    out = fh.createWriteStream({ start: offset, highWaterMark: CHUNK });
  } catch (err) {
    await fh.close();
    throw err;
  }
  const state = prior?.upTo === offset ? prior : offset === 0 ? { hash: crypto.createHash('sha256'), upTo: 0 } : undefined;
  let seen = offset;
  let unsynced = 0;
  let syncing = false;
  let failure: PartFailure | undefined;
  const meter = new Transform({
    highWaterMark: CHUNK,
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxSize) {
        failure ??= { kind: 'too_large', error: new ServiceError('too_large', `upload exceeds the transfer's ${maxSize}-byte limit`) };
        return cb(failure.error as Error);
      }
      state?.hash.update(chunk);
      // Start the disk on what is written so far (in the thread pool, not awaited): the sync
      // before the file is published then covers only the tail, instead of a gigabyte that
      // waited in the page cache. One at a time: on a disk slower than the network, a sync
      // started every 32 MiB could pile up in the thread pool (four threads) and hold back
      // this upload's own writes and every other file operation of the server.
      unsynced += chunk.length;
      if (unsynced >= SYNC_EVERY_BYTES && !syncing) {
        unsynced = 0;
        syncing = true;
        fh.datasync()
          .catch(() => {})
          .finally(() => (syncing = false));
      }
      cb(null, chunk);
    },
  });
  // Whichever side fails first is the cause; the pipeline then tears the others down.
  source.once('error', (error) => (failure ??= { kind: 'client', error }));
  out.once('error', (error) => (failure ??= { kind: 'disk', error }));
  try {
    await pipeline(source, meter, out);
  } catch (error) {
    failure ??= { kind: 'client', error };
  }
  // Only once the file is closed is bytesWritten final (an in-flight write may still land).
  if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
  const received = offset + out.bytesWritten;
  return { received, failure, hash: !failure && state ? { hash: state.hash, upTo: received } : undefined };
}

/** The size of `file`; undefined when it does not exist. */
export async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
