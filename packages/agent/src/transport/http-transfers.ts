/**
 * File bytes between this host and the server's blob store, over plain HTTP beside the control
 * channel, authorised by the one-time token that came with the command. Both directions stream
 * (node:http, so the file is read only as fast as the socket drains) and resume after a dropped
 * connection: uploads from the offset the server reports, downloads with `Range`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform, Writable, pipeline as pipelineCb, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FileTransfers } from '../commands/index.ts';

export interface HttpFileTransfersOptions {
  /** The server's base URL (`https://riposte.example:8443`); a ws(s) URL is accepted too. */
  serverUrl: string;
  /** The transfer token the server sent with a command. */
  tokenFor(commandId: string): string | undefined;
  /** Attempts after the first, per transfer; the count restarts whenever bytes got through. Default 5. */
  retries?: number;
  /** Stops every transfer in progress (agent shutdown). */
  signal?: AbortSignal;
  /** Delay before the first retry, doubling up to 10 s. Default 500 ms. */
  backoffMs?: number;
  /** A request whose socket stays silent this long is abandoned (and retried). Default 60 s. */
  idleTimeoutMs?: number;
  /** Connection pooling / TLS settings (private CA, client certificates). */
  agent?: http.Agent;
}

const PREFIX = '/agent/v1/transfers';
const { O_CREAT, O_EXCL, O_WRONLY, O_RDWR, O_NOFOLLOW = 0 } = fs.constants;
/** A download's part file is always new, never a link (O_NOFOLLOW is 0 where it does not exist: Windows). */
const PART_CREATE = O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW;
const PART_REOPEN = O_RDWR | O_NOFOLLOW;

/** `<dest>.<random>.part`: beside the destination (same file system, so the rename is atomic) and unguessable. */
function partName(destPath: string): string {
  return `${destPath}.${crypto.randomBytes(8).toString('hex')}.part`;
}
const CHUNK = 1 << 20;
const COMPLETE_TIMEOUT_MS = 15 * 60_000;

/** The server refused in a way retrying cannot fix (spent token, too large, digest mismatch). */
class PermanentError extends Error {}
/** The network or the server failed; the transfer resumes after a pause. */
class RetryableError extends Error {}

export class HttpFileTransfers implements FileTransfers {
  private readonly base: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly idleTimeoutMs: number;

