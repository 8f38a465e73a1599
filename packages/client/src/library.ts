import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from './archive.ts';
import type { RiposteClient } from './client.ts';

/**
 * A local file in the put-files library under `name` (its base name by default): reused when a
 * put-file of that name holds the same bytes, uploaded when there is none, refused when one holds
 * other bytes (a library entry is never replaced behind its owner's back).
 */
export async function ensurePutFile(client: RiposteClient, localFile: string, opts: { name?: string; description?: string } = {}): Promise<{ id: string; name: string; sha256: string; uploaded: boolean }> {
  const name = opts.name ?? path.basename(localFile);
  const sha256 = await sha256File(localFile);
  const found = await client.rtrListPutFiles({ query: { filter: `name:'${name.replace(/'/g, "\\'")}'` } });
  if (found.resources.length) {
    const [existing] = (await client.rtrGetPutFilesV2({ query: { ids: found.resources as string[] } })).resources;
    if (existing && existing.sha256 === sha256) return { id: existing.id, name, sha256, uploaded: false };
    throw new Error(`the put-files library already has a different "${name}" (sha256 ${existing?.sha256}); remove it with riposte put-files rm or choose another name`);
  }
  const bytes = await fs.promises.readFile(localFile);
  const created = await client.rtrCreatePutFilesV2({
    form: { name, description: opts.description ?? `uploaded by riposte from ${path.basename(localFile)}` },
    files: { file: new File([bytes], name) },
  });
  const r = created.resources[0];
  if (r.sha256 && r.sha256 !== sha256) throw new Error(`the server stored ${name} with sha256 ${r.sha256}, not ${sha256}`);
  return { id: r.id, name, sha256, uploaded: true };
}
