import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CommandRecord } from '@riposte/core';
import { chunkAt, chunkText, renderCommand, renderData, sequenceCount } from './index.ts';
import { hexDump, permissions } from './fs.ts';

const entries = [
  { name: 'Windows', path: 'C:\\Windows', type: 'directory', size: 0, mode: 'D', mtime: '2024-01-06T22:24:12.000Z' },
  { name: 'notepad.exe', path: 'C:\\notepad.exe', type: 'file', size: 123456, mode: 'A', mtime: '2018-09-15T07:19:00.000Z' },
];
const posix = [
  { name: 'logs', path: '/srv/logs', type: 'directory', size: 4096, mode: '0755', mtime: '2024-01-02T03:04:05.000Z' },
  { name: 'run.sh', path: '/srv/run.sh', type: 'file', size: 12, mode: '4750', mtime: '2024-01-02T03:04:06.000Z' },
  { name: 'cur', path: '/srv/cur', type: 'symlink', size: 7, mode: '0777', mtime: '2024-01-02T03:04:07.000Z' },
];
const ctx = (platform: 'windows' | 'linux', args: Record<string, unknown> = {}, options: Record<string, string | true> = {}) => ({ platform, args, options });

describe('RTR renderers', () => {
  it('lists a Windows directory like dir', () => {
    const out = renderData('ls', { path: 'C:\\', entries }, ctx('windows')).stdout;
    expect(out).toBe(
      [
        '',
        ' Directory of C:\\',
        '',
        '01/06/2024  10:24 PM    <DIR>          Windows',
        '09/15/2018  07:19 AM           123,456 notepad.exe',
        '               1 File(s)        123,456 bytes',
        '               1 Dir(s)',
        '',
      ].join('\n'),
    );
  });

  it('says in stderr when the host cut a listing or a program’s output', () => {
    const cut = renderData('ls', { path: '/srv', entries: posix, truncated: true, total_entries: 300_000 }, ctx('linux'));
    expect(cut.stderr).toBe("listing truncated by the host's cap: 3 of 300,000 entries shown\n");
    expect(renderData('ls', { path: '/srv', entries: posix }, ctx('linux')).stderr).toBe('');
    const run = renderData('run', { pid: 1, exit_code: 0, signal: null, stdout: 'x'.repeat(4 * 1024 * 1024), stderr: 'warn\n', timed_out: false, truncated: true, stdout_bytes: 20 * 1024 * 1024, stderr_bytes: 5 }, ctx('linux'));
    expect(run.stderr).toBe("warn\noutput truncated by the host's cap: stdout cut at 4.0 MiB of 20.0 MiB written\n");
    // An agent that does not count says only that it cut.
    expect(renderData('run', { pid: 1, exit_code: 0, signal: null, stdout: 'x', stderr: '', timed_out: false, truncated: true }, ctx('linux')).stderr).toBe('output was truncated\n');
  });

  it('formats canonical and other ISO times in a Windows listing alike', () => {
    const time = (mtime: string) => renderData('ls', { path: 'C:\\', entries: [{ ...entries[1], mtime }] }, ctx('windows')).stdout.split('\n')[3].slice(0, 20);
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const canonical = d.toISOString();
        expect(time(canonical)).toBe(time(canonical.replace('Z', '+00:00')));
      }),
    );
    expect(time('2024-01-06T00:05:00Z')).toBe('01/06/2024  12:05 AM');
    expect(time('2024-01-06T12:05:00.5Z')).toBe('01/06/2024  12:05 PM');
  });

  it('lists a Linux directory like ls -l', () => {
    const out = renderData('ls', { path: '/srv', entries: posix }, ctx('linux')).stdout;
    expect(out).toBe(
      ['/srv:', 'drwxr-xr-x 4096 2024-01-02 03:04:05 logs', '-rwsr-x---   12 2024-01-02 03:04:06 run.sh', 'lrwxrwxrwx    7 2024-01-02 03:04:07 cur', 'total 3', ''].join('\n'),
    );
    expect(permissions('directory', '1777')).toBe('drwxrwxrwt');
    expect(permissions('file', 'bogus')).toBe('-?????????');
  });

  it('shows ps as a table', () => {
    const out = renderData('ps', { processes: [{ pid: 1, ppid: 0, name: 'init', path: '/sbin/init', command_line: '/sbin/init splash', user: 'root', start_time: '2024-01-01T00:00:00Z', cpu_percent: 0.25, memory_bytes: 4096 * 1024 }] }, ctx('linux')).stdout;
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PID\s+PPID\s+User\s+CPU %\s+Memory \(KB\)\s+Start Time \(UTC\)\s+Name\s+Command Line$/);
    expect(lines[2]).toMatch(/^\s*1\s+0\s+root\s+0\.3\s+4096\s+2024-01-01 00:00:00\s+init\s+\/sbin\/init splash$/);
  });

  it('shows cat as text, binary or -ShowHex as a hex dump, and says when it was cut', () => {
    expect(renderData('cat', { content: 'hello\n', encoding: 'utf8', size: 6, truncated: false }, ctx('linux')).stdout).toBe('hello\n');
    const hex = renderData('cat', { content: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x68, 0x69]).toString('base64'), encoding: 'base64', size: 9000, truncated: true }, ctx('windows')).stdout;
    expect(hex).toBe('00000000  4d 5a 90 00 68 69                                 |MZ..hi|\n\n[showing the first 6 of 9000 bytes]\n');
    expect(renderData('cat', { content: 'AB', encoding: 'utf8', size: 2 }, ctx('linux', {}, { ShowHex: true })).stdout).toMatch(/^00000000  41 42/);
    expect(hexDump(Buffer.alloc(17)).split('\n')).toHaveLength(3);
  });

  it('keeps a program’s own output and reports how it ended in stderr', () => {
    expect(renderData('runscript', { pid: 9, exit_code: 0, stdout: 'ok\n', stderr: '' }, ctx('linux'))).toEqual({ stdout: 'ok\n', stderr: '' });
    expect(renderData('run', { pid: 9, exit_code: 3, stdout: '', stderr: 'bad' }, ctx('linux'))).toEqual({ stdout: '', stderr: 'bad\nthe process exited with code 3\n' });
    expect(renderData('run', { pid: 9 }, ctx('linux')).stdout).toBe('Process started with PID 9\n');
  });

  it('turns failures, timeouts and pending commands into Falcon status', () => {
    const base = { id: 'c', name: 'ls', args: {}, status: 'error', sent_at: 'x', error: { code: 'not_found', message: '/nope: no such file or directory' } } as unknown as CommandRecord;
    expect(renderCommand(base, { platform: 'linux', options: {} })).toEqual({ complete: true, stdout: '', stderr: '/nope: no such file or directory\n' });
    expect(renderCommand({ ...base, status: 'timed_out', sent_at: null }, { platform: 'linux', options: {} }).stderr).toMatch(/did not come online/);
    expect(renderCommand({ ...base, status: 'running' }, { platform: 'linux', options: {} })).toEqual({ complete: false, stdout: '', stderr: '' });
  });
});

describe('RTR output chunking', () => {
  it('splits long output into sequences without cutting a character', () => {
    const text = 'a'.repeat(5) + 'é' + 'b'.repeat(5);
    const chunks = chunkText(text, 6);
    expect(chunks).toEqual(['aaaaa', 'ébbbb', 'b']);
    expect(sequenceCount({ stdout: text, stderr: 'x' }, 6)).toBe(3);
    expect(chunkAt({ stdout: text, stderr: 'x' }, 1, 6)).toEqual({ stdout: 'ébbbb', stderr: '' });
    expect(chunkAt({ stdout: text, stderr: '' }, 3, 6)).toBeUndefined();
    expect(chunkAt({ stdout: '', stderr: '' }, 0)).toEqual({ stdout: '', stderr: '' });
  });

  it('reassembles to the original for any text and chunk size', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 4, max: 64 }), (s, size) => {
        const parts = chunkText(s, size);
        expect(parts.join('')).toBe(s);
        for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(size);
      }),
    );
  });
});
