// The local agent of `riposte start`: a child process, not code inside the server, so that what
// responders may do on this host (cat, env, ps) never reaches the server's memory, environment
// or data directory. The child gets no RIPOSTE_* variables; the enrollment token reaches it on
// stdin (argv would show in `ps`), and the server's data directory and /proc entry are protected.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { UNKNOWN_IDENTITY_EXIT } from './agent.ts';

export interface LocalAgentOptions {
  serverUrl: string;
  stateDir: string;
  dataDir: string;
  enrollToken?: string;
  /** Extra `riposte agent` options (--ca FILE, …). */
  extraArgs?: string[];
  /** Each line the agent writes (its log and its "connected" line). */
  onLine(line: string): void;
  /** The agent's device id, once it says it is connected. */
  onConnected?(deviceId: string): void;
}

export interface LocalAgent {
  /** Stop the agent and wait for it to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Restart delays after the agent exits unexpectedly: 1 s doubling up to a minute. */
const MAX_RESTART_MS = 60_000;

export function startLocalAgent(opts: LocalAgentOptions): LocalAgent {
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = 1000;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = () => {
    const args = [
      ...process.execArgv,
      process.argv[1],
      'agent',
      '--server', opts.serverUrl,
      '--state', opts.stateDir,
      '--protect', opts.dataDir,
      ...(process.platform === 'linux' ? ['--protect', `/proc/${process.pid}`] : []),
      ...(opts.extraArgs ?? []),
      '--supervised',
    ];
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^RIPOSTE_/i.test(k)));
    const c = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    child = c;
    c.stdin!.write(JSON.stringify({ enroll_token: opts.enrollToken }) + '\n');
    const startedAt = Date.now();
    for (const stream of [c.stdout!, c.stderr!]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        const m = /^agent ([0-9a-f]{32}) connected/.exec(line);
        if (m) opts.onConnected?.(m[1]);
        opts.onLine(line);
      });
    }
    c.once('exit', (code, signal) => {
      if (stopping) return;
      if (code === UNKNOWN_IDENTITY_EXIT && opts.enrollToken) {
        // Its state outlived the server's database: this server's own agent simply enrolls anew.
        opts.onLine('the server does not know the local agent\'s identity; enrolling it again');
        fs.rmSync(path.join(opts.stateDir, 'identity.json'), { force: true });
        restartTimer = setTimeout(launch, 0);
        return;
      }
      if (Date.now() - startedAt > 5 * 60_000) delay = 1000; // it ran a good while: start the backoff afresh
      opts.onLine(`local agent exited (${signal ?? code}); restarting in ${delay / 1000} s`);
      restartTimer = setTimeout(launch, delay);
      delay = Math.min(delay * 2, MAX_RESTART_MS);
    });
  };
  launch();

  return {
    stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
        c.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        c.kill('SIGTERM');
      });
    },
  };
}