  constructor(private readonly opts: HttpFileTransfersOptions) {
    const url = new URL(opts.serverUrl);
    if (url.protocol === 'ws:' || url.protocol === 'wss:') url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}${PREFIX}`;
    this.retries = opts.retries ?? 5;
    this.backoffMs = opts.backoffMs ?? 500;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  }

  async upload(localPath: string, commandId: string): Promise<{ sha256: string; size: number }> {
    const token = this.token(commandId);
    const { size } = await fsp.stat(localPath);
    const digest = new FileDigest(localPath);
    await this.withRetries(`upload of ${localPath}`, async (progressed) => {
      const offset = await this.uploadOffset(token);
      progressed(offset);
      if (offset > size) throw new PermanentError(`server holds ${offset} bytes of a ${size}-byte file`);
      if (offset === size) return;
      await digest.catchUp(offset);
      await this.sendBytes(token, localPath, offset, size, digest);
    });
    const sha256 = await digest.finish(size);
    return this.withRetries(`upload of ${localPath}`, async () => {
      // The server re-reads the file when the upload was resumed: allow for a slow disk.
      const res = await this.request(token, 'POST', '/upload/complete', { 'content-type': 'application/json' }, JSON.stringify({ sha256, size }), COMPLETE_TIMEOUT_MS);
      if (res.statusCode !== 200) throw await responseError(res);
      const body = (await readJson(res)) as { sha256?: string; size?: number };
      if (body.sha256 !== sha256 || body.size !== size) throw new PermanentError(`server stored ${body.sha256}/${body.size}, expected ${sha256}/${size}`);
      return { sha256, size };
    });
  }

  async download(sha256: string, destPath: string, commandId: string): Promise<{ size: number }> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`invalid sha256 ${JSON.stringify(sha256)}`);
    const token = this.token(commandId);
    // The bytes land in a file of our own making beside the destination, renamed into place once
    // complete. In a world-writable directory anyone may plant a symlink at a name we would pick,
    // so the name is unguessable and the file is created with O_EXCL|O_NOFOLLOW: a planted name
    // makes the open fail instead of redirecting a root agent's write. Every later open of it
    // refuses symlinks too, in case the file is swapped in a directory without the sticky bit.
    const part = partName(destPath);
    await (await fsp.open(part, PART_CREATE, 0o666)).close();
    // Set when one response delivered the whole file from byte 0; after a resume, re-read from disk.
    let streamedDigest: string | undefined;
    let total = 0;
    try {
      await this.withRetries(`download of ${sha256}`, async (progressed) => {
        const have = (await fileSize(part)) ?? 0;
        progressed(have);
        const res = await this.request(token, 'GET', '/download', have > 0 ? { range: `bytes=${have}-` } : {});
        const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
        let start: number;
        if (res.statusCode === 200) {
          start = 0;
          total = Number(res.headers['content-length'] ?? NaN);
        } else if (res.statusCode === 206 && range) {
          [start, total] = [Number(range[1]), Number(range[3])];
        } else if (res.statusCode === 416 && /^bytes \*\/(\d+)$/.test(String(res.headers['content-range']))) {
          // Everything had arrived before the connection dropped.
          res.resume();
          total = Number(/(\d+)$/.exec(String(res.headers['content-range']))![1]);
          if (total === have) return;
          await truncatePart(part);
          throw new RetryableError(`server has ${total} bytes, ${have} were received`);
        } else {
          throw await responseError(res);
        }
        if (!Number.isSafeInteger(total) || start > have) {
          res.destroy();
          throw new PermanentError(`unexpected response: status ${res.statusCode}, ${res.headers['content-range'] ?? 'no content-range'}`);
        }
        const hash = start === 0 ? crypto.createHash('sha256') : undefined;
        const fh = await fsp.open(part, PART_REOPEN);
        if (start === 0) await fh.truncate(0);
        const out = fs.createWriteStream('', { fd: fh, start, highWaterMark: CHUNK });
        const written = await receive(res, out, hash);
        if (start + written !== total) throw new RetryableError(`connection closed after ${start + written} of ${total} bytes`);
        streamedDigest = hash?.digest('hex');
      });
      const actual = streamedDigest ?? (await hashWhole(part)).sha256;
      if (actual !== sha256) throw new Error(`downloaded bytes hash to ${actual}, not the requested ${sha256}`);
      await syncFile(part);
      await fsp.rename(part, destPath);
      await syncDir(path.dirname(destPath));
      return { size: total };
    } catch (err) {
      await fsp.rm(part, { force: true }).catch(() => {});
      throw err;
    }
  }

  private token(commandId: string): string {
    const token = this.opts.tokenFor(commandId);
    if (!token) throw new Error(`no transfer token for command ${commandId}`);
    return token;
  }

  /** Where the server wants the upload to continue. */
  private async uploadOffset(token: string): Promise<number> {
    const res = await this.request(token, 'HEAD', '/upload', {});
    res.resume();
    if (res.statusCode !== 200) throw await responseError(res);
    const offset = Number(res.headers['upload-offset']);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RetryableError('server sent no upload-offset');
    return offset;
  }

  /** PUT bytes [offset, size) of the file, hashing those the digest has not seen yet. */
  private async sendBytes(token: string, localPath: string, offset: number, size: number, digest: FileDigest): Promise<void> {
    const file = fs.createReadStream(localPath, { start: offset, end: size - 1, highWaterMark: CHUNK });
    const body = pipelineCb(file, digest.tap(offset, size), () => {});
    const res = await this.request(
      token,
      'PUT',
      '/upload',
      { 'content-type': 'application/octet-stream', 'content-length': String(size - offset), 'upload-offset': String(offset), 'upload-length': String(size) },
      body,
    );
    if (res.statusCode !== 200) throw await responseError(res);
    const { received } = (await readJson(res)) as { received?: number };
    if (received !== size) throw new RetryableError(`server acknowledged ${received} of ${size} bytes`);
  }

  /**
   * One request. Resolves with the response as soon as it starts (an early error answer stops the
   * body); network failures become RetryableError; a failure reading the local body is rethrown
   * as is, so the executor reports it as the file-system error it is.
   */
  private request(
    token: string,
    method: string,
    route: string,
    headers: Record<string, string>,
    body?: Readable | string,
    timeoutMs = this.idleTimeoutMs,
  ): Promise<http.IncomingMessage> {
    const url = new URL(this.base + route);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let localError: Error | undefined;
      const req = mod.request(url, {
        method,
        headers: { authorization: `Transfer ${token}`, ...headers },
        agent: this.opts.agent,
        signal: this.opts.signal,
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no progress for ${timeoutMs} ms`)));
      req.on('error', (err) => reject(localError ?? new RetryableError(`${method} ${route}: ${err.message}`)));
      req.once('response', (res) => {
        if (typeof body === 'object') body.unpipe(req);
        resolve(res);
      });
      if (typeof body === 'object') {
        body.on('error', (err) => {
          localError = err;
          req.destroy(err);
        });
        req.once('close', () => body.destroy());
        body.pipe(req);
      } else {
        req.end(body);
      }
    });
  }

  /**
   * Run `attempt` until it succeeds, pausing between failures. `progressed(n)` lets an attempt
   * report how far the transfer stands: moving forward restarts the retry count, so a long
   * transfer over a flaky link is not abandoned while it is still getting somewhere.
   */
  private async withRetries<T>(what: string, attempt: (progressed: (n: number) => void) => Promise<T>): Promise<T> {
    let failures = 0;
    let best = -1;
    const progressed = (n: number) => {
      if (n > best) {
        failures = 0;
        best = n;
      }
    };
    for (;;) {
      if (this.opts.signal?.aborted) throw new Error(`${what} aborted`);
      try {
        return await attempt(progressed);
      } catch (err) {
        if (this.opts.signal?.aborted) throw new Error(`${what} aborted`);
        if (!(err instanceof RetryableError)) throw err instanceof PermanentError ? new Error(`${what} failed: ${err.message}`) : err;
        if (failures++ >= this.retries) throw new Error(`${what} failed after ${failures} attempts: ${err.message}`);
        await sleep(Math.min(this.backoffMs * 2 ** (failures - 1), 10_000), undefined, { signal: this.opts.signal }).catch(() => {});
      }
    }
  }
}

