/** File-transfer results as text: `get` names what was retrieved, `put` where it landed. */
import { num, str, type Data } from './text.ts';

export function renderGet(data: Data): string {
  return `${str(data.path)}\nRetrieved ${num(data.size)} bytes (SHA256 ${str(data.sha256)}); download it with RTR_GetExtractedFileContents\n`;
}

export function renderPut(data: Data): string {
  return `Put ${str(data.path)} (${num(data.size)} bytes)\n`;
}
