// Helpers for the simulated-host tests (not a test file itself).

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { expect } from 'vitest';
import type { CommandErrorCode, CommandName, CommandResult, FileTransfers, Platform } from '../commands/types.ts';
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

export interface SimHost {
  executor: SimulatedExecutor;
  transfers: MemoryTransfers;
  root: string;
  run(name: CommandName | string, args?: unknown, opts?: { cwd?: string; timeoutMs?: number; signal?: AbortSignal }): Promise<CommandResult>;
  /** Runs and asserts success, returning the data. */
  ok(name: CommandName, args?: unknown, opts?: { cwd?: string }): Promise<Record<string, any>>;
  /** Runs and asserts failure with `code`, returning the message. */
  fails(name: CommandName | string, code: CommandErrorCode, args?: unknown, opts?: { cwd?: string }): Promise<string>;
}

let nextId = 0;

export function simHost(platform: Platform, seed: number | string = 'test-seed', index?: number): SimHost {
  const executor = new SimulatedExecutor({ seed, platform, index });
  const transfers = new MemoryTransfers();
  const root = platform === 'windows' ? 'C:\\' : '/';
  const run: SimHost['run'] = (name, args = {}, opts = {}) =>
    executor.execute(
      { id: `sim-${++nextId}`, name: name as CommandName, args: args as never, cwd: opts.cwd ?? root, timeout_ms: opts.timeoutMs ?? 10_000 },
      { transfers, signal: opts.signal ?? new AbortController().signal },
    );
  return {
    executor,
    transfers,
    root,
    run,
    async ok(name, args, opts) {
      const r = await run(name, args, opts);
      if (!r.ok) expect.fail(`${name} failed: ${r.error.code}: ${r.error.message}`);
      return r.data;
    },
    async fails(name, code, args, opts) {
      const r = await run(name, args, opts);
      if (r.ok) expect.fail(`${name} unexpectedly succeeded: ${JSON.stringify(r.data).slice(0, 300)}`);
      expect(r.error.code, r.error.message).toBe(code);
      return r.error.message;
    },
  };
}

/** Names in a directory listing. */
export const names = (data: Record<string, any>): string[] => data.entries.map((e: { name: string }) => e.name);