/**
 * sha256 of a file fed strictly in order, each byte once, whether the bytes come from the
 * upload stream (tap) or straight from disk (catchUp): resuming never re-reads what is hashed.
 */
class FileDigest {
  private readonly hash = crypto.createHash('sha256');
  private upTo = 0;

  constructor(private readonly file: string) {}

  /** Hash [upTo, until) from disk, before a resumed upload starts at `until`. */
  async catchUp(until: number): Promise<void> {
    if (until <= this.upTo) return;
    const start = this.upTo;
    await pipeline(
      fs.createReadStream(this.file, { start, end: until - 1, highWaterMark: CHUNK }),
      new Writable({
        write: (chunk: Buffer, _enc, cb) => {
          this.hash.update(chunk);
          this.upTo += chunk.length;
          cb();
        },
      }),
    );
    if (this.upTo !== until) throw new Error(`${this.file} shrank while it was being uploaded`);
  }

  /** Pass-through for bytes [start, end) of the file, hashing those past `upTo`. */
  tap(start: number, end: number): Transform {
    let pos = start;
    return new Transform({
      highWaterMark: CHUNK,
      transform: (chunk: Buffer, _enc, cb) => {
        const next = pos + chunk.length;
        if (next > this.upTo) {
          this.hash.update(this.upTo > pos ? chunk.subarray(this.upTo - pos) : chunk);
          this.upTo = next;
        }
        pos = next;
        cb(null, chunk);
      },
      flush: (cb) => cb(pos === end ? null : new Error(`${this.file} changed size while it was being uploaded`)),
    });
  }

  async finish(size: number): Promise<string> {
    await this.catchUp(size);
    return this.hash.digest('hex');
  }
}

/** Stream a response body into `out`; returns the bytes written. Local write errors are rethrown as is. */
async function receive(res: http.IncomingMessage, out: fs.WriteStream, hash: crypto.Hash | undefined): Promise<number> {
  let localError: Error | undefined;
  out.once('error', (err) => (localError ??= err));
  const tap = new Transform({
    highWaterMark: CHUNK,
    transform(chunk: Buffer, _enc, cb) {
      hash?.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res, tap, out);
  } catch (err) {
    if (localError) throw localError;
    throw new RetryableError(`download interrupted: ${(err as Error).message}`);
  }
  return out.bytesWritten;
}

/** The server's `{error: {code, message}}` as an Error of the right kind. */
async function responseError(res: http.IncomingMessage): Promise<Error> {
  const status = res.statusCode ?? 0;
  let detail = '';
  try {
    const body = (await readJson(res)) as { error?: { code?: string; message?: string } };
    detail = body.error ? `: ${body.error.code ?? ''} ${body.error.message ?? ''}`.trimEnd() : '';
  } catch {
    /* no usable body */
  }
  const message = `server answered ${status}${detail}`;
  const retryable = status >= 500 || status === 408 || status === 409 || status === 429;
  return retryable ? new RetryableError(message) : new PermanentError(message);
}

async function readJson(res: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > 1 << 20) throw new RetryableError('oversized response from server');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new RetryableError(`malformed response from server: ${text.slice(0, 80)}`);
  }
}

async function hashWhole(file: string): Promise<{ sha256: string }> {
  const digest = new FileDigest(file);
  const size = (await fileSize(file)) ?? 0;
  return { sha256: await digest.finish(size) };
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function truncatePart(file: string): Promise<void> {
  const fh = await fsp.open(file, PART_REOPEN);
  try {
    await fh.truncate(0);
  } finally {
    await fh.close();
  }
}

async function syncFile(file: string): Promise<void> {
  const fh = await fsp.open(file, PART_REOPEN);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Make the rename durable; not every platform can fsync a directory (Windows). */
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
