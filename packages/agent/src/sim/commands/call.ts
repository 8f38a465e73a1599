// What a simulated command handler gets, and the helpers several command families share.

import { type CommandRequest, type ExecutionContext, type Platform, CommandError, notSupported, optionalInteger, type WireArgs } from '../../commands/index.ts';
import type { VirtualHost } from '../virtual-host.ts';

/** Largest file a simulated host keeps in memory (put, zip and encrypt outputs). */
export const MAX_VIRTUAL_FILE_BYTES = 16 * 1024 * 1024;

export interface Call {
  host: VirtualHost;
  platform: Platform;
  args: WireArgs<Record<string, unknown>>;
  /** The session directory; `cd` changes it. */
  cwd: string;
  req: CommandRequest;
  ctx: ExecutionContext;
}

export type Data = Record<string, unknown>;
export type Handler = (c: Call) => Data | Promise<Data>;

/** A per-command timeout never outlives the request's hard limit. */
export function effectiveTimeout(c: Call): number {
  const limit = typeof c.req.timeout_ms === 'number' && c.req.timeout_ms > 0 ? c.req.timeout_ms : Infinity;
  return Math.min(optionalInteger(c.args, 'timeout_ms', 1) ?? Infinity, limit);
}

/** A file in the agent's output directory (os.tmpdir()/riposte-agent, as the real agent), created on demand. */
export function outputPath(c: Call, name: string): string {
  const { fs } = c.host;
  const dir = fs.mkdir(c.platform === 'windows' ? 'C:\\Windows\\Temp\\riposte-agent' : '/tmp/riposte-agent', true);
  return fs.style.join(dir.path, name);
}

export function requireWindows(c: Call, what: string): void {
  if (c.platform !== 'windows') throw notSupported(what, c.platform);
}

/** A timestamp safe in file names: 20240131T120000Z. */
export function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export const tooLarge = (path: string) => new CommandError('too_large', `${path}: over the simulated host's ${MAX_VIRTUAL_FILE_BYTES / 1024 / 1024} MiB file limit`);

/** Transport failures are transfer_failed; our own errors keep their codes. */
export async function transferred<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw new CommandError('transfer_failed', `transfer failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
