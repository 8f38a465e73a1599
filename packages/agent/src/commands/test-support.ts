import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { OsExecutor, type OsExecutorOptions } from './os-executor.ts';
import type { CommandErrorCode, CommandName, CommandResult, CommandSuccess, FileTransfers } from './types.ts';

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

export interface Runner {
  executor: OsExecutor;
  run(name: CommandName | string, args?: unknown, opts?: { cwd?: string; timeoutMs?: number; signal?: AbortSignal }): Promise<CommandResult>;
  /** Runs and asserts success, returning the data. */
  ok(name: CommandName, args?: unknown, opts?: { cwd?: string; timeoutMs?: number }): Promise<CommandSuccess['data'] & Record<string, any>>;
  /** Runs and asserts failure with `code`, returning the message. */
  fails(name: CommandName | string, code: CommandErrorCode, args?: unknown, opts?: { cwd?: string }): Promise<string>;
}

let nextId = 0;

export function runner(cwd: string, options: Partial<OsExecutorOptions> = {}, transfers = refuseTransfers): Runner {
  const executor = new OsExecutor({ agentVersion: '0.0.0-test', stateDir: path.join(cwd, '.state'), ...options });
  const run: Runner['run'] = (name, args = {}, opts = {}) =>
    executor.execute(
      { id: `cmd-${++nextId}`, name: name as CommandName, args: args as never, cwd: opts.cwd ?? cwd, timeout_ms: opts.timeoutMs ?? 20_000 },
      { transfers, signal: opts.signal ?? new AbortController().signal },
    );
  return {
    executor,
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
