/**
 * File transfer between host and server, through ctx.transfers. Result `data` shapes:
 *   get  { path, name, size, sha256 }   size/sha256 as the server stored them
 *   put  { path, size, sha256 }         path is where the file landed
 * Failures of the transfer itself (network, server, hash mismatch) are `transfer_failed`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { optionalBoolean, optionalString, requireInteger, requireString } from './args.ts';
import type { Handler } from './context.ts';
import { CommandError, invalidArgument } from './errors.ts';
import { resolveIn } from './paths.ts';

export const get: Handler<'get'> = async (args, ctx) => {
  const target = resolveIn(ctx.cwd, requireString(args, 'path'));
  const st = await fs.stat(target);
  if (st.isDirectory()) throw new CommandError('is_a_directory', `${target}: is a directory`);
  if (!st.isFile()) throw invalidArgument(`${target}: not a regular file`);
  await fs.access(target, fs.constants.R_OK); // a clear permission error before any bytes move
  const stored = await transfer(() => ctx.transfers.upload(target, ctx.id));
  return { data: { path: target, name: path.basename(target), size: stored.size, sha256: stored.sha256 } };
};

export const put: Handler<'put'> = async (args, ctx) => {
  const sha256 = requireString(args, 'sha256').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalidArgument('sha256 must be 64 hex digits');
  const name = requireString(args, 'name');
  if (/[/\\]/.test(name) || name === '.' || name === '..') throw invalidArgument('name must be a plain file name');
  requireInteger(args, 'size', 0);
  const overwrite = optionalBoolean(args, 'overwrite');

  let dest = resolveIn(ctx.cwd, optionalString(args, 'destination') ?? name);
  let existing = await fs.stat(dest).catch(() => null);
  if (existing?.isDirectory()) {
    dest = path.join(dest, name);
    existing = await fs.stat(dest).catch(() => null);
  }
  if (existing?.isDirectory()) throw new CommandError('is_a_directory', `${dest}: is a directory`);
  if (existing && !overwrite) throw new CommandError('already_exists', `${dest}: already exists (set overwrite to replace it)`);
  await fs.stat(path.dirname(dest)); // missing parent: not_found naming the directory

  const { size } = await transfer(() => ctx.transfers.download(sha256, dest, ctx.id));
  return { data: { path: dest, size, sha256 } };
};

const LOCAL_FS_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'EEXIST']);

/** Local file-system errors keep their own codes; anything else the transport threw is transfer_failed. */
async function transfer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CommandError || LOCAL_FS_CODES.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    throw new CommandError('transfer_failed', `transfer failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
