import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { path7za } from '7zip-bin';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The password Falcon (and riposte) put on retrieved-file archives. */
export const ARCHIVE_PASSWORD = 'infected';

/** Unpack a retrieved-file archive into `dir`; answers the paths of the files it held. */
export async function unpack7z(archive: string, dir: string): Promise<string[]> {
  await fs.promises.mkdir(dir, { recursive: true });
  const { stdout } = await run(path7za, ['l', '-slt', `-p${ARCHIVE_PASSWORD}`, archive], { maxBuffer: 16 * 1024 * 1024 });
  const names = [...stdout.matchAll(/^Path = (.+)$/gm)].map((m) => m[1]).slice(1); // the first Path is the archive itself
  await run(path7za, ['x', `-p${ARCHIVE_PASSWORD}`, '-y', '-bd', `-o${dir}`, archive], { maxBuffer: 16 * 1024 * 1024 });
  return names.map((n) => `${dir}/${n}`);
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
