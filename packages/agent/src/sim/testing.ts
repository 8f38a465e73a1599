// Helpers for the simulated-host tests (not a test file itself).

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { FileTransfers, Platform } from '../commands/index.ts';
import { harness, type Harness } from '../testing/index.ts';
import { SimulatedExecutor } from './simulated-executor.ts';

/** A blob store in memory: upload reads the local file the executor hands over, download writes one. */
export class MemoryTransfers implements FileTransfers {
  readonly blobs = new Map<string, Buffer>();
  readonly uploads: { localPath: string; commandId: string; bytes: Buffer }[] = [];

  async upload(localPath: string, commandId: string): Promise<{ sha256: string; size: number }> {
    const bytes = await fs.readFile(localPath);
    this.uploads.push({ localPath, commandId, bytes });
    return { sha256: this.add(bytes), size: bytes.length };
  }

  async download(sha256: string, destPath: string): Promise<{ size: number }> {
    const bytes = this.blobs.get(sha256);
    if (!bytes) throw new Error(`no blob ${sha256}`);
    await fs.writeFile(destPath, bytes);
    return { size: bytes.length };
  }

  add(bytes: Buffer): string {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(sha256, bytes);
    return sha256;
  }
}

export interface SimHost extends Harness {
  executor: SimulatedExecutor;
  transfers: MemoryTransfers;
  root: string;
}

export function simHost(platform: Platform, seed: number | string = 'test-seed', index?: number): SimHost {
  const executor = new SimulatedExecutor({ seed, platform, index });
  const transfers = new MemoryTransfers();
  const root = platform === 'windows' ? 'C:\\' : '/';
  return { executor, transfers, root, ...harness(executor, { cwd: root, timeoutMs: 10_000, transfers }) };
}

/** Names in a directory listing. */
export const names = (data: Record<string, any>): string[] => data.entries.map((e: { name: string }) => e.name);
