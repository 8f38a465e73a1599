/**
 * Running programs and scripts (never through a shell). Result `data` shapes:
 *   run        wait (default): { pid, exit_code, signal, stdout, stderr, timed_out, truncated }
 *              wait: false:    { pid }   (started detached; its output is discarded)
 *   runscript  { pid, exit_code, signal, stdout, stderr, timed_out, truncated }
 * exit_code is null when the process was killed by a signal (then `signal` names it). stdout and
 * stderr are decoded as UTF-8, each cut at maxOutputBytes (truncated: true, with stdout_bytes and
 * stderr_bytes saying how much the program wrote). A stdout cut that way is also kept whole (up to
 * fullOutputMaxBytes) and uploaded for this command: full_output { sha256, size, whole }, or
 * full_output_error saying why it could not be. On timeout — the
 * smaller of args.timeout_ms and the request's limit — the whole process group is killed and the
 * partial output returned with timed_out: true; this is still a success, not a `timeout` error.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { optionalBoolean, optionalInteger, optionalString, optionalStringArray, requireString } from './args.ts';
import type { CommandContext, Handler } from './context.ts';
import { CommandError, invalidArgument } from './errors.ts';
import { runProcess, spawnDetached, type ProcessOutcome } from './exec.ts';
import { isExecutable, outputDir, resolveIn } from './paths.ts';
import type { Platform } from './types.ts';

export const run: Handler<'run'> = async (args, ctx) => {
  const executable = requireString(args, 'executable');
  const argv = optionalStringArray(args, 'args');
  const wait = optionalBoolean(args, 'wait', true);
  const timeoutMs = effectiveTimeout(optionalInteger(args, 'timeout_ms', 1), ctx);
  const cwd = await workingDirectory(ctx, optionalString(args, 'working_directory'));
  const file = programPath(executable, cwd);
  if (!wait) {
    const pid = await spawnDetached(file, argv, cwd).catch((err) => Promise.reject(spawnError(err, executable)));
    return { data: { pid } };
  }
  return { data: { ...(await execute(file, argv, cwd, timeoutMs, ctx)) } };
};

export const runscript: Handler<'runscript'> = async (args, ctx) => {
  const script = optionalString(args, 'script');
  const hostPath = optionalString(args, 'host_path');
  if ((script === undefined) === (hostPath === undefined)) throw invalidArgument('give exactly one of script or host_path');
  const argv = optionalStringArray(args, 'args');
  const timeoutMs = effectiveTimeout(optionalInteger(args, 'timeout_ms', 1), ctx);
  const requested = optionalString(args, 'interpreter');
  const cwd = await workingDirectory(ctx, undefined);
  const [file, fileArgs] = requested ? [programPath(requested, cwd), []] : await defaultInterpreter(ctx.platform);

  let tempDir: string | undefined;
  try {
    let scriptPath: string;
    if (hostPath !== undefined) {
      scriptPath = resolveIn(ctx.cwd, hostPath);
      if ((await fs.stat(scriptPath)).isDirectory()) throw new CommandError('is_a_directory', `${scriptPath}: is a directory`);
    } else {
      // Private temp dir: the script may hold secrets, and -File needs a .ps1 name on Windows.
      tempDir = await fs.mkdtemp(path.join(await outputDir(ctx.settings), 'script-'));
      scriptPath = path.join(tempDir, ctx.platform === 'windows' ? 'script.ps1' : 'script.sh');
      await fs.writeFile(scriptPath, script!, { mode: 0o700 });
    }
    return { data: { ...(await execute(file, [...fileArgs, scriptPath, ...argv], cwd, timeoutMs, ctx)) } };
  } finally {
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  }
};

/** The outcome, and the whole stdout as an uploaded file when it passed the cap (see the header). */
async function execute(file: string, argv: string[], cwd: string, timeoutMs: number, ctx: CommandContext): Promise<ProcessOutcome & FullOutput> {
  // Only an agent that can ask the server for an upload token keeps the whole output.
  const spillStdout = ctx.requestUpload
    ? { path: path.join(await outputDir(ctx.settings), `stdout-${crypto.randomBytes(12).toString('hex')}`), max: ctx.settings.fullOutputMaxBytes }
    : undefined;
  let outcome;
  try {
    outcome = await runProcess(file, argv, { cwd, timeoutMs, maxOutputBytes: ctx.settings.maxOutputBytes, signal: ctx.signal, spillStdout });
  } catch (err) {
    throw spawnError(err, file);
  }
  const { spilled, ...rest } = outcome;
  if (!spilled) return rest;
  try {
    await ctx.requestUpload!(spilled.bytes);
    const stored = await ctx.transfers.upload(spilled.path, ctx.id);
    return { ...rest, full_output: { ...stored, whole: spilled.whole } };
  } catch (err) {
    // The capped output still stands; the note says why the whole is missing.
    return { ...rest, full_output_error: `the whole stdout (${spilled.bytes} bytes) could not be delivered: ${(err as Error).message}` };
  } finally {
    await fs.rm(spilled.path, { force: true });
  }
}

/** `full_output`: the whole stdout, uploaded (whole: false when it stopped at fullOutputMaxBytes). */
interface FullOutput {
  full_output?: { sha256: string; size: number; whole: boolean };
  full_output_error?: string;
}

/** A per-command timeout never outlives the request's hard limit. */
function effectiveTimeout(requested: number | undefined, ctx: CommandContext): number {
  return Math.min(requested ?? Infinity, ctx.timeoutMs);
}

/** Checked up front because spawn reports a missing cwd as ENOENT, which would read as "executable not found". */
async function workingDirectory(ctx: CommandContext, requested: string | undefined): Promise<string> {
  const dir = resolveIn(ctx.cwd, requested ?? '.');
  if (!(await fs.stat(dir)).isDirectory()) throw new CommandError('not_a_directory', `${dir}: not a directory`);
  return dir;
}

/** Bare names are looked up on PATH; anything with a separator is a path relative to `cwd`. */
function programPath(name: string, cwd: string): string {
  return /[\\/]/.test(name) ? resolveIn(cwd, name) : name;
}

async function defaultInterpreter(platform: Platform): Promise<[string, string[]]> {
  if (platform === 'windows') {
    return ['powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File']];
  }
  return [(await isExecutable('/bin/bash')) ? '/bin/bash' : '/bin/sh', []];
}

function spawnError(err: unknown, executable: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CommandError('not_found', `executable not found: ${executable}`);
  if (code === 'EACCES') return new CommandError('permission_denied', `${executable}: permission denied (is it executable?)`);
  return err;
}
