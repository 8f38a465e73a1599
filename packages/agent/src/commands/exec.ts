import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { CommandContext } from './context.ts';
import { CommandError, isTimeoutReason } from './errors.ts';

/** How a child process ended; also the `data` of `run` and `runscript`. */
export interface ProcessOutcome {
  pid: number | null;
  exit_code: number | null;
  /** Name of the signal that ended it (e.g. SIGKILL after a timeout), else null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  timed_out: boolean;
  /** True when stdout or stderr exceeded the cap and was cut. */
  truncated: boolean;
  /** Bytes the program wrote to each stream, kept or not (present when `truncated`). */
  stdout_bytes?: number;
  stderr_bytes?: number;
}

export interface RunOptions {
  cwd?: string;
  /** Killed (whole process tree) after this long; the outcome then has timed_out. */
  timeoutMs: number;
  maxOutputBytes: number;
  /** Abort kills the tree too; a timeout abort counts as timed_out, any other abort rejects. */
  signal: AbortSignal;
  /** Send stdout straight to this file descriptor instead of capturing it (exports of any size). */
  stdoutFd?: number;
  /**
   * When stdout outgrows maxOutputBytes, also write all of it (from the first byte, up to `max`)
   * to this new file, so the whole output can be delivered as a file.
   */
  spillStdout?: { path: string; max: number };
}

/** Where a spilled stdout went (see RunOptions.spillStdout). */
export interface Spill {
  path: string;
  /** Bytes written to the file. */
  bytes: number;
  /** False when the file stopped at `max` or a write failed. */
  whole: boolean;
}

const isWindows = process.platform === 'win32';

/** How long to wait for stdio to drain after exit: a grandchild may hold the pipes open forever. */
const DRAIN_AFTER_EXIT_MS = 250;

const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW = 0 } = fs.constants;

/**
 * Keeps the first `cap` bytes of a stream and counts the rest (it must still be read, or the
 * child blocks); optionally spills the whole stream to a file once it outgrows the cap.
 */
class CappedBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;
  /** Every byte seen, kept or not. */
  total = 0;
  private spillFd: number | undefined;
  spilled: Spill | undefined;

  constructor(
    private readonly cap: number,
    private readonly spillTo?: { path: string; max: number },
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.cap - this.kept;
    if (chunk.length > room) {
      if (!this.truncated) this.startSpill();
      this.truncated = true;
    }
    this.spill(chunk);
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** Closes the spill file, if any. */
  end(): void {
    if (this.spillFd !== undefined) fs.closeSync(this.spillFd);
    this.spillFd = undefined;
  }

  private startSpill(): void {
    if (!this.spillTo) return;
    try {
      // A new file of our own (the directory is private; O_EXCL|O_NOFOLLOW all the same).
      this.spillFd = fs.openSync(this.spillTo.path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o600);
      this.spilled = { path: this.spillTo.path, bytes: 0, whole: true };
      for (const kept of this.chunks) this.spill(kept);
    } catch {
      this.spillFd = undefined;
    }
  }

  private spill(chunk: Buffer): void {
    const s = this.spilled;
    if (this.spillFd === undefined || !s) return;
    const room = this.spillTo!.max - s.bytes;
    const part = chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk;
    try {
      if (part.length) fs.writeSync(this.spillFd, part);
      s.bytes += part.length;
      if (part.length < chunk.length) throw new Error('spill limit');
    } catch {
      // Full disk or the limit: what is there so far is kept, and said to be partial.
      s.whole = false;
      this.end();
    }
  }
}

/**
 * Runs a program without a shell, capturing capped output. On POSIX the child leads its own
 * session/process group so a timeout can kill everything it started.
 */
