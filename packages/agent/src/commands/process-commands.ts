/**
 * Process commands. Result `data` shapes:
 *   ps    { processes: ProcessInfo[] }   sorted by pid
 *           Linux: from /proc. path '' when the exe link is unreadable (kernel threads, other users
 *           without privilege); command_line '' for kernel threads; cpu_percent is the average over
 *           the process's lifetime (like ps(1) %CPU); memory_bytes is the resident set size.
 *           macOS: from ps(1). Windows: from Win32_Process (user is '').
 *   kill  { pid, signal }                 signal is the name actually sent (default SIGKILL)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { optionalString, requirePid } from './args.ts';
import { userNamesByUid } from './accounts.ts';
import type { CommandContext, Handler } from './context.ts';
import { CommandError, invalidArgument } from './errors.ts';
import { powershellRows, runTool } from './exec.ts';
import { bootTimeSeconds, CLK_TCK, listPids, pageSize, parseStat, readProcFile, uptimeSeconds } from './procfs.ts';
import type { ProcessInfo } from './types.ts';

export const ps: Handler<'ps'> = async (_args, ctx) => {
  const processes =
    ctx.platform === 'linux' ? await linuxProcesses() : ctx.platform === 'mac' ? await macProcesses(ctx) : await windowsProcesses(ctx);
  return { data: { processes } };
};

export const kill: Handler<'kill'> = async (args) => {
  const pid = requirePid(args, 'pid');
  const signal = parseSignal(optionalString(args, 'signal') ?? 'SIGKILL');
  if (pid === process.pid) throw invalidArgument('refusing to signal the agent itself');
  try {
    process.kill(pid, signal);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new CommandError('not_found', `process ${pid} not found`);
    if (code === 'EPERM') throw new CommandError('permission_denied', `not permitted to signal process ${pid}`);
    throw err;
  }
  return { data: { pid, signal } };
};

/** Accepts `SIGTERM`, `term`, `TERM` or a number such as `9`; returns the canonical name. */
function parseSignal(raw: string): NodeJS.Signals {
  const signals = os.constants.signals as Record<string, number>;
  if (/^\d+$/.test(raw)) {
    const name = Object.keys(signals).find((k) => signals[k] === Number(raw));
    if (name) return name as NodeJS.Signals;
  }
  const name = raw.toUpperCase().startsWith('SIG') ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`;
  if (!(name in signals)) throw invalidArgument(`unknown signal: ${raw}`);
  return name as NodeJS.Signals;
}

async function linuxProcesses(): Promise<ProcessInfo[]> {
  const [pids, btime, uptime, page, users] = await Promise.all([
    listPids(),
    bootTimeSeconds(),
    uptimeSeconds(),
    pageSize(),
    userNamesByUid(),
  ]);
  const rows = await Promise.all(
    pids.map(async (pid): Promise<ProcessInfo | null> => {
      const statText = await readProcFile(pid, 'stat');
      if (statText === null) return null; // exited while we were listing
      const st = parseStat(statText);
      const [cmdline, exe, uid] = await Promise.all([
        readProcFile(pid, 'cmdline'),
        fs.readlink(`/proc/${pid}/exe`).catch(() => ''),
        fs.stat(`/proc/${pid}`).then((s) => s.uid, () => -1),
      ]);
      const startSeconds = st.startTicks / CLK_TCK;
      const lifetime = uptime - startSeconds;
      return {
        pid,
        ppid: st.ppid,
        name: st.comm,
        path: exe,
        command_line: (cmdline ?? '').replace(/\0+$/, '').replace(/\0/g, ' '),
        user: users.get(uid) ?? (uid >= 0 ? String(uid) : ''),
        start_time: new Date((btime + startSeconds) * 1000).toISOString(),
        cpu_percent: lifetime > 0 ? Math.round((st.cpuTicks / CLK_TCK / lifetime) * 1000) / 10 : 0,
        memory_bytes: st.rssPages * page,
      };
    }),
  );
  return rows.filter((r) => r !== null);
}

async function macProcesses(ctx: CommandContext): Promise<ProcessInfo[]> {
  // Two passes because both `comm` (the executable path) and `args` may contain spaces.
  const [main, comms] = await Promise.all([
    runTool('ps', ['-axww', '-o', 'pid=,ppid=,user=,%cpu=,rss=,lstart=,args='], ctx),
    runTool('ps', ['-axww', '-o', 'pid=,comm='], ctx),
  ]);
  const exe = new Map<number, string>();
  for (const line of comms.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m) exe.set(Number(m[1]), m[2]);
  }
  const rows: ProcessInfo[] = [];
  for (const line of main.split('\n')) {
    // pid ppid user %cpu rss  Www Mmm dd hh:mm:ss yyyy  args...
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+([\d.]+)\s+(\d+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s?(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const exePath = exe.get(pid) ?? '';
    rows.push({
      pid,
      ppid: Number(m[2]),
      name: path.basename(exePath),
      path: exePath,
      command_line: m[7],
      user: m[3],
      start_time: new Date(m[6]).toISOString(),
      cpu_percent: Number(m[4]),
      memory_bytes: Number(m[5]) * 1024,
    });
  }
  return rows.sort((a, b) => a.pid - b.pid);
}

async function windowsProcesses(ctx: CommandContext): Promise<ProcessInfo[]> {
  interface Row { pid: number; ppid: number; name: string; path: string | null; cmd: string | null; start: string; mem: number }
  const rows = await powershellRows<Row>(
    `Get-CimInstance Win32_Process | ForEach-Object { [pscustomobject]@{ pid = $_.ProcessId; ppid = $_.ParentProcessId; ` +
      `name = $_.Name; path = $_.ExecutablePath; cmd = $_.CommandLine; mem = $_.WorkingSetSize; ` +
      `start = if ($_.CreationDate) { $_.CreationDate.ToUniversalTime().ToString('o') } else { '' } } } | ConvertTo-Json -Compress`,
    ctx,
  );
  return rows
    .map((r) => ({
      pid: r.pid,
      ppid: r.ppid,
      name: r.name,
      path: r.path ?? '',
      command_line: r.cmd ?? '',
      user: '',
      start_time: r.start,
      cpu_percent: 0,
      memory_bytes: Number(r.mem) || 0,
    }))
    .sort((a, b) => a.pid - b.pid);
}
