/**
 * Structured agent results → the stdout/stderr text Falcon shows. Agents answer with data
 * (packages/agent/src/commands/*.ts document each shape); the dialect decides how it reads.
 * One renderer file per family; this file dispatches and says how unfinished or failed commands
 * read.
 */
import type { CommandRecord } from '@riposte/core';
import type { Platform } from '../catalog.ts';
import { lsNote, renderCat, renderCopyMove, renderEncrypt, renderFileHash, renderLs, renderZip } from './fs.ts';
import { renderIpconfig, renderNetstat } from './network.ts';
import { renderKill, renderMemdump, renderProcessOutcome, renderPs } from './process.ts';
import { renderEnv, renderEventlog, renderGetsid, renderMap, renderMount, renderPower, renderReg, renderUpdate } from './system.ts';
import { renderGet, renderPut } from './transfer.ts';
import { str, type Data } from './text.ts';

export interface RenderContext {
  platform: Platform;
  /** The Falcon options of the command line (`-ShowHex`), for renderers that honour them. */
  options: Record<string, string | true>;
  /** The internal arguments the command was sent with. */
  args: Record<string, unknown>;
}

export interface Rendered {
  stdout: string;
  stderr: string;
}

export interface RenderedStatus extends Rendered {
  complete: boolean;
}

/** A completed command's data as text. */
export function renderData(name: string, data: Data, ctx: RenderContext): Rendered {
  const out = (stdout: string): Rendered => ({ stdout, stderr: '' });
  const action = str(ctx.args.action);
  switch (name) {
    case 'ls': return { stdout: renderLs(data, ctx), stderr: lsNote(data) };
    case 'cd': return out(`${str(data.cwd)}\n`);
    case 'pwd': return out(`${str(data.cwd)}\n`);
    case 'cat': return out(renderCat(data, ctx));
    case 'cp': return out(renderCopyMove('Copied', data));
    case 'mv': return out(renderCopyMove('Moved', data));
    case 'rm': return out(`Removed ${str(data.path)}\n`);
    case 'mkdir': return out(`Created directory ${str(data.path)}\n`);
    case 'filehash': return out(renderFileHash(data));
    case 'zip': return out(renderZip(data));
    case 'encrypt': return out(renderEncrypt(data));
    case 'ps': return out(renderPs(data));
    case 'kill': return out(renderKill(data));
    case 'memdump': return out(renderMemdump(data));
    case 'run':
    case 'runscript': return renderProcessOutcome(data);
    case 'netstat': return out(renderNetstat(data));
    case 'ipconfig': return out(renderIpconfig(data));
    case 'env': return out(renderEnv(data));
    case 'getsid': return out(renderGetsid(data));
    case 'mount': return out(renderMount(data));
    case 'eventlog': return out(renderEventlog(data, action));
    case 'reg': return out(renderReg(data, action));
    case 'update': return out(renderUpdate(data, action));
    case 'map':
    case 'unmap': return out(renderMap(data, name));
    case 'restart':
    case 'shutdown': return out(renderPower(data));
    case 'get': return out(renderGet(data));
    case 'put': return out(renderPut(data));
    default: return out(`${JSON.stringify(data, null, 2)}\n`);
  }
}

/** Where a command stands, as Falcon's `complete` + stdout/stderr. Failures read as stderr. */
export function renderCommand(c: CommandRecord, ctx: Omit<RenderContext, 'args'>): RenderedStatus {
  const full = { ...ctx, args: c.args };
  switch (c.status) {
    case 'complete':
      return { complete: true, ...renderData(c.name, c.result ?? {}, full) };
    case 'error':
      return { complete: true, stdout: '', stderr: `${c.error?.message ?? 'the command failed'}\n` };
    case 'timed_out':
      return { complete: true, stdout: '', stderr: c.sent_at ? 'the host did not finish the command in time\n' : 'the host did not come online in time to run the command\n' };
    case 'cancelled':
      return { complete: true, stdout: '', stderr: 'the command was cancelled\n' };
    default:
      return { complete: false, stdout: '', stderr: '' };
  }
}

/**
 * Long output is served in sequence-numbered chunks (`sequence_id` 0, 1, …) of at most this many
 * UTF-8 bytes, never splitting a character. stdout and stderr are chunked side by side: sequence
 * n holds the n-th chunk of each (empty when one runs out first).
 */
export const OUTPUT_CHUNK_BYTES = 64 * 1024;

export function chunkText(text: string, size = OUTPUT_CHUNK_BYTES): string[] {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= size) return [text];
  const chunks: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + size, bytes.length);
    // Back off continuation bytes (10xxxxxx) so that no character is cut in two.
    if (end < bytes.length) while (end > start && (bytes[end] & 0xc0) === 0x80) end--;
    chunks.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  return chunks;
}

/** How many sequences the output has (at least one, even when empty). */
export function sequenceCount(out: Rendered, size = OUTPUT_CHUNK_BYTES): number {
  return Math.max(chunkText(out.stdout, size).length, chunkText(out.stderr, size).length);
}

/** The `sequence_id`-th chunk, or undefined when there is no such sequence. */
export function chunkAt(out: Rendered, sequence: number, size = OUTPUT_CHUNK_BYTES): Rendered | undefined {
  const so = chunkText(out.stdout, size);
  const se = chunkText(out.stderr, size);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence >= Math.max(so.length, se.length)) return undefined;
  return { stdout: so[sequence] ?? '', stderr: se[sequence] ?? '' };
}
