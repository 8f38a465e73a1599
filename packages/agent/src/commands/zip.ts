/**
 * zip: archives a file or a directory tree. Result `data` shape:
 *   { source, destination, size, files, skipped }
 *     size: bytes of the archive; files: regular files stored; skipped: entries left out (symlinks,
 *     sockets, devices, unreadable files or directories). Members are named relative to the
 *     source's parent (`zip /var/log/apt` stores `apt/`, `apt/history.log`, …).
 *   The destination must not exist yet; a failed run leaves no partial archive behind.
 */
import { createReadStream, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { requireString } from './args.ts';
import type { Handler } from './context.ts';
import { resolveIn } from './paths.ts';
import { fileSink, ZipWriter } from './zip-writer.ts';

export const zip: Handler<'zip'> = async (args, ctx) => {
  const source = resolveIn(ctx.cwd, requireString(args, 'source'));
  const destination = resolveIn(ctx.cwd, requireString(args, 'destination'));
  const rootStat = await fs.stat(source);
  const base = path.dirname(source);
  const out = await fs.open(destination, 'wx', 0o600);
  const writer = new ZipWriter(fileSink(out));
  let files = 0;
  let skipped = 0;

  const memberName = (p: string) => path.relative(base, p).split(path.sep).join('/');

  const visit = async (p: string, st: Stats): Promise<void> => {
    if (p === destination) return; // zipping a directory into itself
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = (await fs.readdir(p)).sort();
      } catch {
        skipped++;
        return;
      }
      if (p !== base) await writer.addDirectory(`${memberName(p)}/`, st.mtime, st.mode);
      for (const name of names) {
        ctx.signal.throwIfAborted();
        const child = path.join(p, name);
        const childStat = await fs.lstat(child).catch(() => null);
        if (childStat) await visit(child, childStat);
        else skipped++;
      }
    } else if (st.isFile()) {
      const content = createReadStream(p);
      // Open before writing the member's header, so an unreadable file is skipped, not half-written.
      const opened = await new Promise<boolean>((resolve) => content.once('open', () => resolve(true)).once('error', () => resolve(false)));
      if (!opened) {
        skipped++;
        return;
      }
      await writer.addFile(memberName(p), st.mtime, st.mode, content, ctx.signal);
      files++;
    } else {
      skipped++; // symlinks are not followed; sockets, FIFOs and devices have no content to store
    }
  };

  try {
    await visit(source, rootStat);
    await writer.finish();
    await out.close();
  } catch (err) {
    await out.close().catch(() => {});
    await fs.rm(destination, { force: true });
    throw err;
  }
  return { data: { source, destination, size: writer.bytesWritten, files, skipped } };
};
