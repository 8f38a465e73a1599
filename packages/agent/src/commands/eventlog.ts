/**
 * eventlog: system logs. Result `data` shapes:
 *   list    { logs: [{ name, source: 'journald'|'file'|'windows', path: string|null, size: number|null }] }
 *           Linux/macOS: `journal` (when journalctl exists) plus the readable text logs under
 *           /var/log, named by their path relative to it (`syslog`, `apt/history.log`).
 *           Windows: the event log channels (wevtutil el).
 *   view    { name, lines: string[], truncated }   the last `count` lines (default 100, max 10000),
 *           oldest first (Windows: newest event first). truncated: fewer lines than asked for
 *           because the output cap was reached.
 *   export  { name, path, size }   a copy written to the agent's output directory
 * A name that is not one of the listed logs is `not_found`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { optionalInteger, requireOneOf, requireString } from './args.ts';
import type { CommandContext, Handler } from './context.ts';
import { CommandError } from './errors.ts';
import { runTool } from './exec.ts';
import { findOnPath, outputFile } from './paths.ts';

const LOG_DIR = '/var/log';
const JOURNAL = 'journal';
const MAX_DEPTH = 3;
/** Compressed rotations and binary login records are not readable as text lines. */
const NOT_TEXT = /\.(gz|xz|bz2|zst|lz4|Z)$|^(wtmp|btmp|lastlog|faillog)$|\.journal~?$/;

interface LogInfo {
  name: string;
  source: 'journald' | 'file' | 'windows';
  path: string | null;
  size: number | null;
}

export const eventlog: Handler<'eventlog'> = async (args, ctx) => {
  const action = requireOneOf(args, 'action', ['list', 'view', 'export'] as const);
  if (action === 'list') return { data: { logs: await listLogs(ctx) } };
  const name = requireString(args, 'name');
  if (action === 'view') {
    const count = optionalInteger(args, 'count', 1, 10_000) ?? 100;
    return { data: { name, ...(await viewLog(name, count, ctx)) } };
  }
  return { data: { name, ...(await exportLog(name, ctx)) } };
};

async function listLogs(ctx: CommandContext): Promise<LogInfo[]> {
  if (ctx.platform === 'windows') {
    const out = await runTool('wevtutil', ['el'], ctx);
    return out.split(/\r?\n/).filter(Boolean).map((name) => ({ name, source: 'windows', path: null, size: null }));
  }
  const logs: LogInfo[] = [];
  if (await findOnPath('journalctl')) logs.push({ name: JOURNAL, source: 'journald', path: null, size: null });
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(p, depth + 1);
      else if (e.isFile() && !NOT_TEXT.test(e.name) && (await readable(p))) {
        logs.push({ name: path.relative(LOG_DIR, p), source: 'file', path: p, size: (await fs.stat(p)).size });
      }
    }
  };
  await walk(LOG_DIR, 1);
  return logs;
}

async function viewLog(name: string, count: number, ctx: CommandContext): Promise<{ lines: string[]; truncated: boolean }> {
  if (ctx.platform === 'windows') {
    const out = await runTool('wevtutil', ['qe', name, `/c:${count}`, '/rd:true', '/f:text'], ctx);
    return { lines: out.split(/\r?\n/), truncated: false };
  }
  if (name === JOURNAL && (await findOnPath('journalctl'))) {
    const out = await runTool('journalctl', ['-n', String(count), '--no-pager', '-o', 'short-iso'], ctx);
    const lines = out.split('\n').filter((l) => l !== '' && l !== '-- No entries --');
    return { lines, truncated: false };
  }
  return tailLines(await logFile(name), count, ctx.settings.maxOutputBytes);
}

async function exportLog(name: string, ctx: CommandContext): Promise<{ path: string; size: number }> {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (ctx.platform === 'windows') {
    const dest = await outputFile(ctx.settings, `eventlog-${safe}`, '.evtx');
    await runTool('wevtutil', ['epl', name, dest], ctx);
    return { path: dest, size: (await fs.stat(dest)).size };
  }
  const dest = await outputFile(ctx.settings, `eventlog-${safe}`, '.log');
  if (name === JOURNAL && (await findOnPath('journalctl'))) {
    const out = await fs.open(dest, 'wx', 0o600);
    try {
      await runTool('journalctl', ['--no-pager', '-o', 'short-iso'], ctx, out.fd); // straight to the file, no cap
    } catch (err) {
      await fs.rm(dest, { force: true });
      throw err;
    } finally {
      await out.close();
    }
  } else {
    await fs.copyFile(await logFile(name), dest, fs.constants.COPYFILE_EXCL);
  }
  return { path: dest, size: (await fs.stat(dest)).size };
}

/** A log name → its file, only for regular files inside /var/log. */
async function logFile(name: string): Promise<string> {
  const p = path.resolve(LOG_DIR, name);
  const rel = path.relative(LOG_DIR, p);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  if (!inside || !(await fs.stat(p).then((s) => s.isFile(), () => false))) {
    throw new CommandError('not_found', `unknown log: ${name}`);
  }
  return p;
}

/** The last `count` lines, read backwards from the end in chunks so huge logs are never loaded whole. */
async function tailLines(file: string, count: number, maxBytes: number): Promise<{ lines: string[]; truncated: boolean }> {
  const CHUNK = 64 * 1024;
  const fh = await fs.open(file, 'r');
  try {
    let pos = (await fh.stat()).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    let bytes = 0;
    // count+1 newlines: the file's final newline ends the last line rather than starting one.
    while (pos > 0 && newlines <= count && bytes < maxBytes) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, pos);
      chunks.unshift(buf);
      bytes += len;
      for (const b of buf) if (b === 0x0a) newlines++;
    }
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (pos > 0) lines.shift(); // began mid-line
    const truncated = pos > 0 && lines.length < count;
    return { lines: lines.slice(-count), truncated };
  } finally {
    await fh.close();
  }
}

async function readable(p: string): Promise<boolean> {
  return fs.access(p, fs.constants.R_OK).then(() => true, () => false);
}
