import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertSha256, hashFile, type BlobStore } from '../blobs/index.ts';
import { ServiceError, badRequest } from '../util/errors.ts';
import { appendPart, fileSize, type RunningHash } from './part-file.ts';
import { UploadLeases } from './upload-leases.ts';
import type { TransferRecord, TransferService } from './transfer-service.ts';

/** The transfer is no longer open (completed, failed or gone): its token is spent. */
export interface UploadClosed {
  status: 'closed';
}

export type ResumePoint = { status: 'open'; offset: number } | UploadClosed;

export type AppendOutcome =
  /** The body was written whole; the file now holds `received` bytes. */
  | { status: 'appended'; received: number }
  /** The request's offset is not where the file ends: resume from `offset`. */
  | { status: 'offset_mismatch'; offset: number }
  /** The body's sender went away (or was superseded); what arrived is kept and recorded. */
  | { status: 'interrupted'; received: number }
  | UploadClosed;

export type CompleteOutcome = { status: 'complete'; sha256: string; size: number } | UploadClosed;

export interface AppendRequest {
  /** Where the client says these bytes start: must be where the file ends now. */
  offset: number;
  /** Where the client says the file will end (its announced length, or where this body ends), if it said. */
  announced?: number;
  body: Readable;
  /**
   * Called once the request is accepted, just before the body is read; what it returns is called
   * when reading stopped. The HTTP layer arms a silent client's timeout here.
   */
  onReading?: () => () => void;
}

const CLOSED: UploadClosed = { status: 'closed' };

/**
 * The server's side of resumable uploads: an agent sends a file in one or more requests, each
 * appended to a part file in the blob store's temporary directory at the offset where the last
 * one stopped, then completes it with the sha256 and size it claims; the bytes are checked and
 * imported into the blob store. One request at a time per transfer, the newest winning. The
 * digest of bytes that arrived in order through this process is kept, so completing a large
 * file does not read it again.
 */
export class UploadReceiver {
  private readonly leases = new UploadLeases();
  private readonly running = new Map<string, RunningHash>();
  private closed = false;

  constructor(
    private readonly transfers: TransferService,
    private readonly blobs: BlobStore,
  ) {}

  /** Where upload `id` resumes: the bytes durably received, checked against the part file. */
  async resumeAt(id: string): Promise<ResumePoint> {
    return this.holding(id, undefined, async (t) => ({ status: 'open', offset: await this.resumeOffset(t) }));
  }

  /**
   * Append `body` to upload `id` at `offset`. An upload announced or streamed past the transfer's
   * `max_size` fails the transfer (`too_large`); a failing disk throws its own error.
   */
  async append(id: string, req: AppendRequest): Promise<AppendOutcome> {
    if (!Number.isSafeInteger(req.offset) || req.offset < 0) throw badRequest('offset must be a non-negative integer');
    // Any size at all may be announced: one past max_size fails the transfer below.
    if (req.announced !== undefined && !(req.announced >= 0)) throw badRequest('announced must be a non-negative number');
    const supersede = () => req.body.destroy(new Error('superseded by a newer request for this transfer'));
    return this.holding(id, supersede, async (t) => {
      // Refuse up front what is announced too big: it can never succeed, so the transfer fails.
      const announced = Math.max(req.announced ?? 0, req.offset);
      if (announced > t.max_size) {
        await this.fail(t, 'too large');
        throw new ServiceError('too_large', `upload of ${announced} bytes exceeds the transfer's ${t.max_size}-byte limit`);
      }
      const current = await this.resumeOffset(t);
      if (req.offset !== current) return { status: 'offset_mismatch', offset: current };

      const stopReading = req.onReading?.();
      let written;
      try {
        written = await appendPart(this.partPath(t), req.offset, t.max_size, req.body, this.running.get(t.id));
      } finally {
        stopReading?.();
      }
      const { received, failure, hash } = written;
      this.running.delete(t.id);
      if (hash) this.running.set(t.id, hash);
      await this.transfers.recordProgress(t.id, received);
      if (failure?.kind === 'too_large') {
        await this.fail(t, 'too large');
        throw failure.error;
      }
      if (failure?.kind === 'client') return { status: 'interrupted', received };
      if (failure) throw failure.error;
      return { status: 'appended', received };
    });
  }

