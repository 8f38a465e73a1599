// The work of `riposte agent simulate` (simulate.ts declares it): a fleet in this process, or
// enrollment here and the fleet spread over worker processes, or a simulated domain.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Command } from 'commander';
import { runDomain } from './simulate-domain.ts';
import {
  DEFAULT_FLEET_CONCURRENCY, enrollFleet, splitFleet, startFleet,
  type FleetLog, type FleetProgress, type FleetSlice,
} from '@riposte/agent';
import { agentTls } from './agent.ts';
import type { SimulateOptions } from './simulate.ts';

const DEFAULT_STATE = process.env.RIPOSTE_SIM_STATE ?? './sim-state';
/** Descriptors a process keeps for itself besides one socket per agent. */
const FD_RESERVE = 500;

export async function runSimulate(cmd: Command): Promise<void> {
  const opts = cmd.optsWithGlobals() as SimulateOptions & { server: string; enrollToken?: string; state: string; ca?: string; insecure?: boolean };
  const stateDir = path.resolve(cmd.parent?.getOptionValueSource('state') === 'default' ? DEFAULT_STATE : opts.state);
  if (opts.identityDomain) return runDomain({ ...opts, stateDir });
  const count = positiveInt(opts.count, '--count', true);
  const processes = positiveInt(opts.processes, '--processes');
  const concurrency = positiveInt(opts.concurrency, '--concurrency');
  // Workers are started quietly: the parent has given the --insecure warning already.
  const tls = opts.slice && opts.insecure ? { insecure: true } : agentTls(opts);
  const common = { serverUrl: opts.server, enrollToken: opts.enrollToken, count, platform: opts.platform, seed: opts.seed, stateDir, concurrency, tls };
  const transportArgs = [...(opts.ca ? ['--ca', path.resolve(opts.ca)] : []), ...(opts.insecure ? ['--insecure'] : [])];
  if (opts.slice) return runWorker({ ...common, slice: parseSlice(opts.slice) });
  const perProcess = Math.ceil(count / processes);
  const fdLimit = openFileLimit();
  if (fdLimit && perProcess > fdLimit - FD_RESERVE) {
    throw new Error(`${perProcess} agents per process need more than the ${fdLimit} open files a process may hold here: use --processes ${Math.ceil(count / (fdLimit - FD_RESERVE))} or more`);
  }
  if (processes === 1) return runWorker(common);
  return runParent(common, processes, transportArgs);
}

type Common = Parameters<typeof enrollFleet>[0];

/** Run (a slice of) the fleet in this process. */
async function runWorker(opts: Common): Promise<void> {
  const total = opts.slice ? opts.slice.end - opts.slice.first : opts.count;
  const log = quietLog();
  const enrolled = throttled((p: FleetProgress) => out(`enrolled ${p.done}/${p.total}`));
  const connected = throttled((p: FleetProgress) => out(`connected ${p.done}/${p.total}`));
  const progress = (p: FleetProgress) => {
    if (p.phase === 'enroll') return enrolled(p);
    enrolled.flush();
    connected(p);
  };
  let fleet: Awaited<ReturnType<typeof startFleet>> | undefined;
  const stop = async () => {
    await fleet?.stop();
    process.exit(0);
  };
  onSignal(stop);
  // A worker's stdin is a pipe from its parent: when it closes, the parent is gone (even SIGKILLed).
  if (opts.slice) process.stdin.once('close', () => void stop()).resume();
  fleet = await startFleet({ ...opts, enroll: !opts.slice, log, onProgress: progress });
  enrolled.flush();
  connected.flush();
  await fleet.waitConnected();
  out(`READY ${fleet.connected} agents connected`);
  // Afterwards, say when the number of connected agents changes (server restarts, shutdowns).
  let last = fleet.connected;
  setInterval(() => {
    if (fleet.connected !== last) out(`connected ${(last = fleet.connected)}/${total}`);
  }, 5000);
}

