/**
 * Agent-facing HTTP file transfers, beside the WebSocket control channel (file bytes never travel
 * inside it). Not part of the public operation registry: only agents call these, each request
 * authorised by the one-time token the gateway put in the command (`Authorization: Transfer <t>`).
 *
 *   HEAD /agent/v1/transfers/upload            → 200, `upload-offset`: where to resume
 *   PUT  /agent/v1/transfers/upload            `upload-offset: N`, raw bytes → 200 {received}
 *   POST /agent/v1/transfers/upload/complete   {sha256, size} → 200 {sha256, size}
 *   GET  /agent/v1/transfers/download          the blob; `Range: bytes=N-` resumes (206)
 *
 * Errors are `{error: {code, message}}`. Bodies are streamed to and from disk, never buffered.
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, hashFile, type BlobStore, type TransferDirection, type TransferRecord, type TransferService } from '@riposte/core';
import { UploadCompleteBody, type Static } from '@riposte/spec';
import { sendAgentError } from './envelope.ts';
// Not yet re-exported by @riposte/core's index.

export const TRANSFER_PREFIX = '/agent/v1/transfers';

export interface TransferRouteDeps {
  transfers: TransferService;
  blobs: BlobStore;
  /** A PUT whose client sends nothing for this long is cut, so the upload can resume. Default 2 min. */
  idleTimeoutMs?: number;
}

const CHUNK = 1 << 20;
/** How much of an upload may wait in the page cache before its disk writes are started. */
const SYNC_EVERY_BYTES = 32 << 20;
/** Fastify's bodyLimit does not apply to a streamed body, but say so explicitly: max_size rules. */
const NO_BODY_LIMIT = Number.MAX_SAFE_INTEGER;

/** An upload being written by this process: a newer request for the same transfer supersedes it. */
interface InFlight {
  supersede(): void;
  settled: Promise<void>;
}

interface Lease {
  /** The transfer as it stands once any earlier request has finished with it. */
  transfer: TransferRecord | undefined;
  slot: InFlight;
  release(): void;
}

/** Why a PUT stopped early: too many bytes, the client went away, or the server's disk failed. */
interface UploadFailure {
  kind: 'too_large' | 'client' | 'disk';
  error: unknown;
}

/** Digest of the bytes on disk so far, when they all arrived in order through this process. */
interface RunningHash {
  hash: crypto.Hash;
  upTo: number;
}

