import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sha256File, unpack7z } from './archive.ts';
import type { RiposteClient } from './client.ts';
import { RiposteApiError } from './errors.ts';
import { baseCommand, quoteArg, type Tier } from './command-line.ts';

export { baseCommand, quoteArg, tierOf, type Tier } from './command-line.ts';

export interface CommandResult {
  cloudRequestId: string;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Each piece of output as it arrives (sequence chunks of long output). */
  onOutput?: (chunk: { stdout: string; stderr: string }) => void;
}

export interface Progress {
  (done: number, total: number): void;
}

/** The command was cancelled on the host (Ctrl-C). */
export class CommandCancelledError extends Error {
  constructor(readonly cloudRequestId: string) {
    super('cancelled');
    this.name = 'CommandCancelledError';
  }
}

const POLL_MIN_MS = 40;
const POLL_MAX_MS = 500;


/**
 * One RTR session on one host: commands in the vendor's syntax on the tier's endpoint, output
 * joined over its sequence chunks, files fetched and unpacked, files put from the library.
 */
export class RtrSession {
  private closed = false;

  private constructor(
    readonly client: RiposteClient,
    readonly id: string,
    readonly deviceId: string,
    readonly platform: string,
    public pwd: string,
    readonly tier: Tier,
    readonly offlineQueued: boolean,
  ) {}

  static async open(client: RiposteClient, deviceId: string, opts: { tier: Tier; queueOffline?: boolean; signal?: AbortSignal }): Promise<RtrSession> {
    const res = await client.rtrInitSession({ body: { device_id: deviceId, queue_offline: opts.queueOffline, origin: 'riposte-cli' } }, { signal: opts.signal });
    const r = res.resources[0];
    return new RtrSession(client, r.session_id, deviceId, r.platform, r.pwd, opts.tier, r.offline_queued);
  }

  /** Keeps the session from expiring (sessions idle out after 10 minutes). */
  async pulse(): Promise<void> {
    await this.client.rtrPulseSession({ body: { device_id: this.deviceId } });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.rtrDeleteSession({ query: { session_id: this.id } });
  }

  private execute(line: string) {
    const body = { base_command: baseCommand(line), command_string: line.trim(), session_id: this.id };
    if (this.tier === 'admin') return this.client.rtrExecuteAdminCommand({ body });
    if (this.tier === 'active') return this.client.rtrExecuteActiveResponderCommand({ body });
    return this.client.rtrExecuteCommand({ body });
  }

  private status(cloud_request_id: string, sequence_id: number, signal?: AbortSignal) {
    const input = { query: { cloud_request_id, sequence_id } };
    if (this.tier === 'admin') return this.client.rtrCheckAdminCommandStatus(input, { signal });
    if (this.tier === 'active') return this.client.rtrCheckActiveResponderCommandStatus(input, { signal });
    return this.client.rtrCheckCommandStatus(input, { signal });
  }

  /** Run a command line and wait for it; its output joined over every sequence chunk. */
  async run(line: string, opts: RunOptions = {}): Promise<CommandResult> {
    // Issued whatever the signal says: an issue abandoned half-way may still have started the
    // command on the host, with no id to cancel it by. A Ctrl-C meanwhile cancels it just below.
    opts.signal?.throwIfAborted();
    const started = await this.execute(line);
    const id = started.resources[0].cloud_request_id;
    const parts = { stdout: [] as string[], stderr: [] as string[] };
    const take = (r: { stdout: string; stderr: string }) => {
      parts.stdout.push(r.stdout);
      parts.stderr.push(r.stderr);
      if (r.stdout || r.stderr) opts.onOutput?.({ stdout: r.stdout, stderr: r.stderr });
    };
    let wait = POLL_MIN_MS;
    for (;;) {
      if (opts.signal?.aborted) await this.cancel(id);
      let r;
      try {
        r = (await this.status(id, 0, opts.signal)).resources[0];
      } catch (err) {
        if (opts.signal?.aborted) await this.cancel(id);
        throw err;
      }
      if (r.complete) {
        take(r);
        break;
      }
      await delay(wait, opts.signal);
      wait = Math.min(POLL_MAX_MS, wait * 1.5);
    }
    // Long output: the following chunks until the server says there are no more.
    for (let seq = 1; ; seq++) {
      try {
        take((await this.status(id, seq, opts.signal)).resources[0]);
      } catch (err) {
        if (err instanceof RiposteApiError && err.status === 404) break;
        throw err;
      }
    }
    if (baseCommand(line) === 'cd') await this.refreshPwd();
    return { cloudRequestId: id, stdout: parts.stdout.join(''), stderr: parts.stderr.join('') };
  }

