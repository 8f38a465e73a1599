import crypto from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createCore, type Core } from '../index.ts';
import { openTestStore } from './db.ts';

export const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

/** A real core (database of the run's dialect, blobs in a temporary directory) for upload tests. */
export async function openUploadCore(): Promise<{
  core: Core;
  /** Mint an upload token, as the gateway does for a `get`. */
  mint(opts?: { max_size?: number; sha256?: string; size?: number }): Promise<{ id: string; token: string }>;
  /** Where the receiver keeps an upload's part file. */
  partPath(id: string): string;
  /** Append `bytes` to upload `id` at `offset`, as one request. */
  send(id: string, offset: number, bytes: Buffer, announced?: number): ReturnType<Core['uploads']['append']>;
}> {
  const core = await createCore(await openTestStore());
  let n = 0;
  return {
    core,
    mint: (opts = {}) => core.transfers.mint({ command_id: `cmd-${++n}`, device_id: 'c'.repeat(32), direction: 'upload', ...opts }),
    partPath: (id) => path.join(core.blobs.tempDir, `${id}.part`),
    send: (id, offset, bytes, announced) => core.uploads.append(id, { offset, announced, body: Readable.from([bytes]) }),
  };
}