export function registerTransferRoutes(app: FastifyInstance, deps: TransferRouteDeps): void {
  const { transfers, blobs } = deps;
  const idleTimeoutMs = deps.idleTimeoutMs ?? 120_000;
  const inFlight = new Map<string, InFlight>();
  const running = new Map<string, RunningHash>();

  const partPath = (t: TransferRecord) => {
    if (!/^[0-9a-f]{32}$/.test(t.id)) throw new Error(`unexpected transfer id ${t.id}`);
    return path.join(blobs.tempDir, `${t.id}.part`);
  };

  /** The transfer the request's token grants, or an error already sent (401 never valid, 410 spent). */
  async function authorize(request: FastifyRequest, reply: FastifyReply, direction: TransferDirection): Promise<TransferRecord | undefined> {
    const m = /^Transfer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!m) {
      reply.header('www-authenticate', 'Transfer');
      sendAgentError(request, reply, 401, 'unauthorized', 'missing "Authorization: Transfer <token>" header');
      return undefined;
    }
    const c = await transfers.check(m[1], direction);
    if (c.ok) return c.transfer;
    if (c.reason === 'expired' || c.reason === 'closed') {
      sendAgentError(request, reply, 410, 'gone', c.reason === 'expired' ? 'transfer token expired' : 'transfer already completed or failed');
    } else {
      reply.header('www-authenticate', 'Transfer');
      sendAgentError(request, reply, 401, 'unauthorized', 'invalid transfer token');
    }
    return undefined;
  }

  /**
   * Stop any upload request still running for this transfer (the agent gave up on it: its
   * connection may be half dead) and wait until it has recorded what reached disk; then return
   * the transfer's fresh state with this caller holding the slot.
   */
  async function takeOver(id: string): Promise<Lease> {
    for (let prev = inFlight.get(id); prev; prev = inFlight.get(id)) {
      prev.supersede();
      await prev.settled;
    }
    let settle!: () => void;
    const slot: InFlight = { supersede: () => {}, settled: new Promise<void>((resolve) => (settle = resolve)) };
    inFlight.set(id, slot);
    const release = () => {
      if (inFlight.get(id) === slot) inFlight.delete(id);
      settle();
    };
    try {
      return { transfer: await transfers.get(id), slot, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Where the upload resumes: the recorded offset, unless the part file lost bytes (crash). */
  async function resumeOffset(t: TransferRecord): Promise<number> {
    const onDisk = (await fileSize(partPath(t))) ?? 0;
    if (onDisk >= t.received) return t.received;
    await transfers.recordProgress(t.id, onDisk);
    running.delete(t.id);
    return onDisk;
  }

  async function failUpload(t: TransferRecord, reason: string): Promise<void> {
    running.delete(t.id);
    await transfers.fail(t.id, reason);
    await fsp.rm(partPath(t), { force: true });
  }

  /**
   * Write the request body at `offset` of the part file. Bytes past `offset` (written before a
   * crash, never acknowledged) are dropped first. Returns the new offset, counting every byte
   * that reached the file even if the request failed midway.
   */
  async function appendPart(t: TransferRecord, offset: number, source: Readable): Promise<{ received: number; failure?: UploadFailure }> {
    const fh = await fsp.open(partPath(t), offset === 0 ? 'w' : 'r+');
    let out;
    try {
      await fh.truncate(offset);
      out = fh.createWriteStream({ start: offset, highWaterMark: CHUNK });
    } catch (err) {
      await fh.close();
      throw err;
    }
    // Hash while writing when the bytes continue a digest this process already holds.
    const prior = running.get(t.id);
    running.delete(t.id);
    const state = prior?.upTo === offset ? prior : offset === 0 ? { hash: crypto.createHash('sha256'), upTo: 0 } : undefined;
    let seen = offset;
    let unsynced = 0;
    let syncing = false;
    let failure: UploadFailure | undefined;
    const meter = new Transform({
      highWaterMark: CHUNK,
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        if (seen > t.max_size) {
          failure ??= { kind: 'too_large', error: new ServiceError('too_large', `upload exceeds the transfer's ${t.max_size}-byte limit`) };
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
    if (!failure && state) running.set(t.id, { hash: state.hash, upTo: received });
    return { received, failure };
  }

  app.register(
    async (scope) => {
      // Hand the raw request stream to the handler: uploads go to disk as they arrive.
      if (scope.hasContentTypeParser('application/octet-stream')) scope.removeContentTypeParser('application/octet-stream');
      scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

      scope.head('/upload', async (request, reply) => {
        const authorized = await authorize(request, reply, 'upload');
        if (!authorized) return reply;
        const { transfer, release } = await takeOver(authorized.id);
        try {
          if (!transfer || transfer.status !== 'open') return sendAgentError(request, reply, 410, 'gone', 'transfer already completed or failed');
          reply.header('upload-offset', String(await resumeOffset(transfer)));
          reply.header('cache-control', 'no-store');
          return reply.code(200).send();
        } finally {
          release();
        }
      });

      scope.put('/upload', { bodyLimit: NO_BODY_LIMIT }, async (request, reply) => {
        const authorized = await authorize(request, reply, 'upload');
        if (!authorized) return reply;
        const offset = intHeader(request, 'upload-offset');
        const length = intHeader(request, 'upload-length');
        const contentLength = intHeader(request, 'content-length');
        if (offset === undefined) return sendAgentError(request, reply, 400, 'bad_request', 'upload-offset header (a non-negative integer) is required');
        if (offset === null || length === null || contentLength === null) {
          return sendAgentError(request, reply, 400, 'bad_request', 'upload-offset, upload-length and content-length must be non-negative integers');
        }
        const body = request.body;
        if (body !== undefined && !(body instanceof Readable)) {
          return sendAgentError(request, reply, 415, 'unsupported_media_type', 'upload body must be application/octet-stream');
        }
        const { transfer: t, slot, release } = await takeOver(authorized.id);
        slot.supersede = () => request.raw.destroy(new Error('superseded by a newer request for this transfer'));
        try {
          if (!t || t.status !== 'open') return sendAgentError(request, reply, 410, 'gone', 'transfer already completed or failed');
          // Refuse up front what is announced too big: it can never succeed, so the transfer fails.
          const announced = Math.max(length ?? 0, offset + (contentLength ?? 0));
          if (announced > t.max_size) {
            await failUpload(t, 'too large');
            return sendAgentError(request, reply, 413, 'too_large', `upload of ${announced} bytes exceeds the transfer's ${t.max_size}-byte limit`);
          }
          const current = await resumeOffset(t);
          if (offset !== current) {
            reply.header('upload-offset', String(current));
            return sendAgentError(request, reply, 409, 'offset_mismatch', `upload-offset ${offset} does not match the ${current} bytes received`);
          }

          // Cut a silent client (half-dead connection) so the transfer can resume; restore after.
          const raw = request.raw;
          const serverTimeout = raw.socket?.timeout ?? 0;
          raw.setTimeout(idleTimeoutMs, () => raw.destroy(new Error('upload idle timeout')));
          const { received, failure } = await appendPart(t, offset, body ?? Readable.from([]));
          raw.socket?.setTimeout(serverTimeout);
          await transfers.recordProgress(t.id, received);

          if (failure?.kind === 'too_large') {
            await failUpload(t, 'too large');
            return sendAgentError(request, reply, 413, 'too_large', (failure.error as Error).message);
          }
          // The client went away (or was superseded): the answer likely goes nowhere; the offset is recorded.
          if (failure?.kind === 'client') return sendAgentError(request, reply, 400, 'aborted', 'upload interrupted; resume from upload-offset');
          if (failure) throw failure.error;
          reply.header('upload-offset', String(received));
          return reply.send({ received });
        } finally {
          release();
        }
      });

      scope.post<{ Body: Static<typeof UploadCompleteBody> }>('/upload/complete', { schema: { body: UploadCompleteBody } }, async (request, reply) => {
        const authorized = await authorize(request, reply, 'upload');
        if (!authorized) return reply;
        const claimed = request.body;
        const { transfer: t, release } = await takeOver(authorized.id);
        try {
          if (!t || t.status !== 'open') return sendAgentError(request, reply, 410, 'gone', 'transfer already completed or failed');
          const file = partPath(t);
          if ((await fileSize(file)) === undefined) {
            // A zero-byte file may be completed without any PUT.
            if (t.received === 0) await fsp.writeFile(file, '');
            // An earlier attempt imported the file but could not record it (its answer was lost):
            // only the digest the server computed then (pinned before the import) is accepted, and
            // the stored bytes are hashed again.
            else if (t.received === claimed.size && t.sha256 === claimed.sha256 && (await storedDigest(blobs, claimed.sha256)) === claimed.sha256) {
              await transfers.complete(t.id, claimed);
              return reply.send(claimed);
            }
          }
          const size = (await fileSize(file)) ?? 0;
          const mismatch = async (code: string, message: string) => {
            await failUpload(t, message);
            return sendAgentError(request, reply, 422, code, message);
          };
          if (size !== claimed.size || t.received !== claimed.size) {
            return mismatch('size_mismatch', `server holds ${t.received} bytes, the agent claims ${claimed.size}`);
          }
          const held = running.get(t.id);
          running.delete(t.id);
          const sha256 = held?.upTo === size ? held.hash.digest('hex') : (await hashFile(file)).sha256;
          if (sha256 !== claimed.sha256) return mismatch('digest_mismatch', `received bytes hash to ${sha256}, the agent claims ${claimed.sha256}`);
          if ((t.sha256 && t.sha256 !== sha256) || (t.size && t.size !== size)) {
            return mismatch('digest_mismatch', `received file (${sha256}, ${size} bytes) is not the one expected (${t.sha256 || '?'}, ${t.size || '?'} bytes)`);
          }
          await transfers.pinDigest(t.id, sha256);
          await blobs.importFile(file, { sha256, size });
          await transfers.complete(t.id, { sha256, size });
          return reply.send({ sha256, size });
        } finally {
          release();
        }
      });

      // No automatic HEAD: it would run this handler and spend the token without sending bytes.
      scope.get('/download', { exposeHeadRoute: false }, async (request, reply) => {
        const t = await authorize(request, reply, 'download');
        if (!t) return reply;
        const stored = await blobs.stat(t.sha256);
        if (!stored) {
          await transfers.fail(t.id, 'blob missing');
          return sendAgentError(request, reply, 410, 'gone', `blob ${t.sha256} is no longer stored`);
        }
        const total = stored.size;
        let start = 0;
        let end = total - 1;
        const range = request.headers.range === undefined || total === 0 ? undefined : parseRange(request.headers.range, total);
        if (range === 'unsatisfiable') {
          reply.header('content-range', `bytes */${total}`);
          return sendAgentError(request, reply, 416, 'range_not_satisfiable', `range ${request.headers.range} is outside the ${total}-byte blob`);
        }
        if (range) {
          ({ start, end } = range);
          reply.code(206).header('content-range', `bytes ${start}-${end}/${total}`);
        }
        reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(end - start + 1))
          .header('accept-ranges', 'bytes')
          .header('etag', `"${t.sha256}"`)
          .header('cache-control', 'no-store');
        // The token is spent once the last byte has been handed to the network, not before:
        // a connection dropped midway can resume with Range.
        if (end === total - 1) {
          reply.raw.once('finish', () => {
            transfers.complete(t.id, { sha256: t.sha256, size: total }).catch((err) => request.log.warn({ err, transfer: t.id }, 'could not mark download complete'));
          });
        }
        return reply.send(total === 0 ? Buffer.alloc(0) : await blobs.open(t.sha256, { start, end }));
      });
    },
    // Relative to the scope it is registered in (the agent dialect's, mounted at /agent).
    { prefix: TRANSFER_PREFIX.slice(app.prefix.length) },
  );
}

/** undefined when absent, null when malformed. */
function intHeader(request: FastifyRequest, name: string): number | undefined | null {
  const v = request.headers[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * One `bytes=` range of a `total`-byte body (inclusive ends). Malformed or multi-range headers
 * are ignored (whole body, 200), as RFC 9110 allows.
 */
function parseRange(header: string, total: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, total - suffix), end: total - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
  if (start >= total) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

/** The sha256 of a stored blob's bytes as read back now; undefined when it is not stored. */
async function storedDigest(blobs: BlobStore, sha256: string): Promise<string | undefined> {
  if (!(await blobs.stat(sha256))) return undefined;
  const hash = crypto.createHash('sha256');
  for await (const chunk of await blobs.open(sha256)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