  /**
   * Check the received bytes against what the agent claims (and what the transfer was minted to
   * expect) and import them into the blob store, which spends the token. A mismatch fails the
   * transfer (`size_mismatch`, `digest_mismatch`).
   */
  async complete(id: string, claimed: { sha256: string; size: number }): Promise<CompleteOutcome> {
    assertSha256(claimed.sha256);
    if (!Number.isSafeInteger(claimed.size) || claimed.size < 0) throw badRequest('size must be a non-negative integer');
    return this.holding(id, undefined, async (t) => {
      const file = this.partPath(t);
      if ((await fileSize(file)) === undefined) {
        // A zero-byte file may be completed without any append.
        if (t.received === 0) await fsp.writeFile(file, '');
        // An earlier attempt imported the file but could not record it (its answer was lost):
        // only the digest the server computed then (pinned before the import) is accepted, and
        // the stored bytes are hashed again.
        else if (t.received === claimed.size && t.sha256 === claimed.sha256 && (await storedDigest(this.blobs, claimed.sha256)) === claimed.sha256) {
          await this.transfers.complete(t.id, claimed);
          return { status: 'complete', sha256: claimed.sha256, size: claimed.size };
        }
      }
      const size = (await fileSize(file)) ?? 0;
      if (size !== claimed.size || t.received !== claimed.size) {
        return this.mismatch(t, 'size_mismatch', `server holds ${t.received} bytes, the agent claims ${claimed.size}`);
      }
      const held = this.running.get(t.id);
      this.running.delete(t.id);
      const sha256 = held?.upTo === size ? held.hash.digest('hex') : (await hashFile(file)).sha256;
      if (sha256 !== claimed.sha256) return this.mismatch(t, 'digest_mismatch', `received bytes hash to ${sha256}, the agent claims ${claimed.sha256}`);
      if ((t.sha256 && t.sha256 !== sha256) || (t.size && t.size !== size)) {
        return this.mismatch(t, 'digest_mismatch', `received file (${sha256}, ${size} bytes) is not the one expected (${t.sha256 || '?'}, ${t.size || '?'} bytes)`);
      }
      await this.transfers.pinDigest(t.id, sha256);
      await this.blobs.importFile(file, { sha256, size });
      await this.transfers.complete(t.id, { sha256, size });
      return { status: 'complete', sha256, size };
    });
  }

  /** Stop every upload in progress (each records what reached disk and can resume later) and forget digests. */
  async close(): Promise<void> {
    this.closed = true;
    await this.leases.drain();
    this.running.clear();
  }

  /** Run `work` on the open upload `id` while holding it; `supersede` stops `work` for a newer request. */
  private async holding<T>(id: string, supersede: (() => void) | undefined, work: (t: TransferRecord) => Promise<T>): Promise<T | UploadClosed> {
    if (this.closed) throw new ServiceError('unavailable', 'uploads are no longer received: the server is stopping');
    const lease = await this.leases.acquire(id, supersede);
    try {
      const t = await this.transfers.get(id);
      if (t && t.direction !== 'upload') throw badRequest(`transfer ${id} is not an upload`);
      if (!t || t.status !== 'open') return CLOSED;
      return await work(t);
    } finally {
      lease.release();
    }
  }

  /** Where the upload resumes: the recorded offset, unless the part file lost bytes (crash). */
  private async resumeOffset(t: TransferRecord): Promise<number> {
    const onDisk = (await fileSize(this.partPath(t))) ?? 0;
    if (onDisk >= t.received) return t.received;
    await this.transfers.recordProgress(t.id, onDisk);
    this.running.delete(t.id);
    return onDisk;
  }

  private async mismatch(t: TransferRecord, kind: 'size_mismatch' | 'digest_mismatch', message: string): Promise<never> {
    await this.fail(t, message);
    throw new ServiceError(kind, message);
  }

  private async fail(t: TransferRecord, reason: string): Promise<void> {
    this.running.delete(t.id);
    await this.transfers.fail(t.id, reason);
    await fsp.rm(this.partPath(t), { force: true });
  }

  private partPath(t: TransferRecord): string {
    if (!/^[0-9a-f]{32}$/.test(t.id)) throw new Error(`unexpected transfer id ${t.id}`);
    return path.join(this.blobs.tempDir, `${t.id}.part`);
  }
}

/** The sha256 of a stored blob's bytes as read back now; undefined when it is not stored. */
async function storedDigest(blobs: BlobStore, sha256: string): Promise<string | undefined> {
  if (!(await blobs.stat(sha256))) return undefined;
  const hash = crypto.createHash('sha256');
  for await (const chunk of await blobs.open(sha256)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
