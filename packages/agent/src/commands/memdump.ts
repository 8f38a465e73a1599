/**
 * Process memory dumps (Linux only). Result `data` shape:
 *   memdump  { pid, path, size, regions, sha256 }   regions = number of regions in the dump
 *   xmemdump (full/kernel memory) is not supported on any platform yet.
 *
 * Dump file format ("riposte-memdump/1"): one line of JSON, padded with spaces, then the raw
 * bytes of each region back to back:
 *   {"format":"riposte-memdump/1","pid":123,"created":"<ISO>","regions":[
 *     {"start":"0x55d0c0000000","end":"0x55d0c0021000","perms":"r--p","mapping":"/usr/bin/sleep",
 *      "file_offset":4096,"size":135168}, …]}\n<bytes>
 * file_offset is the absolute offset of the region's first byte in the dump file. size may be less
 * than end-start when the kernel refused the rest of a region; regions it refused entirely are
 * left out.
 */
import fs, { type FileHandle } from 'node:fs/promises';
import { optionalString, requirePid } from './args.ts';
import type { Handler } from './context.ts';
import { hashFile } from './crypto-commands.ts';
import { CommandError, notSupported } from './errors.ts';
import { memdumpHeader, type MemdumpRegion } from './memdump-format.ts';
import { outputFile, resolveIn } from './paths.ts';

const CHUNK = 1 << 20;

interface Region {
  start: number;
  end: number;
  perms: string;
  mapping: string;
}

export const memdump: Handler<'memdump'> = async (args, ctx) => {
  const pid = requirePid(args, 'pid');
  if (ctx.platform !== 'linux') throw notSupported('memdump', ctx.platform);
  const requested = optionalString(args, 'destination');
  const destination = requested
    ? resolveIn(ctx.cwd, requested)
    : await outputFile(ctx.settings, `memdump-${pid}`, '.dmp');

  const regions = parseMaps(await procOpen(pid, () => fs.readFile(`/proc/${pid}/maps`, 'utf8'))).filter(worthDumping);
  const mem = await procOpen(pid, () => fs.open(`/proc/${pid}/mem`, 'r'));
  const created = new Date().toISOString();
  let size: number;
  const dumped: MemdumpRegion[] = [];
  try {
    const out = await fs.open(destination, 'wx', 0o600);
    try {
      // The header comes first but its content is known only at the end: reserve room for the
      // worst case (every region complete, offsets at their widest) and pad the real one to it.
      const worst = regions.map((r) => describe(r, Number.MAX_SAFE_INTEGER, r.end - r.start));
      const reserved = memdumpHeader(pid, created, worst).length;
      let pos = reserved;
      for (const r of regions) {
        ctx.signal.throwIfAborted();
        const copied = await copyRegion(mem, out, r, pos);
        if (copied > 0) dumped.push(describe(r, pos, copied));
        pos += copied;
      }
      const header = memdumpHeader(pid, created, dumped, reserved);
      await out.write(header, 0, header.length, 0);
      size = pos;
    } finally {
      await out.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await fs.rm(destination, { force: true });
    throw err;
  } finally {
    await mem.close();
  }
  const { sha256 } = await hashFile(destination, ctx.signal);
  return { data: { pid, path: destination, size, regions: dumped.length, sha256 } };
};

export const xmemdump: Handler<'xmemdump'> = async (_args, ctx) => {
  throw new CommandError('not_supported', `xmemdump (full system memory dump) is not supported on ${ctx.platform}`);
};

/** Runs a /proc access, naming the process in not-found and ptrace-denied errors. */
async function procOpen<T>(pid: number, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') throw new CommandError('not_found', `process ${pid} not found`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new CommandError(
        'permission_denied',
        `reading the memory of process ${pid} is not permitted: ptrace access was denied ` +
          '(the agent needs root or CAP_SYS_PTRACE, and kernel.yama.ptrace_scope may forbid it)',
      );
    }
    throw err;
  }
}

/** /proc/PID/maps: `start-end perms offset dev inode [mapping]`. */
function parseMaps(text: string): Region[] {
  const regions: Region[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line);
    if (!m) continue;
    const start = parseInt(m[1], 16);
    const end = parseInt(m[2], 16);
    // Read positions are Numbers, so regions above 2^53 (only [vsyscall] on x86-64) are left out.
    if (Number.isSafeInteger(end)) regions.push({ start, end, perms: m[3], mapping: m[4] });
  }
  return regions;
}

/**
 * Readable regions only; the vDSO data pages ([vvar…]) and [vsyscall] always fail, and reading
 * device mappings can have side effects on the hardware behind them.
 */
function worthDumping(r: Region): boolean {
  if (!r.perms.startsWith('r')) return false;
  if (r.mapping.startsWith('[vvar') || r.mapping === '[vsyscall]') return false;
  return !(r.mapping.startsWith('/dev/') && !r.mapping.startsWith('/dev/shm/') && !r.mapping.startsWith('/dev/zero'));
}

/** Copies a region in chunks; stops at the first chunk the kernel refuses (EIO/EFAULT) and returns the bytes copied. */
async function copyRegion(mem: FileHandle, out: FileHandle, r: Region, outPos: number): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK);
  const length = r.end - r.start;
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await mem.read(buf, 0, Math.min(CHUNK, length - done), r.start + done));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EIO' || code === 'EFAULT') break;
      throw err;
    }
    if (bytesRead === 0) break;
    await out.write(buf, 0, bytesRead, outPos + done);
    done += bytesRead;
  }
  return done;
}

function describe(r: Region, fileOffset: number, size: number): MemdumpRegion {
  return { start: `0x${r.start.toString(16)}`, end: `0x${r.end.toString(16)}`, perms: r.perms, mapping: r.mapping, file_offset: fileOffset, size };
}
