import fs from 'node:fs';
import path from 'node:path';
import { ensurePutFile, sha256File, type RiposteClient, type RtrSession } from '@riposte/client';
import { byteBar, size } from './progress.ts';

/** `get`: download a host's file and unpack it into `outDir`, with a progress bar; sha256 checked. */
export async function getFile(session: RtrSession, remote: string, outDir: string, signal?: AbortSignal): Promise<string> {
  const bar = byteBar('download');
  try {
    const got = await session.get(remote, { outDir: path.resolve(outDir), signal, onProgress: (d, t) => bar.update(d, t) });
    bar.stop();
    return `saved ${got.file} (${size(got.size)}, sha256 ${got.sha256}, checked)`;
  } finally {
    bar.stop();
  }
}

/**
 * `put`: a local file goes to the put-files library first (reused when the same bytes are there
 * under that name), then onto the host; the host's sha256 of what landed is checked against it.
 */
export async function putFile(client: RiposteClient, session: RtrSession, source: string, opts: { remoteDir?: string; name?: string; signal?: AbortSignal } = {}): Promise<string> {
  let name = source;
  let expected: string | undefined;
  const lines: string[] = [];
  if (fs.existsSync(source) && fs.statSync(source).isFile()) {
    const bytes = fs.statSync(source).size;
    process.stderr.write(`uploading ${source} (${size(bytes)}) to the put-files library…\n`);
    const lib = await ensurePutFile(client, source, { name: opts.name });
    name = lib.name;
    expected = lib.sha256;
    lines.push(`${lib.uploaded ? 'uploaded' : 'already in the library:'} put-file "${lib.name}" (sha256 ${lib.sha256})`);
  } else {
    const found = await client.rtrListPutFiles({ query: { filter: `name:'${source.replace(/'/g, "\\'")}'` } });
    if (!found.resources.length) throw new Error(`"${source}" is neither a local file nor a put-file in the library (riposte put-files ls lists them)`);
    expected = (await client.rtrGetPutFilesV2({ query: { ids: found.resources as string[] } })).resources[0]?.sha256;
  }
  const put = await session.put(name, { remoteDir: opts.remoteDir, signal: opts.signal });
  if (expected && put.sha256 !== expected) throw new Error(`sha256 mismatch on the host for ${put.path}: expected ${expected}, the host has ${put.sha256 || 'nothing'}`);
  lines.push(`put ${put.path} on the host (sha256 ${put.sha256}, checked)`);
  return lines.join('\n');
}

export { sha256File };