/** Enroll here, then run P workers and add up what they report. */
async function runParent(opts: Common, processes: number, transportArgs: string[]): Promise<void> {
  const enrollProgress = throttled((p: FleetProgress) => out(`enrolled ${p.done}/${p.total}`));
  await enrollFleet({ ...opts, log: quietLog(), onProgress: enrollProgress });
  enrollProgress.flush();

  const slices = splitFleet(opts.count, processes);
  const connected = new Array<number>(slices.length).fill(0);
  const ready = new Array<boolean>(slices.length).fill(false);
  const children: ChildProcess[] = [];
  let stopping = false;
  const sum = () => connected.reduce((a, b) => a + b, 0);
  const report = throttled(() => out(`connected ${sum()}/${opts.count}`));
  let announced = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    process.exit(code);
  };

  slices.forEach((slice, n) => {
    const child = spawnWorker(opts, slice, slices.length, transportArgs);
    children.push(child);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const c = /^connected (\d+)\//.exec(line);
      const r = /^READY (\d+) agents connected/.exec(line);
      if (c) connected[n] = Number(c[1]);
      if (r) {
        connected[n] = Number(r[1]);
        ready[n] = true;
      }
      if (!c && !r) return out(line);
      if (!announced && ready.every(Boolean)) {
        announced = true;
        report.flush();
        out(`READY ${sum()} agents connected`);
      } else {
        report();
      }
    });
    child.stderr!.pipe(process.stderr);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`riposte: simulator worker for hosts ${slice.first}-${slice.end - 1} exited (${signal ?? code}); stopping the others\n`);
      void stopAll(1);
    });
  });
  onSignal(() => stopAll(0));
}

function spawnWorker(opts: Common, slice: FleetSlice, workers: number, transportArgs: string[]): ChildProcess {
  // The same entry point and loader flags this process was started with (tsx), for the same command.
  const args = [
    ...process.execArgv,
    process.argv[1],
    'agent',
    'simulate',
    '--server', opts.serverUrl,
    '--state', opts.stateDir!,
    '--count', String(opts.count),
    '--platform', String(opts.platform),
    '--seed', String(opts.seed),
    // The in-flight bound is the fleet's, shared out among the workers.
    '--concurrency', String(Math.max(1, Math.ceil((opts.concurrency ?? DEFAULT_FLEET_CONCURRENCY) / workers))),
    '--slice', `${slice.first}:${slice.end}`,
    ...transportArgs,
  ];
  return spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
}

// ---- helpers ----

function out(line: string): void {
  process.stdout.write(line + '\n');
}

/** Connection warnings from thousands of agents are counted and summarised, not printed each. */
function quietLog(): FleetLog {
  let shown = 0;
  let suppressed = 0;
  let timer: NodeJS.Timeout | undefined;
  return (level, msg, extra) => {
    if (level === 'info') return;
    if (shown < 10) {
      shown++;
      process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra })}\n`);
      return;
    }
    suppressed++;
    timer ??= setTimeout(() => {
      process.stderr.write(`(${suppressed} more agent warnings in the last 10 s)\n`);
      suppressed = 0;
      shown = 0;
      timer = undefined;
    }, 10_000).unref();
  };
}

/** Call `fn` at most once a second with the latest arguments; `flush()` delivers a pending call now. */
function throttled<A extends unknown[]>(fn: (...args: A) => void): ((...args: A) => void) & { flush(): void } {
  let last = 0;
  let pending: A | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    timer = undefined;
    if (!pending) return;
    const args = pending;
    pending = undefined;
    last = Date.now();
    fn(...args);
  };
  const call = (...args: A) => {
    pending = args;
    const wait = 1000 - (Date.now() - last);
    if (wait <= 0) run();
    else timer ??= setTimeout(run, wait);
  };
  call.flush = () => {
    clearTimeout(timer);
    run();
  };
  return call;
}

function onSignal(stop: () => void | Promise<void>): void {
  const handler = () => void stop();
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

function positiveInt(s: string, name: string, allowZero = false): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, not ${s}`);
  return n;
}

function parseSlice(s: string): FleetSlice {
  const m = /^(\d+):(\d+)$/.exec(s);
  if (!m) throw new Error(`--slice must be first:end, not ${s}`);
  return { first: Number(m[1]), end: Number(m[2]) };
}

/** The soft limit on open files (Linux), if it can be read. */
function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
