import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const r = runner(tempDir());

describe('ps', () => {
  it('lists this process with its parent, command line, user and times', async () => {
    const { processes } = await r.ok('ps');
    expect(processes.length).toBeGreaterThan(2);
    const me = processes.find((p: any) => p.pid === process.pid);
    expect(me).toBeDefined();
    expect(me.ppid).toBe(process.ppid);
    expect(me.command_line).toBe(fs.readFileSync('/proc/self/cmdline', 'utf8').replace(/\0+$/, '').replace(/\0/g, ' '));
    expect(me.path).toBe(fs.realpathSync(process.execPath));
    expect(me.name).toBe(fs.readFileSync('/proc/self/comm', 'utf8').trim());
    expect(me.user).toBe(process.getuid?.() === 0 ? 'root' : expect.any(String));
    expect(me.memory_bytes).toBeGreaterThan(10 * 1024 * 1024); // node's resident set
    expect(me.cpu_percent).toBeGreaterThanOrEqual(0);
    const started = Date.parse(me.start_time);
    expect(started).toBeLessThanOrEqual(Date.now() + 1000);
    expect(started).toBeGreaterThan(Date.now() - 10 * 60_000);
    // sorted by pid, and every row is complete
    expect(processes.map((p: any) => p.pid)).toEqual([...processes.map((p: any) => p.pid)].sort((a, b) => a - b));
    for (const p of processes) expect(Object.keys(p).sort()).toEqual(['command_line', 'cpu_percent', 'memory_bytes', 'name', 'path', 'pid', 'ppid', 'start_time', 'user']);
  });

  it('reports a child with our pid as parent and its exact command line', async () => {
    const child = spawn('sleep', ['29.5', '29.25'], { stdio: 'ignore' });
    await once(child, 'spawn');
    try {
      const { processes } = await r.ok('ps');
      expect(processes.find((p: any) => p.pid === child.pid)).toMatchObject({
        ppid: process.pid, name: 'sleep', path: fs.realpathSync('/bin/sleep'), command_line: 'sleep 29.5 29.25',
      });
    } finally {
      child.kill();
    }
  });
});

describe('kill', () => {
  it('kills a child process', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    expect(await r.ok('kill', { pid: child.pid })).toEqual({ pid: child.pid, signal: 'SIGKILL' });
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
  });

  it('sends the requested signal by name or number', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    expect(await r.ok('kill', { pid: child.pid, signal: 'term' })).toEqual({ pid: child.pid, signal: 'SIGTERM' });
    expect((await exited)[1]).toBe('SIGTERM');
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    const done = once(other, 'exit');
    expect((await r.ok('kill', { pid: other.pid, signal: '15' })).signal).toBe('SIGTERM');
    await done;
  });

  it('maps errors and validates arguments', async () => {
    const child = spawn('true', { stdio: 'ignore' });
    await once(child, 'exit'); // reaped: the pid is free now
    expect(await r.fails('kill', 'not_found', { pid: child.pid })).toContain(String(child.pid));
    await r.fails('kill', 'invalid_argument', { pid: 0 });
    await r.fails('kill', 'invalid_argument', { pid: -1 }); // would signal every process
    await r.fails('kill', 'invalid_argument', { pid: '12' });
    await r.fails('kill', 'invalid_argument', { pid: 1.5 });
    await r.fails('kill', 'invalid_argument', { pid: 1, signal: 'SIGNOPE' });
    await r.fails('kill', 'invalid_argument', { pid: process.pid });
  });
});
