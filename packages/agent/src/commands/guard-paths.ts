/**
 * Which paths each command touches, checked against the protected paths before it runs. Commands
 * that take no path (ps, env, …) and those that run arbitrary programs (run, runscript with a
 * script body) are not listed: a program can read anything its user can, which is why those are
 * admin-tier commands.
 */
import path from 'node:path';
import type { ProtectedPaths, PathUse } from './protected-paths.ts';
import { resolveIn } from './paths.ts';
import type { CommandName } from './types.ts';

type PathArgs = (args: Record<string, unknown>) => [string | undefined, PathUse][];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A cp/mv destination: DEST itself, or DEST/basename(SOURCE) when DEST is a directory. */
const into = (dest: unknown, source: unknown): [string | undefined, PathUse][] => {
  const d = str(dest);
  const s = str(source);
  return [[d, 'entry'], [d && s ? path.join(d, path.basename(s)) : undefined, 'entry']];
};

const PATH_ARGS: Partial<Record<CommandName, PathArgs>> = {
  ls: (a) => [[str(a.path) ?? '.', 'entry']],
  cd: (a) => [[str(a.path), 'entry']],
  cat: (a) => [[str(a.path), 'entry']],
  filehash: (a) => [[str(a.path), 'entry']],
  encrypt: (a) => [[str(a.path), 'tree']],
  get: (a) => [[str(a.path), 'entry']],
  rm: (a) => [[str(a.path), 'tree']],
  mkdir: (a) => [[str(a.path), 'entry']],
  cp: (a) => [[str(a.source), 'tree'], ...into(a.destination, a.source)],
  mv: (a) => [[str(a.source), 'tree'], ...into(a.destination, a.source)],
  zip: (a) => [[str(a.source), 'tree'], [str(a.destination), 'entry']],
  // put writes DEST, or DEST/NAME when DEST is a directory.
  put: (a) => {
    const dest = str(a.destination) ?? str(a.name);
    const name = str(a.name);
    return [[dest, 'entry'], [dest && name ? path.join(dest, name) : undefined, 'entry']];
  },
  runscript: (a) => [[str(a.host_path), 'entry']],
  // On Linux a process's memory is read through /proc/PID, so protecting /proc/PID protects it.
  memdump: (a) => [[str(a.destination), 'entry'], [process.platform === 'linux' && Number.isInteger(a.pid) ? `/proc/${a.pid}/mem` : undefined, 'entry']],
  xmemdump: (a) => [[str(a.destination), 'entry']],
};

/** Throws (permission_denied) when the command would touch a protected path. */
export async function guardPaths(name: CommandName, args: Record<string, unknown>, cwd: string, protect: ProtectedPaths): Promise<void> {
  for (const [p, use] of PATH_ARGS[name]?.(args) ?? []) {
    if (p !== undefined) await protect.check(name, resolveIn(cwd, p), use);
  }
}
