import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Real riposte processes (server, agent) for fault tests: they can be SIGKILLed and restarted,
 * and every one of them is killed when the test process ends, whatever happened.
 */

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'bin', 'riposte.js');
/** How much of a child's output is kept for diagnostics. */
const KEEP_OUTPUT = 64 * 1024;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when afterAll never ran (worker crash, timeout): no child outlives the tests.
  process.once('exit', () => {
    for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
}

export class RiposteProcess {
  private readonly proc: ChildProcess;
  private text = '';
  /** Total characters of output ever seen (the kept text is a tail of it). */
  private seen = 0;
  private readonly watchers = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly args: string[],
    extraEnv: Record<string, string> = {},
  ) {
    installExitHook();
    // Only the command line decides where a child's data lives, not the test runner's environment.
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RIPOSTE_') && k !== 'NODE_OPTIONS')), ...extraEnv };
    this.proc = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
    live.add(this.proc);
    const onData = (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      this.seen += s.length;
      this.text = (this.text + s).slice(-KEEP_OUTPUT);
      for (const w of this.watchers) w();
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        live.delete(this.proc);
        for (const w of this.watchers) w();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The tail of stdout and stderr, for failure messages. */
  output(): string {
    return this.text;
  }

  /** A position in the output: `waitFor(re, ms, mark)` only looks at what came after it. */
  mark(): number {
    return this.seen;
  }

  /** Resolves with the first match of `re` in the output after `from`; rejects on timeout or exit. */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const skip = Math.max(0, from - (this.seen - this.text.length));
        const m = this.text.slice(skip).match(re);
        if (m) return done(() => resolve(m));
        if (!this.running) return done(() => reject(new Error(`${this.name} exited before printing ${re}:\n${this.text.slice(-4000)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${this.name}: no ${re} within ${timeoutMs} ms:\n${this.text.slice(-4000)}`))), timeoutMs);
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        f();
      };
      this.watchers.add(check);
      check();
    });
  }

  /** Sends `signal` and waits until the process is gone (SIGKILL if it lingers after a gentler one). */
  async kill(signal: NodeJS.Signals = 'SIGKILL', graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.proc.kill(signal);
    if (signal === 'SIGKILL') {
      await this.exited;
      return;
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Every process started through `spawnRiposte` and not yet killed, by the tests' own bookkeeping. */
export class ProcessGroup {
  private readonly all = new Set<RiposteProcess>();

  spawn(name: string, args: string[], extraEnv: Record<string, string> = {}): RiposteProcess {
    const p = new RiposteProcess(name, args, extraEnv);
    this.all.add(p);
    void p.exited.then(() => this.all.delete(p));
    return p;
  }

  /** SIGKILLs everything still running and waits for it to go. */
  async killAll(): Promise<void> {
    await Promise.all([...this.all].map((p) => p.kill('SIGKILL')));
  }
}

export interface ServerSpec {
  dataDir: string;
  port: number;
  /** PostgreSQL URL; SQLite in the data directory when absent. */
  databaseUrl?: string;
}

/**
 * How long a start may take before it counts as failed: a `riposte` process costs seconds of CPU
 * to load its TypeScript, many times that in wall time on a busy 2-core machine. The waits end
 * as soon as the process says it is ready; only a broken start waits this long.
 */
const START_TIMEOUT_MS = 120_000;

/** `riposte server` as a child process; answers once it listens. */
export async function startServerProcess(group: ProcessGroup, name: string, spec: ServerSpec, timeoutMs = START_TIMEOUT_MS): Promise<RiposteProcess> {
  const args = ['server', '--data', spec.dataDir, '--port', String(spec.port), '--log-level', 'warn'];
  if (spec.databaseUrl) args.push('--database', spec.databaseUrl);
  const p = group.spawn(name, args);
  await p.waitFor(/riposte is listening on http:\/\/\S+/, timeoutMs);
  return p;
}

export interface AgentSpec {
  serverUrl: string;
  stateDir: string;
  /** Needed on the first start only. */
  enrollToken?: string;
  /**
   * Longest wait between reconnect attempts. The default backoff grows to 30 s while a server is
   * down, so an agent may come back that long after the restart; a test that restarts its server
   * wants it back within moments.
   */
  reconnectMaxMs?: number;
}

/** `riposte agent` as a child process; answers once it is connected (after `from` in its output). */
export async function startAgentProcess(group: ProcessGroup, name: string, spec: AgentSpec, timeoutMs = START_TIMEOUT_MS): Promise<RiposteProcess> {
  const args = ['agent', '--server', spec.serverUrl, '--state', spec.stateDir];
  if (spec.enrollToken) args.push('--enroll-token', spec.enrollToken);
  if (spec.reconnectMaxMs) args.push('--reconnect-max', String(spec.reconnectMaxMs));
  const p = group.spawn(name, args);
  await p.waitFor(/agent [0-9a-f]{32} connected to/, timeoutMs);
  return p;
}

/** The agent's device id, from the identity it keeps in its state directory. */
export function agentDeviceId(stateDir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(stateDir, 'identity.json'), 'utf8')) as { device_id: string }).device_id;
}

/** A loopback port that was free a moment ago (so a server can be restarted on the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A loopback TCP proxy between agents and a server, so a test can drop connections without
 * touching either process: `cut()` destroys every open pair, `refuse(ms)` also turns new
 * connections away for a while.
 */
export class TcpProxy {
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private refuseUntil = 0;
  /** Connections accepted so far (each agent reconnect is one). */
  accepted = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = net.createServer((client) => {
      client.on('error', () => {});
      if (Date.now() < proxy.refuseUntil) return void client.destroy();
      proxy.accepted++;
      const upstream = net.connect(targetPort, targetHost);
      upstream.on('error', () => {});
      const pair: [net.Socket, net.Socket] = [client, upstream];
      proxy.pairs.add(pair);
      const drop = () => {
        proxy.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', drop);
      upstream.on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  /** Drops every connection now; answers how many there were. */
  cut(): number {
    const n = this.pairs.size;
    for (const [a, b] of [...this.pairs]) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    return n;
  }

  /** Drops every connection and refuses new ones for `ms`. */
  refuse(ms: number): number {
    this.refuseUntil = Date.now() + ms;
    return this.cut();
  }

  get open(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
