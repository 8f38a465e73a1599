import { api, operationUrl, RiposteApiError, saveAs } from '../api.ts';
import type { ConsoleRtrSession } from '../rtr.ts';

const POLL_MIN_MS = 40;
const POLL_MAX_MS = 500;
const GIVE_UP_MS = 5 * 60_000;

/**
 * After a `get`: waits for the host's upload to be stored, then lets the browser download it as
 * the server serves it, a 7z archive with the password `infected` (what the vendor's console
 * does: the file never lands unpacked on the responder's disk, where a scanner or a double click
 * could open it). Answers the archive's name.
 */
export async function offerRetrievedFile(session: ConsoleRtrSession, getStdout: string): Promise<string> {
  const sha256 = /SHA256 ([0-9a-f]{64})/.exec(getStdout)?.[1];
  if (!sha256) throw new Error(`get answered no file: ${getStdout.trim()}`);
  const started = Date.now();
  let wait = POLL_MIN_MS;
  for (;;) {
    const files = await api.rtrListFiles({ query: { session_id: session.id } });
    const file = files.resources.find((f) => f.sha256 === sha256);
    if (file) {
      const inner = file.name.split(/[\\/]/).pop() || sha256;
      saveAs(`${inner}.7z`, operationUrl('RTR_GetExtractedFileContents', { session_id: session.id, sha256, filename: inner }));
      return `${inner}.7z`;
    }
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`the host has not finished sending ${sha256} after ${GIVE_UP_MS / 60_000} minutes; it stays listed in the session's files`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(POLL_MAX_MS, wait * 1.5);
  }
}

async function sha256Hex(file: Blob): Promise<string | undefined> {
  // crypto.subtle exists only in a secure context (https, or this machine).
  if (!globalThis.crypto?.subtle) return undefined;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A file dropped on the terminal, as a put-file of the library under its own name: reused when a
 * put-file of that name holds the same bytes, uploaded (RTR_CreatePut_FilesV2) when there is none,
 * refused when one holds other bytes (a library entry is never replaced behind its owner's back).
 * An upload past the server's limit comes back as its 413 message.
 */
export async function ensurePutFile(file: File): Promise<{ name: string; uploaded: boolean }> {
  const name = file.name;
  const found = await api.rtrListPutFiles({ query: { filter: `name:'${name.replace(/'/g, "\\'")}'` } });
  if (found.resources.length) {
    const [existing] = (await api.rtrGetPutFilesV2({ query: { ids: found.resources as string[] } })).resources;
    const mine = await sha256Hex(file);
    if (existing && mine && existing.sha256 === mine) return { name, uploaded: false };
    throw new Error(`the put-files library already has a different "${name}"${mine ? '' : ' (or this page cannot tell: not a secure context)'}; remove it on the Libraries page or rename the file`);
  }
  try {
    await api.rtrCreatePutFilesV2({ form: { name, description: `dropped on a console terminal (${file.size} bytes)` }, files: { file } });
  } catch (err) {
    if (err instanceof RiposteApiError && err.status === 413) throw new Error(`${name} (${file.size} bytes) is larger than the server takes for a put-file: ${err.message}`);
    throw err;
  }
  return { name, uploaded: true };
}
