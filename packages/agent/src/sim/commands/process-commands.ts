// ps and kill on the virtual process table (the real agent's commands/process-commands.ts).

import os from 'node:os';
import { optionalString, requirePid, CommandError, invalidArgument } from '../../commands/index.ts';
import type { Handler } from './call.ts';

// Cached rows are copied out: a caller mutating a result must not change the host.
export const ps: Handler = (c) => ({ processes: c.host.processes.list().map((p) => ({ ...p })) });

export const kill: Handler = (c) => {
  const pid = requirePid(c.args, 'pid');
  const signal = parseSignal(optionalString(c.args, 'signal') ?? 'SIGKILL');
  const { processes } = c.host;
  if (pid === processes.agent().pid) throw invalidArgument('refusing to signal the agent itself');
  // Stopping or continuing leaves the process in the table; every other signal ends it.
  if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
    if (!processes.get(pid)) throw new CommandError('not_found', `process ${pid} not found`);
  } else {
    processes.kill(pid);
  }
  return { pid, signal };
};

/** Accepts `SIGTERM`, `term`, `TERM` or a number such as `9`; returns the canonical name. */
function parseSignal(raw: string): string {
  const signals = os.constants.signals as Record<string, number>;
  if (/^\d+$/.test(raw)) {
    const name = Object.keys(signals).find((k) => signals[k] === Number(raw));
    if (name) return name;
  }
  const name = raw.toUpperCase().startsWith('SIG') ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`;
  if (!(name in signals)) throw invalidArgument(`unknown signal: ${raw}`);
  return name;
}