  private async cancel(id: string): Promise<never> {
    await this.client.rtrCancelCommand({ query: { session_id: this.id, cloud_request_id: id } }).catch((err: unknown) => {
      // Ended meanwhile: nothing left to stop.
      if (!(err instanceof RiposteApiError && err.status === 409)) throw err;
    });
    throw new CommandCancelledError(id);
  }

  async refreshPwd(): Promise<string> {
    const r = await this.run('pwd');
    if (!r.stderr) this.pwd = r.stdout.trim();
    return this.pwd;
  }

  /**
   * `get` a file from the host, download its archive and unpack it into `outDir`: the local path
   * and the sha256 the host reported, checked against the unpacked file.
   */
  async get(remotePath: string, opts: { outDir: string; signal?: AbortSignal; onProgress?: Progress }): Promise<{ file: string; sha256: string; size: number }> {
    const r = await this.run(`get ${quoteArg(remotePath)}`, { signal: opts.signal });
    if (r.stderr) throw new Error(r.stderr.trim());
    const sha256 = /SHA256 ([0-9a-f]{64})/.exec(r.stdout)?.[1];
    if (!sha256) throw new Error(`get answered no file: ${r.stdout.trim()}`);
    // The upload from the host ends a moment after the command does.
    let wait = POLL_MIN_MS;
    for (;;) {
      const files = await this.client.rtrListFiles({ query: { session_id: this.id } }, { signal: opts.signal });
      if (files.resources.some((f) => f.sha256 === sha256)) break;
      await delay(wait, opts.signal);
      wait = Math.min(POLL_MAX_MS, wait * 1.5);
    }
    const res = await this.client.rtrGetExtractedFileContents({ query: { session_id: this.id, sha256 } }, { signal: opts.signal, timeoutMs: 3_600_000 });
    const total = Number(res.headers.get('content-length') ?? 0);
    const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'riposte-get-'));
    try {
      const archive = path.join(work, 'file.7z');
      let done = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          done += chunk.length;
          opts.onProgress?.(done, total);
          cb(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(res.body as any), count, fs.createWriteStream(archive), { signal: opts.signal });
      const [file] = await unpack7z(archive, opts.outDir);
      if (!file) throw new Error('the archive the server sent is empty');
      const actual = await sha256File(file);
      if (actual !== sha256) throw new Error(`sha256 mismatch for ${file}: host reported ${sha256}, got ${actual}`);
      return { file, sha256, size: (await fs.promises.stat(file)).size };
    } finally {
      await fs.promises.rm(work, { recursive: true, force: true });
    }
  }

  /**
   * `put` a put-file of the library into the session's current directory (or `remoteDir`), then
   * check its sha256 on the host with `filehash`.
   */
  async put(name: string, opts: { remoteDir?: string; signal?: AbortSignal } = {}): Promise<{ path: string; sha256: string; stdout: string }> {
    if (opts.remoteDir && opts.remoteDir !== this.pwd) {
      const cd = await this.run(`cd ${quoteArg(opts.remoteDir)}`, { signal: opts.signal });
      if (cd.stderr) throw new Error(cd.stderr.trim());
    }
    const put = await this.run(`put ${quoteArg(name)}`, { signal: opts.signal });
    if (put.stderr) throw new Error(put.stderr.trim());
    const landed = /^Put (.+) \(\d+ bytes\)/m.exec(put.stdout)?.[1] ?? joinRemote(this.pwd, name, this.platform);
    const hash = await this.run(`filehash ${quoteArg(landed)}`, { signal: opts.signal });
    const sha256 = /[0-9a-f]{64}/i.exec(hash.stdout)?.[0]?.toLowerCase() ?? '';
    return { path: landed, sha256, stdout: put.stdout };
  }
}

export function joinRemote(dir: string, name: string, platform: string): string {
  const sep = /windows/i.test(platform) ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** Sleeps `ms`, or less when `signal` aborts (the listener goes with the sleep: a long poll adds none). */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