export function runProcess(file: string, args: string[], opts: RunOptions): Promise<ProcessOutcome & { spilled?: Spill }> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason);
    const child = spawn(file, args, {
      cwd: opts.cwd,
      stdio: ['ignore', opts.stdoutFd ?? 'pipe', 'pipe'],
      detached: !isWindows,
      windowsHide: true,
    });
    const stdout = new CappedBuffer(opts.maxOutputBytes, opts.spillStdout);
    const stderr = new CappedBuffer(opts.maxOutputBytes);
    child.stdout?.on('data', (c: Buffer) => stdout.push(c));
    child.stderr?.on('data', (c: Buffer) => stderr.push(c));

    let stopped: 'timeout' | 'abort' | null = null;
    const stop = (why: 'timeout' | 'abort') => {
      if (stopped) return;
      stopped = why;
      killTree(child);
    };
    const timer = setTimeout(() => stop('timeout'), Math.min(opts.timeoutMs, 2 ** 31 - 1));
    const onAbort = () => stop(isTimeoutReason(opts.signal.reason) ? 'timeout' : 'abort');
    opts.signal.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      opts.signal.removeEventListener('abort', onAbort);
    };
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (settled) return;
      cleanup();
      child.stdout?.destroy();
      child.stderr?.destroy();
      stdout.end();
      if (stopped === 'abort') {
        if (stdout.spilled) fs.rmSync(stdout.spilled.path, { force: true });
        return reject(opts.signal.reason);
      }
      resolve({
        pid: child.pid ?? null,
        exit_code: code,
        signal: sig,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timed_out: stopped === 'timeout',
        truncated: stdout.truncated || stderr.truncated,
        ...(stdout.truncated || stderr.truncated ? { stdout_bytes: stdout.total, stderr_bytes: stderr.total } : {}),
        ...(stdout.spilled ? { spilled: stdout.spilled } : {}),
      });
    };
    child.on('error', (err) => {
      if (settled) return;
      cleanup();
      stdout.end();
      if (stdout.spilled) fs.rmSync(stdout.spilled.path, { force: true });
      reject(err);
    });
    child.on('exit', (code, sig) => {
      drainTimer = setTimeout(() => finish(code, sig), DRAIN_AFTER_EXIT_MS);
    });
    child.on('close', finish);
  });
}

/** Kills a child and everything in its process group (POSIX) or process tree (Windows). */
export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (isWindows) {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true })
        .on('error', () => child.kill('SIGKILL'));
    } else {
      process.kill(-child.pid, 'SIGKILL');
    }
  } catch {
    child.kill('SIGKILL'); // group already gone or not ours: fall back to the child itself
  }
}

/** Starts a program that outlives the command (`run` with wait:false); resolves once it has started. */
export function spawnDetached(file: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: 'ignore', detached: true, windowsHide: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve(child.pid!);
    });
  });
}

/** Runs a helper tool within the request's limits and returns its stdout; a non-zero exit is a failure. */
export async function runTool(file: string, args: string[], ctx: CommandContext, stdoutFd?: number): Promise<string> {
  const out = await runProcess(file, args, {
    timeoutMs: ctx.timeoutMs,
    maxOutputBytes: ctx.settings.maxOutputBytes,
    signal: ctx.signal,
    stdoutFd,
  });
  if (out.timed_out) throw new CommandError('timeout', `${file} timed out`);
  if (out.exit_code !== 0) {
    const detail = out.stderr.trim() || out.stdout.trim() || `exit code ${out.exit_code ?? out.signal}`;
    throw new CommandError('failed', `${file} failed: ${detail}`);
  }
  return out.stdout;
}

/** Windows: runs a PowerShell snippet that ends in ConvertTo-Json and returns its rows. */
export async function powershellRows<T>(script: string, ctx: CommandContext): Promise<T[]> {
  const stdout = await runTool('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], ctx);
  if (!stdout.trim()) return [];
  const parsed = JSON.parse(stdout) as T | T[];
  return Array.isArray(parsed) ? parsed : [parsed]; // ConvertTo-Json unwraps single-item arrays
}
