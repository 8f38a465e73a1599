import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { ServiceError, type Core } from '@riposte/core';
import type { CallOf, SomeFalconHandlers } from '../call.ts';
import { callerOf } from './caller.ts';
import { fileV1, fileV2 } from './models.ts';

/** The password Falcon protects retrieved files with, so that no scanner or mail filter opens them. */
export const ARCHIVE_PASSWORD = 'infected';

/** The 7-Zip binary shipped by the 7zip-bin package (resolved lazily: only downloads need it). */
function sevenZip(): string {
  const p = (createRequire(import.meta.url)('7zip-bin') as { path7za: string }).path7za;
  if (!fs.existsSync(p)) throw new Error(`7-Zip binary not found at ${p}`);
  return p;
}

/** The name a retrieved file gets inside its archive: a plain file name, nothing that climbs. */
export function checkArchiveName(name: string): string {
  if (/[/\\]/.test(name)) throw new ServiceError('bad_input', `filename must be a plain file name without path separators: "${name.slice(0, 100)}"`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f:*?"<>|]/.test(name) || name.trim() === '' || name === '.' || name === '..') {
    throw new ServiceError('bad_input', `filename "${name.slice(0, 100)}" is not a usable file name`);
  }
  return name;
}

/**
 * Build `<tmp>/<name>.7z` holding the blob as `name`, encrypted with the password: 7-Zip reads the
 * bytes from stdin (`-si<name>`), so the blob is streamed and never copied or renamed on disk.
 */
async function buildArchive(core: Core, sha256: string, name: string): Promise<{ file: string; dir: string }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'riposte-7z-'));
  const file = path.join(dir, 'archive.7z');
  try {
    const source = await core.blobs.open(sha256);
    const child = spawn(sevenZip(), ['a', '-t7z', `-p${ARCHIVE_PASSWORD}`, '-bd', '-y', `-si${name}`, file], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
    await pipeline(source, child.stdin).catch(() => {}); // a failed write shows in the exit code
    const code = await exited;
    if (code !== 0) throw new Error(`7-Zip failed (${code}): ${stderr.trim()}`);
    return { file, dir };
  } catch (err) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export function fileHandlers(core: Core) {
  const list = (version: 1 | 2) => async (call: CallOf<'RTR_ListFiles' | 'RTR_ListFilesV2'>) => {
    const files = await core.rtr.files.list(call.query.session_id, callerOf(call), { includePending: version === 2 });
    return { resources: files.map(version === 1 ? fileV1 : fileV2) };
  };

  const remove = async (call: CallOf<'RTR_DeleteFile' | 'RTR_DeleteFileV2'>) => {
    const raw = String(call.query.ids);
    if (!/^\d{1,15}$/.test(raw)) throw new ServiceError('not_found', `file ${raw.slice(0, 64)} not found in session ${String(call.query.session_id).slice(0, 64)}`);
    await core.rtr.files.delete([Number(raw)], call.query.session_id, callerOf(call));
    return {};
  };

  return {
    RTR_ListFiles: list(1),
    RTR_ListFilesV2: list(2),
    RTR_DeleteFile: remove,
    RTR_DeleteFileV2: remove,

    async RTR_GetExtractedFileContents(call) {
      const { session_id, sha256, filename } = call.query;
      const name = filename !== undefined ? checkArchiveName(filename) : undefined;
      const file = await core.rtr.files.find(session_id, sha256, callerOf(call));
      if (!(await core.blobs.stat(file.sha256))) throw new ServiceError('not_found', `the content of ${file.name} is no longer stored`);
      // A host's own file name may hold characters other systems refuse: those become '_'.
      // eslint-disable-next-line no-control-regex
      const inner = name ?? (file.name.replace(/[\u0000-\u001f\u007f:*?"<>|\\/]/g, '_').replace(/^\.{1,2}$/, '_') || file.sha256);
      const archive = await buildArchive(core, file.sha256, inner);
      const size = (await fs.promises.stat(archive.file)).size;
      const stream = fs.createReadStream(archive.file);
      // The temporary archive goes as soon as the download ends, however it ends.
      const cleanup = () => void fs.promises.rm(archive.dir, { recursive: true, force: true });
      stream.on('close', cleanup);
      call.reply
        .code(200)
        .type('application/x-7z-compressed')
        .header('content-length', String(size))
        .header('content-disposition', `attachment; filename="${encodeURIComponent(inner)}.7z"`);
      call.reply.send(stream);
      return undefined;
    },
  } satisfies SomeFalconHandlers;
}
