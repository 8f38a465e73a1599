import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { OsExecutor, type OsExecutorOptions } from './os-executor.ts';
import type { FileTransfers } from './types.ts';
import { harness, type Harness } from '../testing/index.ts';

/** Shared helpers for the OsExecutor tests (not a test file itself). */

/** A fresh directory removed after the file's tests. */
export function tempDir(prefix = 'riposte-cmd-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const refuseTransfers: FileTransfers = {
  upload: () => Promise.reject(new Error('no transfers in this test')),
  download: () => Promise.reject(new Error('no transfers in this test')),
};

export interface Runner extends Harness {
  executor: OsExecutor;
}

export function runner(cwd: string, options: Partial<OsExecutorOptions> = {}, transfers = refuseTransfers): Runner {
  const executor = new OsExecutor({ agentVersion: '0.0.0-test', stateDir: path.join(cwd, '.state'), ...options });
  return { executor, ...harness(executor, { cwd, timeoutMs: 20_000, transfers }) };
}
