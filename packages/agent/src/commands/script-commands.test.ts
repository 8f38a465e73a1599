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

describe('the whole stdout past the cap', () => {
  const small = runner(dir, { maxOutputBytes: 1000, fullOutputMaxBytes: 5000 });
  const spooled = () => fs.readdirSync(path.join(dir, '.state')).filter((n) => n.startsWith('stdout-'));

  /** Runs with an agent that may ask for upload tokens; records what it was asked and what it uploaded. */
  async function runWithUploads(script: string, upload: (file: string) => Promise<{ sha256: string; size: number }>) {
    const asked: number[] = [];
    const uploaded: Buffer[] = [];
    const result = await small.executor.execute(
      { id: 'whole-1', name: 'run', args: { executable: 'sh', args: ['-c', script] }, cwd: dir, timeout_ms: 20_000 },
      {
        signal: new AbortController().signal,
        requestUpload: async (size) => void asked.push(size),
        transfers: {
          upload: async (file) => {
            uploaded.push(fs.readFileSync(file));
            return upload(file);
          },
          download: () => Promise.reject(new Error('unused')),
        },
      },
    );
    if (!result.ok) throw new Error(result.error.message);
    return { data: result.data as Record<string, any>, asked, uploaded };
  }

  it('keeps all of a stdout that passed the cap, uploads it for the command and removes it', async () => {
    const { data, asked, uploaded } = await runWithUploads('seq 1 1000', async (file) => ({ sha256: 'a'.repeat(64), size: fs.statSync(file).size }));
    const whole = Buffer.from(Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join(''));
    expect(data.stdout).toBe(whole.subarray(0, 1000).toString());
    expect(data).toMatchObject({ truncated: true, stdout_bytes: whole.length, full_output: { sha256: 'a'.repeat(64), size: whole.length, whole: true } });
    expect(asked).toEqual([whole.length]);
    expect(uploaded).toEqual([whole]);
    expect(spooled()).toEqual([]);
  });

  it('stops the file at fullOutputMaxBytes and says so; a failed upload leaves a note, not a failure', async () => {
    const big = await runWithUploads('head -c 8000 /dev/zero', async (file) => ({ sha256: 'b'.repeat(64), size: fs.statSync(file).size }));
    expect(big.uploaded[0].length).toBe(5000);
    expect(big.data.full_output).toEqual({ sha256: 'b'.repeat(64), size: 5000, whole: false });

    const refused = await runWithUploads('head -c 3000 /dev/zero', () => Promise.reject(new Error('server answered 507')));
    expect(refused.data.full_output).toBeUndefined();
    expect(refused.data.full_output_error).toBe('the whole stdout (3000 bytes) could not be delivered: server answered 507');
    expect(refused.data.stdout).toHaveLength(1000);
    expect(spooled()).toEqual([]);
  });

  it('keeps nothing when the output fits, or when the agent cannot upload (simulator, tests)', async () => {
    const fits = await runWithUploads('echo short', () => Promise.reject(new Error('unused')));
    expect(fits.asked).toEqual([]);
    expect(fits.data.full_output).toBeUndefined();
    const noUploads = await small.ok('run', { executable: 'sh', args: ['-c', 'head -c 3000 /dev/zero'] });
    expect(noUploads).toMatchObject({ truncated: true, stdout_bytes: 3000 });
    expect(noUploads.full_output).toBeUndefined();
  });
});
