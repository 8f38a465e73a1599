// The commands that open the database directly (api-clients, api-keys, enroll-tokens, agents, users):
// the options that say which database, opening core for one action, and printing its outcome.
// Core (seconds of start-up) is imported when an action opens the database, not when the commands
// are declared, so `--help` and the other commands do not pay for it.

import type { Command } from 'commander';
import type { openCore } from '@riposte/core';
import { databaseUrl, DEFAULT_DATA, type DataOptions } from './options.ts';

export type Core = Awaited<ReturnType<typeof openCore>>;

/** A subcommand of `parent` that takes --data and --database. */
export function databaseCommand(parent: Command, name: string): Command {
  return parent.command(name).option('--data <dir>', 'data directory', DEFAULT_DATA).option('--database <url>', 'postgres://… (or RIPOSTE_DATABASE_URL)');
}

/** Opens core on the database the options name, runs `fn`, and closes it whatever happens. */
export async function withCore<T>(opts: DataOptions, fn: (core: Core) => Promise<T>): Promise<T> {
  const { openCore } = await import('@riposte/core');
  const core = await openCore(databaseUrl(opts));
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

/** `--json`: the value on one line; otherwise the text, for a person. */
export function print(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? JSON.stringify(value) + '\n' : text());
}

/** One line a row. */
export const lines = <T>(rows: readonly T[], line: (row: T) => string) => rows.map((r) => line(r) + '\n').join('');
