// run and runscript: well-known programs and a tiny script dialect (the real agent's commands/script-commands.ts).

import { setTimeout as sleep } from 'node:timers/promises';
import { optionalBoolean, optionalString, optionalStringArray, requireString, CommandError, invalidArgument } from '../../commands/index.ts';
import { contentBytes } from '../content.ts';
import { findProgram } from '../programs.ts';
import { interpretScript, type ScriptResult } from '../script.ts';
import { effectiveTimeout, type Call, type Data, type Handler } from './call.ts';

/** The real executor's default cap on each of stdout and stderr. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export const run: Handler = async (c) => {
  const { fs, profile, processes } = c.host;
  const executable = requireString(c.args, 'executable');
  const argv = optionalStringArray(c.args, 'args');
  const wait = optionalBoolean(c.args, 'wait', true);
  const timeoutMs = effectiveTimeout(c);
  const workdir = optionalString(c.args, 'working_directory');
  if (workdir !== undefined) fs.requireDir(fs.resolve(c.cwd, workdir, 'working_directory'));
  const isPath = /[\\/]/.test(executable);
  const path = isPath ? fs.resolve(c.cwd, executable, 'executable') : executable;
  const program = findProgram(c.platform, executable);
  // Unknown programs that exist on the virtual disk run and print nothing; others don't exist.
  if (!program && !(isPath && fs.stat(path)?.value.kind === 'file')) throw new CommandError('not_found', `executable not found: ${executable}`);
  if (!wait) {
    const user = c.platform === 'windows' ? 'NT AUTHORITY\\SYSTEM' : 'root';
    const name = fs.style.basename(path);
    return { pid: processes.spawn(name, isPath ? path : '', [executable, ...argv].join(' '), user, processes.agent().pid).pid };
  }
  const result = program ? program(profile, argv, timeoutMs) : interpretScript('', c.platform === 'windows', timeoutMs);
  return finish(c, result);
};

export const runscript: Handler = async (c) => {
  const script = optionalString(c.args, 'script');
  const hostPath = optionalString(c.args, 'host_path');
  if ((script === undefined) === (hostPath === undefined)) throw invalidArgument('give exactly one of script or host_path');
  optionalString(c.args, 'interpreter'); // any interpreter runs the same tiny dialect
  optionalStringArray(c.args, 'args');
  const text = script ?? contentBytes(c.host.fs.requireFile(c.host.fs.resolve(c.cwd, hostPath, 'host_path')).value.content).toString('utf8');
  return finish(c, interpretScript(text, c.platform === 'windows', effectiveTimeout(c)));
};

/** Waits out the script's simulated run time (abortable), then shapes its outcome like run's. */
async function finish(c: Call, r: ScriptResult): Promise<Data> {
  if (r.elapsed_ms > 0) await sleep(r.elapsed_ms, undefined, { signal: c.ctx.signal });
  const [stdout, cutOut] = cap(r.stdout);
  const [stderr, cutErr] = cap(r.stderr);
  return {
    pid: c.host.processes.allocatePid(),
    exit_code: r.exit_code,
    signal: r.timed_out ? 'SIGKILL' : null,
    stdout,
    stderr,
    timed_out: r.timed_out,
    truncated: cutOut || cutErr,
  };
}

function cap(text: string): [string, boolean] {
  const bytes = Buffer.from(text);
  return bytes.length > MAX_OUTPUT_BYTES ? [bytes.subarray(0, MAX_OUTPUT_BYTES).toString('utf8'), true] : [text, false];
}
