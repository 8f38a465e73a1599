// get and put: virtual bytes cross the real transfer path (the real agent's commands/transfer-commands.ts).

import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import { optionalBoolean, optionalString, requireInteger, requireString, CommandError, invalidArgument } from '../../commands/index.ts';
import { contentBytes } from '../content.ts';
import { MAX_VIRTUAL_FILE_BYTES, tooLarge, transferred, type Handler } from './call.ts';

export const get: Handler = async (c) => {
  const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, requireString(c.args, 'path')));
  // FileTransfers uploads local files, so the virtual bytes pass through a private temp file.
  const tmp = nodePath.join(os.tmpdir(), `riposte-sim-${crypto.randomUUID()}`);
  await fsp.writeFile(tmp, contentBytes(file.value.content), { mode: 0o600 });
  try {
    const stored = await transferred(() => c.ctx.transfers.upload(tmp, c.req.id));
    return { path: file.path, name: c.host.fs.style.basename(file.path), size: stored.size, sha256: stored.sha256 };
  } finally {
    await fsp.rm(tmp, { force: true });
  }
};

export const put: Handler = async (c) => {
  const { fs } = c.host;
  const sha256 = requireString(c.args, 'sha256').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalidArgument('sha256 must be 64 hex digits');
  const name = requireString(c.args, 'name');
  if (/[/\\]/.test(name) || name === '.' || name === '..') throw invalidArgument('name must be a plain file name');
  const declared = requireInteger(c.args, 'size', 0);
  const overwrite = optionalBoolean(c.args, 'overwrite');

  let dest = fs.resolve(c.cwd, optionalString(c.args, 'destination') ?? name, 'destination');
  let existing = fs.stat(dest);
  if (existing?.value.kind === 'directory') {
    dest = fs.style.join(existing.path, name);
    existing = fs.stat(dest);
  }
  if (existing?.value.kind === 'directory') throw new CommandError('is_a_directory', `${existing.path}: is a directory`);
  if (existing && !overwrite) throw new CommandError('already_exists', `${existing.path}: already exists (set overwrite to replace it)`);
  fs.requireDir(fs.style.parent(dest) ?? dest); // missing parent: not_found naming the directory
  if (declared >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(dest);

  const tmp = nodePath.join(os.tmpdir(), `riposte-sim-${crypto.randomUUID()}`);
  try {
    await transferred(() => c.ctx.transfers.download(sha256, tmp, c.req.id));
    if ((await fsp.stat(tmp)).size >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(dest); // before reading it in
    const bytes = await fsp.readFile(tmp);
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== sha256) throw new CommandError('transfer_failed', 'transfer failed: downloaded bytes do not match sha256');
    const written = fs.writeFile(dest, bytes, overwrite);
    return { path: written.path, size: bytes.length, sha256 };
  } finally {
    await fsp.rm(tmp, { force: true });
  }
};
