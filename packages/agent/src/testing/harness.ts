// Test helper (not a test file): drive any Executor with assertions on success or failure codes.
import { expect } from 'vitest';
import type { CommandErrorCode, CommandName, CommandResult, Executor, FileTransfers } from '../commands/index.ts';

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Harness {
  run(name: CommandName | string, args?: unknown, opts?: RunOptions): Promise<CommandResult>;
  /** Runs and asserts success, returning the data. */
  ok(name: CommandName, args?: unknown, opts?: RunOptions): Promise<Record<string, any>>;
  /** Runs and asserts failure with `code`, returning the message. */
  fails(name: CommandName | string, code: CommandErrorCode, args?: unknown, opts?: RunOptions): Promise<string>;
}

let nextId = 0;

export function harness(executor: Executor, defaults: { cwd: string; timeoutMs: number; transfers: FileTransfers }): Harness {
  const run: Harness['run'] = (name, args = {}, opts = {}) =>
    executor.execute(
      { id: `test-${++nextId}`, name: name as CommandName, args: args as never, cwd: opts.cwd ?? defaults.cwd, timeout_ms: opts.timeoutMs ?? defaults.timeoutMs },
      { transfers: defaults.transfers, signal: opts.signal ?? new AbortController().signal },
    );
  return {
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
