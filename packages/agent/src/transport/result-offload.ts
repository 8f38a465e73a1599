/**
 * Results too large for the control channel travel as blobs: the result's JSON is spooled to a
 * private file, the server is asked for an upload token (`result_upload`), the file is streamed
 * over the resumable HTTP transfer path, and the `result` frame carries only `result_blob`. One
 * oversized result (a 300,000-entry `ls`, a `run` printing megabytes of NUL bytes) then costs an
 * upload, not the connection: a frame over the server's limit would close the socket, and the
 * agent would re-send the same frame on every reconnect.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ERROR_MESSAGE_MAX_CHARS, RESULT_BLOB_MAX_BYTES, RESULT_INLINE_MAX_BYTES } from '@riposte/spec';
import type { CommandResult, FileTransfers } from '../commands/index.ts';

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface ResultOffloadOptions {
  transfers: FileTransfers;
  /** Hands the upload token to `transfers` (looked up by command id). */
  setToken(id: string, token: string): void;
  /** Sends a control frame (when connected). */
  send(frame: string): void;
  connected(): boolean;
  /** The result could not be delivered as a blob: end the command with this error instead. */
  undeliverable(id: string, result: CommandResult): void;
  log: Log;
  /** Where spooled results wait for their upload; default: a private directory under the OS temp dir. */
  spoolDir?: string;
}

/** The marker that ends a cut error message. */
export function cutMessage(message: string, max = ERROR_MESSAGE_MAX_CHARS): string {
  if (message.length <= max) return message;
  const marker = ` … [${message.length - max} more characters cut by the agent]`;
  return message.slice(0, max) + marker;
}

/** A result with its error message bounded (what the server's schema accepts, and readable). */
export function boundResult(result: CommandResult): CommandResult {
  if (result.ok || result.error.message.length <= ERROR_MESSAGE_MAX_CHARS) return result;
  return { ...result, error: { ...result.error, message: cutMessage(result.error.message) } };
}

/** True when a frame of this text must not go inline. */
export function tooLargeInline(frame: string): boolean {
  // A UTF-8 byte count only when the length alone cannot decide (1-3 bytes per UTF-16 unit).
  return frame.length > RESULT_INLINE_MAX_BYTES || (frame.length * 3 > RESULT_INLINE_MAX_BYTES && Buffer.byteLength(frame) > RESULT_INLINE_MAX_BYTES);
}

interface Offload {
  file: string;
  size: number;
  /** requested: waiting for the token; uploading: bytes moving. */
  state: 'requested' | 'uploading';
}

export class ResultOffload {
  private readonly pending = new Map<string, Offload>();
  private dir?: string;

  constructor(private readonly opts: ResultOffloadOptions) {}

  /**
   * Starts delivering `resultJson` (the result object's JSON) as a blob; returns false when it is
   * larger than the server accepts at all (the caller reports an error instead).
   */
  offer(id: string, resultJson: string): boolean {
    const size = Buffer.byteLength(resultJson);
    if (size > RESULT_BLOB_MAX_BYTES) return false;
    if (this.pending.has(id)) return true; // already on its way
    const file = path.join(this.spoolDir(), `${id.replace(/[^\w-]/g, '_')}.json`);
    fs.writeFileSync(file, resultJson, { mode: 0o600 });
    this.pending.set(id, { file, size, state: 'requested' });
    this.opts.send(JSON.stringify({ t: 'result_upload', id, size }));
    return true;
  }

  /** The server's token for one of our requests: upload, then send the reference. */
  granted(id: string, token: string): void {
    const p = this.pending.get(id);
    if (!p || p.state !== 'requested') return;
    p.state = 'uploading';
    this.opts.setToken(id, token);
    this.opts.transfers
      .upload(p.file, id)
      .then(
        (stored) => {
          if (stored.size !== p.size) throw new Error(`server stored ${stored.size} of ${p.size} bytes`);
          this.opts.send(JSON.stringify({ t: 'result', id, result_blob: stored }));
        },
        (err: Error) => {
          this.opts.log('error', `could not upload the result of ${id}: ${err.message}`, { command_id: id });
          // Offline: the next welcome re-sends it. Online: the server or the path refuses it; say so.
          if (this.opts.connected()) {
            this.opts.undeliverable(id, {
              ok: false,
              error: { code: 'transfer_failed', message: cutMessage(`the result (${p.size} bytes) could not be uploaded: ${err.message}`) },
              cwd: '',
            });
          }
        },
      )
      .finally(() => this.forget(id));
  }

  /** The server acknowledged (or refused) the result: nothing more to send. */
  acked(id: string): void {
    if (this.pending.get(id)?.state === 'requested') this.forget(id);
  }

  /** A request whose token will never come (the socket closed): the next welcome asks again. */
  disconnected(): void {
    for (const [id, p] of this.pending) if (p.state === 'requested') this.forget(id);
  }

  close(): void {
    for (const id of [...this.pending.keys()]) this.forget(id);
    if (this.dir && !this.opts.spoolDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private forget(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    try {
      fs.rmSync(p.file, { force: true });
    } catch {
      /* the spool directory is private and removed on close */
    }
  }

  private spoolDir(): string {
    if (!this.dir) {
      this.dir = this.opts.spoolDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-results-'));
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    }
    return this.dir;
  }
}
