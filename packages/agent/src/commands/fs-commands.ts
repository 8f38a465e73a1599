/**
 * File-system commands. Result `data` shapes:
 *   ls     { path, entries: FileEntry[], truncated?, total_entries? }
 *            a directory's entries sorted by name, or the one file named; past lsMaxEntries only the
 *            first are described (truncated: true, total_entries: how many the directory holds)
 *   cd     { cwd }                          (the result's cwd changes too)
 *   pwd    { cwd }
 *   cat    { path, size, truncated, encoding: 'utf8' | 'base64', content }
 *            size is the file's size; content holds at most min(max_bytes, catMaxBytes) bytes
 *   cp, mv { source, destination }          destination is the final path (inside it if it was a directory)
 *   rm     { path }
 *   mkdir  { path }
 */
import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { optionalBoolean, optionalInteger, optionalString, requireString } from './args.ts';
import type { CommandContext, Handler, WireArgs } from './context.ts';
import { CommandError, invalidArgument } from './errors.ts';
import { isFilesystemRoot, resolveIn } from './paths.ts';
import type { CommandArgs, FileEntry } from './types.ts';

export const ls: Handler<'ls'> = async (args, ctx) => {
  const target = resolveIn(ctx.cwd, optionalString(args, 'path') ?? '.');
  // stat (not lstat) here so `ls link-to-dir` lists the directory, like ls(1); entries use lstat.
  const st = await fs.stat(target).catch(() => fs.lstat(target)); // a dangling link is still listable
  if (!st.isDirectory()) {
    return { data: { path: target, entries: [toFileEntry(target, await fs.lstat(target))] } };
  }
  const names = (await fs.readdir(target)).sort(); // code-unit order: stable across locales
  // A directory of millions: only the first lsMaxEntries are described, and the result says so.
  const shown = names.length > ctx.settings.lsMaxEntries ? names.slice(0, ctx.settings.lsMaxEntries) : names;
  const entries = await Promise.all(
    shown.map((name) => {
      const p = path.join(target, name);
      return fs.lstat(p).then((entry) => toFileEntry(p, entry), () => null); // vanished while listing
    }),
  );
  const truncated = shown.length < names.length ? { truncated: true, total_entries: names.length } : {};
  return { data: { path: target, entries: entries.filter((e) => e !== null), ...truncated } };
};

export const cd: Handler<'cd'> = async (args, ctx) => {
  const target = resolveIn(ctx.cwd, requireString(args, 'path'));
  await requireDirectory(target);
  return { data: { cwd: target }, cwd: target };
};

export const pwd: Handler<'pwd'> = async (_args, ctx) => ({ data: { cwd: ctx.cwd } });

export const cat: Handler<'cat'> = async (args, ctx) => {
  const target = resolveIn(ctx.cwd, requireString(args, 'path'));
  const cap = Math.min(optionalInteger(args, 'max_bytes', 1) ?? Infinity, ctx.settings.catMaxBytes);
  const fh = await fs.open(target, 'r');
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new CommandError('is_a_directory', `${target}: is a directory`);
    // Read one byte past the cap: /proc-style files report size 0, so size alone can't tell truncation.
    const buf = Buffer.alloc(cap + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const truncated = got > cap;
    let bytes = buf.subarray(0, Math.min(got, cap));
    const text = truncated ? bytes.subarray(0, utf8Boundary(bytes)) : bytes;
    const utf8 = isUtf8(text) && !text.includes(0);
    if (utf8) bytes = text;
    return {
      data: {
        path: target,
        size: st.size,
        truncated,
        encoding: utf8 ? 'utf8' : 'base64',
        content: bytes.toString(utf8 ? 'utf8' : 'base64'),
      },
    };
  } finally {
    await fh.close();
  }
};

export const cp: Handler<'cp'> = async (args, ctx) => {
  const { source, destination } = await sourceAndDestination(args, ctx);
  await fs.cp(source, destination, { recursive: true, force: true, preserveTimestamps: true, verbatimSymlinks: true });
  return { data: { source, destination } };
};

export const mv: Handler<'mv'> = async (args, ctx) => {
  const { source, destination } = await sourceAndDestination(args, ctx);
  try {
    await fs.rename(source, destination);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    // Across file systems rename can't work: copy, then remove the original.
    await fs.cp(source, destination, { recursive: true, force: true, preserveTimestamps: true, verbatimSymlinks: true });
    await fs.rm(source, { recursive: true });
  }
  return { data: { source, destination } };
};

export const rm: Handler<'rm'> = async (args, ctx) => {
  const target = resolveIn(ctx.cwd, requireString(args, 'path'));
  const recursive = optionalBoolean(args, 'recursive');
  const force = optionalBoolean(args, 'force');
  if (isFilesystemRoot(target)) throw invalidArgument(`refusing to remove ${target}`);
  let st: Stats;
  try {
    st = await fs.lstat(target);
  } catch (err) {
    if (force && (err as NodeJS.ErrnoException).code === 'ENOENT') return { data: { path: target } };
    throw err;
  }
  if (st.isDirectory() && !recursive) {
    if ((await fs.readdir(target)).length > 0) {
      throw invalidArgument(`${target}: directory not empty (set recursive to remove it and its contents)`);
    }
    await fs.rmdir(target);
  } else {
    await fs.rm(target, { recursive, force });
  }
  return { data: { path: target } };
};

export const mkdir: Handler<'mkdir'> = async (args, ctx) => {
  const target = resolveIn(ctx.cwd, requireString(args, 'path'));
  const parents = optionalBoolean(args, 'parents');
  await fs.mkdir(target, { recursive: parents });
  if (parents) await requireDirectory(target); // recursive mkdir is silent when the path already exists
  return { data: { path: target } };
};

/** Builds a FileEntry from lstat output. */
export function toFileEntry(p: string, st: Stats): FileEntry {
  return {
    name: path.basename(p) || p,
    path: p,
    type: st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other',
    size: st.size,
    mode: formatMode(st),
    mtime: st.mtime.toISOString(),
    atime: st.atime.toISOString(),
    ctime: st.ctime.toISOString(),
    // Some file systems don't record creation time; Node reports the epoch then, which would mislead.
    birthtime: st.birthtimeMs > 0 ? st.birthtime.toISOString() : '',
  };
}

function formatMode(st: Stats): string {
  if (process.platform !== 'win32') return (st.mode & 0o7777).toString(8).padStart(4, '0');
  // Node exposes only the read-only bit on Windows; report it and the directory flag.
  return (st.isDirectory() ? 'D' : 'A') + ((st.mode & 0o200) === 0 ? 'R' : '');
}

async function requireDirectory(p: string): Promise<void> {
  if (!(await fs.stat(p)).isDirectory()) throw new CommandError('not_a_directory', `${p}: not a directory`);
}

/** cp/mv paths, with mv(1)/cp(1) semantics: an existing directory destination receives the source. */
async function sourceAndDestination(
  args: WireArgs<CommandArgs['cp' | 'mv']>,
  ctx: CommandContext,
): Promise<{ source: string; destination: string }> {
  const source = resolveIn(ctx.cwd, requireString(args, 'source'));
  let destination = resolveIn(ctx.cwd, requireString(args, 'destination'));
  await fs.lstat(source); // fail with the source's name if it is missing
  const destStat = await fs.stat(destination).catch(() => null);
  if (destStat?.isDirectory()) destination = path.join(destination, path.basename(source));
  if (source === destination) throw invalidArgument(`${source} and ${destination} are the same file`);
  return { source, destination };
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence (a cap can cut a character in half). */
function utf8Boundary(buf: Buffer): number {
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}
