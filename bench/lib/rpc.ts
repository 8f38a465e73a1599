// A child process the bench talks to over stdin/stdout: JSON requests in, `RPC {…}` lines out.
// The agent benches measure inside the server process (the command engine has no HTTP API of its
// own yet), so the bench needs a way to ask that process to do things and report timings.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { ROOT } from './processes.ts';

export interface RpcChild {
  proc: ChildProcess;
  pid: number;
  match: RegExpMatchArray;
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  /** The last few KB of the child's output, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/** Start `node --import tsx ...args`, resolving once a stdout/stderr line matches `ready`. */
export async function startRpcChild(args: string[], ready: RegExp, opts: { env?: Record<string, string>; nodeArgs?: string[]; echo?: boolean | ((line: string) => boolean); timeoutMs?: number } = {}): Promise<RpcChild> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let exited = false;
  const keep = (line: string) => {
    output = (output + line + '\n').slice(-4000);
    if (opts.echo === true || (typeof opts.echo === 'function' && opts.echo(line))) process.stdout.write(`    | ${line}\n`);
  };
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`child ${args.join(' ')} not ready after ${opts.timeoutMs} ms: ${output.slice(-2000)}`));
      proc.kill('SIGKILL');
    }, opts.timeoutMs ?? 900_000);
    const ready_ = (m: RegExpMatchArray) => {
      clearTimeout(timer);
      resolve(m);
    };
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      const rpc = /^RPC (.*)$/.exec(line);
      if (rpc) {
        const msg = JSON.parse(rpc[1]) as { id: number; ok: boolean; result?: unknown; error?: string };
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.ok) p?.resolve(msg.result);
        else p?.reject(new Error(msg.error));
        return;
      }
      keep(line);
      const m = line.match(ready);
      if (m) ready_(m);
    });
    readline.createInterface({ input: proc.stderr! }).on('line', (line) => {
      keep(line);
      const m = line.match(ready);
      if (m) ready_(m);
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      exited = true;
      const err = new Error(`child ${args.join(' ')} exited (${signal ?? code}): ${output.slice(-2000)}`);
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
  });
  return {
    proc,
    pid: proc.pid!,
    match,
    tail: () => output,
    call<T>(op: string, callArgs: Record<string, unknown> = {}) {
      if (exited) return Promise.reject(new Error(`child ${args[0]} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.stdin!.write(JSON.stringify({ id, op, args: callArgs }) + '\n');
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

/** The child's side: answer requests from stdin with the handlers. */
export function serveRpc(handlers: Record<string, (args: any) => unknown>): void {
  readline.createInterface({ input: process.stdin }).on('line', async (line) => {
    let msg: { id: number; op: string; args: Record<string, unknown> };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    try {
      const handler = handlers[msg.op];
      if (!handler) throw new Error(`unknown op ${msg.op}`);
      const result = await handler(msg.args ?? {});
      process.stdout.write(`RPC ${JSON.stringify({ id: msg.id, ok: true, result: result ?? null })}\n`);
    } catch (e) {
      process.stdout.write(`RPC ${JSON.stringify({ id: msg.id, ok: false, error: (e as Error).stack ?? String(e) })}\n`);
    }
  });
}

/** Resident set size of a process, bytes (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/**
 * CPU time (user + system, ms) used so far by some processes and all their descendants, from
 * /proc (Linux; 10 ms resolution), read in one pass: shows how a measured section shared the
 * machine's cores.
 */
export async function cpuMsOfTrees(pids: readonly number[]): Promise<number> {
  const { readdir, readFile } = await import('node:fs/promises');
  const stats = new Map<number, { ppid: number; ms: number }>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the parenthesised command name: state ppid … utime(14) stime(15), 1-based.
      const text = await readFile(`/proc/${name}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ms: ((Number(f[11]) + Number(f[12])) * 1000) / 100 });
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const tree = new Set(pids);
  // Parents have lower pids most of the time, but not always: repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, s] of stats) if (!tree.has(p) && tree.has(s.ppid)) (tree.add(p), (grew = true));
  }
  for (const p of tree) total += stats.get(p)?.ms ?? 0;
  return total;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

/** Echo a child's lines, but its progress lines only every `ms` (the simulators' enrol/connect counts). */
export function progressEvery(ms: number): (line: string) => boolean {
  let last = 0;
  return (line) => {
    if (!/^(enrolled|connected) \d+\/\d+$/.test(line)) return true;
    if (Date.now() - last < ms) return false;
    last = Date.now();
    return true;
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The child processes a benchmark starts, so that they are all stopped at the end (newest first)
 * even when it fails half-way.
 */
export function childProcesses() {
  const children: RpcChild[] = [];
  return {
    async start(...args: Parameters<typeof startRpcChild>): Promise<RpcChild> {
      const c = await startRpcChild(...args);
      children.push(c);
      return c;
    },
    /** Track a child started some other way. */
    adopt(c: RpcChild): void {
      children.push(c);
    },
    async stop(c: RpcChild | undefined): Promise<void> {
      if (!c) return;
      await c.stop();
      children.splice(children.indexOf(c), 1);
    },
    async stopAll(): Promise<void> {
      for (const c of [...children].reverse()) await c.stop().catch(() => {});
    },
  };
}
