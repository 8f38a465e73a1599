import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const dir = tempDir();
const r = runner(dir);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Live processes whose command line includes `arg` (zombies excluded: they have no cmdline). */
function processesWithArg(arg: string): number[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(arg);
    } catch {
      return false;
    }
  });
}

describe('run', () => {
  it('captures output and the exit code, without a shell', async () => {
    const data = await r.ok('run', { executable: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] });
    expect(data).toEqual({ pid: expect.any(Number), exit_code: 3, signal: null, stdout: 'out\n', stderr: 'err\n', timed_out: false, truncated: false });
    const literal = await r.ok('run', { executable: 'echo', args: ['$HOME', '*', '; rm -rf /'] });
    expect(literal.stdout).toBe('$HOME * ; rm -rf /\n'); // arguments reach the program verbatim
  });

  it('runs in the session cwd or working_directory, and resolves relative executables there', async () => {
    fs.mkdirSync(path.join(dir, 'wd'));
    expect((await r.ok('run', { executable: 'pwd' })).stdout).toBe(`${dir}\n`);
    expect((await r.ok('run', { executable: 'pwd', working_directory: 'wd' })).stdout).toBe(`${path.join(dir, 'wd')}\n`);
    fs.writeFileSync(path.join(dir, 'wd/tool.sh'), '#!/bin/sh\necho tool "$@"\n', { mode: 0o755 });
    expect((await r.ok('run', { executable: './tool.sh', args: ['x'] }, { cwd: path.join(dir, 'wd') })).stdout).toBe('tool x\n');
    await r.fails('run', 'not_found', { executable: 'pwd', working_directory: 'missing' });
    expect(await r.fails('run', 'not_found', { executable: 'pwd' }, { cwd: path.join(dir, 'gone') })).toContain('gone');
  });

  it('kills the process tree on timeout and returns quickly with partial output', async () => {
    const started = Date.now();
    const data = await r.ok('run', { executable: 'sh', args: ['-c', 'echo before; sleep 31.4159 & wait'], timeout_ms: 500 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(data).toMatchObject({ timed_out: true, exit_code: null, signal: 'SIGKILL', stdout: 'before\n' });
    expect(processesWithArg('31.4159')).toEqual([]); // the grandchild died with the group
    const plain = await r.ok('run', { executable: 'sleep', args: ['30'], timeout_ms: 300 });
    expect(plain.timed_out).toBe(true);
  });

  it('never outlives the request limit', async () => {
    const started = Date.now();
    const data = await r.ok('run', { executable: 'sleep', args: ['30'], timeout_ms: 60_000 }, { timeoutMs: 400 });
    expect(data.timed_out).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('caps output and says so', async () => {
    const small = runner(dir, { maxOutputBytes: 1000 });
    const data = await small.ok('run', { executable: 'head', args: ['-c', '100000', '/dev/zero'] });
    expect(data.stdout.length).toBe(1000);
    expect(data.truncated).toBe(true);
    expect(data.exit_code).toBe(0);
  });

  it('starts without waiting when wait is false', async () => {
    const started = Date.now();
    const data = await r.ok('run', { executable: 'sleep', args: ['30'], wait: false });
    expect(Object.keys(data)).toEqual(['pid']);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(alive(data.pid)).toBe(true);
    process.kill(data.pid, 'SIGKILL');
  });

  it('maps spawn failures and validates arguments', async () => {
    expect(await r.fails('run', 'not_found', { executable: 'definitely-not-a-program-xyz' })).toContain('definitely-not-a-program-xyz');
    await r.fails('run', 'not_found', { executable: './nope', wait: false });
    fs.writeFileSync(path.join(dir, 'noexec'), 'echo hi');
    await r.fails('run', 'permission_denied', { executable: './noexec' });
    await r.fails('run', 'invalid_argument', {});
    await r.fails('run', 'invalid_argument', { executable: 'ls', args: 'not-an-array' });
    await r.fails('run', 'invalid_argument', { executable: 'ls', timeout_ms: 0 });
  });
});

describe('runscript', () => {
  it('runs an inline script with bash and arguments, then removes it', async () => {
    const data = await r.ok('runscript', { script: 'echo "args: $*"; echo "shell: $BASH_VERSION" | cut -c1-6; echo "$0"; exit 4', args: ['a b', 'c'] });
    expect(data.exit_code).toBe(4);
    const [argsLine, shellLine, scriptPath] = data.stdout.trim().split('\n');
    expect(argsLine).toBe('args: a b c');
    expect(shellLine).toBe('shell:');
    expect(scriptPath.startsWith(path.join(dir, '.state'))).toBe(true);
    expect(fs.existsSync(scriptPath)).toBe(false);
    expect(fs.readdirSync(path.join(dir, '.state')).filter((n) => n.startsWith('script-'))).toEqual([]);
  });

  it('runs a script file from the host with a chosen interpreter', async () => {
    fs.writeFileSync(path.join(dir, 'host.sh'), 'echo from-host "$1"\n');
    expect((await r.ok('runscript', { host_path: 'host.sh', args: ['x'] })).stdout).toBe('from-host x\n');
    fs.writeFileSync(path.join(dir, 'host.py'), 'import sys; print("py", sys.argv[1])\n');
    expect((await r.ok('runscript', { host_path: 'host.py', interpreter: 'python3', args: ['y'] })).stdout).toBe('py y\n');
  });

  it('times out like run', async () => {
    const started = Date.now();
    const data = await r.ok('runscript', { script: 'echo partial; sleep 30', timeout_ms: 500 });
    expect(data).toMatchObject({ timed_out: true, stdout: 'partial\n' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('validates its arguments', async () => {
    await r.fails('runscript', 'invalid_argument', {});
    await r.fails('runscript', 'invalid_argument', { script: 'true', host_path: 'host.sh' });
    await r.fails('runscript', 'not_found', { host_path: 'missing.sh' });
    await r.fails('runscript', 'is_a_directory', { host_path: '.' });
    await r.fails('runscript', 'not_found', { script: 'true', interpreter: 'no-such-interpreter' });
  });
});
