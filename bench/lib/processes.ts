import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Run a TypeScript entry (through tsx) or the riposte CLI in its own process, so the server under
 * test and the load generator do not share an event loop. Resolves once `ready` matches output.
 */
export async function startChild(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<Child & { match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(ready);
      if (m) resolve(m);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited ${code}: ${output.slice(-2000)}`)));
  });
  proc.stdout!.resume();
  proc.stderr!.resume();
  return {
    proc,
    match,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export function riposteArgs(...args: string[]): string[] {
  return [path.join(ROOT, 'packages/cli/src/main.ts'), ...args];
}
