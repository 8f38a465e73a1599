/**
 * File-system results as text: `ls` as the Windows `dir` listing on Windows hosts and like
 * `ls -l` on Linux/Mac; `cat` as text, or a hex dump for binary content or `-ShowHex`.
 */
import { grouped, isCanonicalUtc, list, num, str, utc, type Data } from './text.ts';
import type { RenderContext } from './index.ts';

export function renderLs(data: Data, ctx: RenderContext): string {
  const dir = str(data.path);
  const entries = list(data.entries);
  return ctx.platform === 'windows' ? dirListing(dir, entries) : longListing(dir, entries);
}

/** A listing the host cut at its cap says so, in stderr (which the first sequence always carries). */
export function lsNote(data: Data): string {
  if (data.truncated !== true) return '';
  const shown = list(data.entries).length;
  const total = typeof data.total_entries === 'number' ? ` of ${grouped(data.total_entries)}` : '';
  return `listing truncated by the host's cap: ${grouped(shown)}${total} entries shown\n`;
}

function dirListing(dir: string, entries: Data[]): string {
  const lines = ['', ` Directory of ${dir}`, ''];
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  for (const e of entries) {
    const isDir = e.type === 'directory';
    const size = num(e.size);
    if (isDir) dirs++;
    else {
      files++;
      bytes += size;
    }
    const sizeCol = isDir ? '<DIR>         ' : grouped(size).padStart(14);
    lines.push(`${windowsTime(str(e.mtime))}    ${sizeCol} ${str(e.name)}`);
  }
  lines.push(`${String(files).padStart(16)} File(s) ${grouped(bytes).padStart(14)} bytes`);
  lines.push(`${String(dirs).padStart(16)} Dir(s)`);
  return lines.join('\n') + '\n';
}

/** `01/06/2021  10:24 AM` in UTC. */
function windowsTime(iso: string): string {
  // A listing holds thousands of these: canonical ISO times are cut apart, not parsed.
  if (isCanonicalUtc(iso)) return clock(iso.slice(5, 7), iso.slice(8, 10), iso.slice(0, 4), Number(iso.slice(11, 13)), iso.slice(14, 16));
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return ''.padEnd(20);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return clock(p2(d.getUTCMonth() + 1), p2(d.getUTCDate()), String(d.getUTCFullYear()), d.getUTCHours(), p2(d.getUTCMinutes()));
}

function clock(month: string, day: string, year: string, hour: number, minute: string): string {
  return `${month}/${day}/${year}  ${String(hour % 12 || 12).padStart(2, '0')}:${minute} ${hour < 12 ? 'AM' : 'PM'}`;
}

function longListing(dir: string, entries: Data[]): string {
  const sizeWidth = Math.max(1, ...entries.map((e) => String(num(e.size)).length));
  const lines = [`${dir}:`];
  for (const e of entries) {
    lines.push(`${permissions(str(e.type), str(e.mode))} ${String(num(e.size)).padStart(sizeWidth)} ${utc(e.mtime)} ${str(e.name)}`);
  }
  lines.push(`total ${entries.length}`);
  return lines.join('\n') + '\n';
}

/** `drwxr-xr-x` from the entry type and an octal mode string (`0755`, `4755`). */
export function permissions(type: string, mode: string): string {
  const key = `${type}:${mode}`;
  let text = PERMISSIONS.get(key);
  if (text === undefined) {
    text = permissionsOf(type, mode);
    if (PERMISSIONS.size < 4096) PERMISSIONS.set(key, text);
  }
  return text;
}

/** A listing repeats a handful of type/mode pairs thousands of times. */
const PERMISSIONS = new Map<string, string>();

function permissionsOf(type: string, mode: string): string {
  const kind = type === 'directory' ? 'd' : type === 'symlink' ? 'l' : type === 'file' ? '-' : '?';
  if (!/^[0-7]{1,4}$/.test(mode)) return `${kind}?????????`;
  const m = parseInt(mode, 8);
  const rwx = (bits: number, special: boolean, specialChar: string) =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? specialChar : specialChar.toUpperCase()) : bits & 1 ? 'x' : '-');
  return kind + rwx((m >> 6) & 7, !!(m & 0o4000), 's') + rwx((m >> 3) & 7, !!(m & 0o2000), 's') + rwx(m & 7, !!(m & 0o1000), 't');
}

export function renderCat(data: Data, ctx: RenderContext): string {
  const content = str(data.content);
  const bytes = data.encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
  const body = data.encoding === 'base64' || ctx.options.ShowHex === true ? hexDump(bytes) : content;
  const note = data.truncated === true ? `\n[showing the first ${bytes.length} of ${num(data.size)} bytes]\n` : '';
  return body + note;
}

/** `00000000  4d 5a 90 00 …  |MZ..|`, sixteen bytes a line. */
export function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

export function renderFileHash(data: Data): string {
  return `Path: ${str(data.path)}\nSize: ${num(data.size)}\nMD5: ${str(data.md5)}\nSHA256: ${str(data.sha256)}\n`;
}

export function renderCopyMove(verb: 'Copied' | 'Moved', data: Data): string {
  return `${verb} ${str(data.source)} to ${str(data.destination)}\n`;
}

export function renderZip(data: Data): string {
  const skipped = num(data.skipped);
  return `Compressed ${num(data.files)} file(s) from ${str(data.source)} into ${str(data.destination)} (${num(data.size)} bytes)${skipped ? `; ${skipped} entries skipped` : ''}\n`;
}

export function renderEncrypt(data: Data): string {
  return `Encrypted ${str(data.path)} to ${str(data.output_path)} (${str(data.algorithm)}, ${num(data.size)} bytes)\nKey: ${str(data.key)}\nIV: ${str(data.iv)}\n`;
}
