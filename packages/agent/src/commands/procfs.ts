import fs from 'node:fs/promises';

/** Small readers for Linux /proc, shared by ps, netstat and memdump. */

/** USER_HZ: fixed at 100 on every mainstream Linux architecture (what `getconf CLK_TCK` prints). */
export const CLK_TCK = 100;

export async function listPids(): Promise<number[]> {
  const names = await fs.readdir('/proc');
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

export interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Ticks after boot at which the process started. */
  startTicks: number;
  rssPages: number;
}

/** Parses /proc/PID/stat. comm is in parentheses and may itself contain spaces and ')'. */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' '); // rest[0] is field 3 (state)
  return {
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    cpuTicks: Number(rest[11]) + Number(rest[12]),
    startTicks: Number(rest[19]),
    rssPages: Number(rest[21]),
  };
}

/** Boot time (epoch seconds) from the `btime` line of /proc/stat. */
export async function bootTimeSeconds(): Promise<number> {
  const m = /^btime (\d+)$/m.exec(await fs.readFile('/proc/stat', 'utf8'));
  return m ? Number(m[1]) : 0;
}

export async function uptimeSeconds(): Promise<number> {
  return parseFloat(await fs.readFile('/proc/uptime', 'utf8'));
}

let cachedPageSize: number | undefined;

/** The kernel page size, from the first mapping's KernelPageSize in /proc/self/smaps (4096 if unknown). */
export async function pageSize(): Promise<number> {
  if (cachedPageSize === undefined) {
    let size = 4096;
    try {
      const fh = await fs.open('/proc/self/smaps', 'r');
      try {
        const { buffer, bytesRead } = await fh.read(Buffer.alloc(4096), 0, 4096, null);
        const m = /KernelPageSize:\s+(\d+) kB/.exec(buffer.toString('latin1', 0, bytesRead));
        if (m) size = Number(m[1]) * 1024;
      } finally {
        await fh.close();
      }
    } catch {
      // keep the default
    }
    cachedPageSize = size;
  }
  return cachedPageSize;
}

/** Reads /proc/PID/<file>, or null when the process is gone or the file is unreadable. */
export async function readProcFile(pid: number, file: string): Promise<string | null> {
  return fs.readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => null);
}
