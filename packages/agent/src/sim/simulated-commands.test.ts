// The simulated executor's commands that change the host or move bytes: archives, encryption,
// dumps, file transfer, programs and scripts, power and updates, drives.

import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { names, simHost } from './testing.ts';

describe('archives, encryption and dumps', () => {
  it('zip writes a real archive into the virtual disk', async () => {
    const h = simHost('linux');
    const user = names(await h.ok('ls', { path: '/home' }))[0];
    const zipped = await h.ok('zip', { source: `/home/${user}/.ssh`, destination: '/tmp/keys.zip' });
    expect(zipped).toMatchObject({ source: `/home/${user}/.ssh`, destination: '/tmp/keys.zip', files: 1, skipped: 0 });
    const archive = Buffer.from((await h.ok('cat', { path: '/tmp/keys.zip' })).content, 'base64');
    expect(archive.length).toBe(zipped.size);
    const members = unzip(archive);
    expect([...members.keys()]).toEqual(['.ssh/', '.ssh/authorized_keys']);
    expect(members.get('.ssh/authorized_keys')!.toString()).toBe((await h.ok('cat', { path: `/home/${user}/.ssh/authorized_keys` })).content);
    await h.fails('zip', 'already_exists', { source: '/etc/hosts', destination: '/tmp/keys.zip' });
  });

  it('encrypt writes IV + AES-256-CBC next to the original', async () => {
    const h = simHost('windows');
    const enc = await h.ok('encrypt', { path: 'C:\\Windows\\win.ini', key: 'passphrase' });
    expect(enc).toMatchObject({ path: 'C:\\Windows\\win.ini', output_path: 'C:\\Windows\\win.ini.encrypted', algorithm: 'aes-256-cbc' });
    const bytes = Buffer.from((await h.ok('cat', { path: enc.output_path })).content, 'base64');
    const decipher = crypto.createDecipheriv('aes-256-cbc', Buffer.from(enc.key, 'hex'), bytes.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString();
    expect(plain).toBe((await h.ok('cat', { path: 'C:\\Windows\\win.ini' })).content);
    await h.fails('encrypt', 'already_exists', { path: 'C:\\Windows\\win.ini' });
  });

  it('memdump writes a riposte-memdump/1 file; xmemdump is Windows only', async () => {
    for (const platform of ['windows', 'linux'] as const) {
      const h = simHost(platform);
      const proc = (await h.ok('ps')).processes.find((p: { name: string }) => p.name.startsWith('riposte-agent'));
      const dump = await h.ok('memdump', { pid: proc.pid });
      expect(dump).toMatchObject({ pid: proc.pid, size: expect.any(Number), regions: expect.any(Number) });
      const file = await h.ok('filehash', { path: dump.path });
      expect(file).toMatchObject({ size: dump.size, sha256: dump.sha256 });
      const head = Buffer.from((await h.ok('cat', { path: dump.path, max_bytes: 8192 })).content, 'base64').toString('latin1');
      const header = JSON.parse(head.slice(0, head.indexOf('\n')));
      expect(header).toMatchObject({ format: 'riposte-memdump/1', pid: proc.pid });
      expect(header.regions).toHaveLength(dump.regions);
      const last = header.regions.at(-1);
      expect(last.file_offset + last.size).toBe(dump.size);
      await h.fails('memdump', 'not_found', { pid: 999_999 });
    }
    expect(await simHost('mac').fails('memdump', 'not_supported', { pid: 1 })).toBe('memdump is not supported on mac');
    const x = await simHost('windows').ok('xmemdump');
    expect(x.size).toBeGreaterThan(0);
    expect(await simHost('linux').fails('xmemdump', 'not_supported')).toContain('linux');
  });
});

describe('file transfer', () => {
  it('get uploads the virtual bytes through a temporary file', async () => {
    const h = simHost('linux');
    const data = await h.ok('get', { path: '/etc/passwd' });
    const [upload] = h.transfers.uploads;
    expect(upload.bytes.toString()).toBe((await h.ok('cat', { path: '/etc/passwd' })).content);
    expect(data).toEqual({ path: '/etc/passwd', name: 'passwd', size: upload.bytes.length, sha256: crypto.createHash('sha256').update(upload.bytes).digest('hex') });
    expect(fs.existsSync(upload.localPath)).toBe(false);
    await h.fails('get', 'is_a_directory', { path: '/etc' });
    await h.fails('get', 'not_found', { path: '/etc/nope' });
  });

  it('put stores the downloaded bytes; cat and filehash see them', async () => {
    const h = simHost('windows');
    const bytes = Buffer.from('Write-Output "collected"\r\n');
    const sha256 = h.transfers.add(bytes);
    expect(await h.ok('put', { sha256, name: 'collect.ps1', size: bytes.length }, { cwd: 'C:\\Windows\\Temp' })).toEqual({
      path: 'C:\\Windows\\Temp\\collect.ps1', size: bytes.length, sha256,
    });
    expect((await h.ok('cat', { path: 'c:\\windows\\temp\\COLLECT.PS1' })).content).toBe(bytes.toString());
    expect((await h.ok('filehash', { path: 'C:\\Windows\\Temp\\collect.ps1' })).sha256).toBe(sha256);
    await h.fails('put', 'already_exists', { sha256, name: 'collect.ps1', size: bytes.length, destination: 'C:\\Windows\\Temp' });
    await h.ok('put', { sha256, name: 'collect.ps1', size: bytes.length, destination: 'C:\\Windows\\Temp', overwrite: true });
    await h.fails('put', 'not_found', { sha256, name: 'x', size: 1, destination: 'C:\\No\\Such\\x' });
    await h.fails('put', 'invalid_argument', { sha256, name: '..\\x', size: 1 });
    await h.fails('put', 'too_large', { sha256, name: 'big.bin', size: 16 * 1024 * 1024 });
    await h.fails('put', 'transfer_failed', { sha256: 'a'.repeat(64), name: 'missing.bin', size: 1 });
  });

  it('put rejects bytes that do not match their hash', async () => {
    const h = simHost('linux');
    const sha256 = h.transfers.add(Buffer.from('real'));
    h.transfers.blobs.set(sha256, Buffer.from('tampered'));
    await h.fails('put', 'transfer_failed', { sha256, name: 'x', size: 4 }, { cwd: '/tmp' });
    await h.fails('ls', 'not_found', { path: '/tmp/x' });
  });
});

describe('run and runscript', () => {
  it('simulates well-known programs per platform', async () => {
    const win = simHost('windows');
    const inv = await win.executor.inventory();
    expect(await win.ok('run', { executable: 'whoami.exe' })).toMatchObject({ exit_code: 0, stdout: 'nt authority\\system\r\n', stderr: '', timed_out: false, truncated: false, signal: null });
    expect((await win.ok('run', { executable: 'C:\\Windows\\System32\\HOSTNAME.EXE' })).stdout).toBe(`${inv.hostname}\r\n`);
    expect((await win.ok('run', { executable: 'cmd.exe', args: ['/c', 'echo', 'X'] })).stdout).toBe('X\r\n');
    expect((await win.ok('run', { executable: 'ipconfig.exe' })).stdout).toContain(inv.local_ip);
    expect((await win.ok('run', { executable: 'cmd.exe', args: ['/c', 'frob'] })).exit_code).toBe(1);
    await win.fails('run', 'not_found', { executable: 'uname' });

    const lin = simHost('linux');
    const linv = await lin.executor.inventory();
    expect((await lin.ok('run', { executable: 'uname', args: ['-a'] })).stdout).toMatch(new RegExp(`^Linux ${linv.hostname} ${linv.kernel_version} .*GNU/Linux\\n$`));
    expect((await lin.ok('run', { executable: '/bin/echo', args: ['a', 'b'] })).stdout).toBe('a b\n');
    expect((await lin.ok('run', { executable: 'ip', args: ['a'] })).stdout).toContain(`inet ${linv.local_ip}/24`);
    expect((await lin.ok('run', { executable: 'false' })).exit_code).toBe(1);
    expect(await lin.fails('run', 'not_found', { executable: 'ipconfig.exe' })).toBe('executable not found: ipconfig.exe');
    expect((await lin.ok('run', { executable: '/usr/bin/python3' })).exit_code).toBe(0); // on disk, not simulated: runs silently
    await lin.fails('run', 'not_a_directory', { executable: 'true', working_directory: '/etc/hosts' });
  });

  it('run without waiting starts a process that ps lists and kill ends', async () => {
    const h = simHost('linux');
    const { pid } = await h.ok('run', { executable: '/usr/bin/python3', args: ['-m', 'http.server'], wait: false });
    const proc = (await h.ok('ps')).processes.find((p: { pid: number }) => p.pid === pid);
    expect(proc).toMatchObject({ name: 'python3', command_line: '/usr/bin/python3 -m http.server', user: 'root' });
    await h.ok('kill', { pid });
    expect((await h.ok('ps')).processes.some((p: { pid: number }) => p.pid === pid)).toBe(false);
  });

  it('runscript interprets echo / Write-Output / exit', async () => {
    const win = simHost('windows');
    expect(await win.ok('runscript', { script: 'Write-Output "hello"\nWrite-Error oops\nexit 3\nWrite-Output never' })).toMatchObject({
      exit_code: 3, stdout: 'hello\r\n', stderr: 'oops\r\n', timed_out: false, signal: null,
    });
    const lin = simHost('linux');
    expect(await lin.ok('runscript', { script: '#!/bin/sh\necho one; echo "two three"\n' })).toMatchObject({ exit_code: 0, stdout: 'one\ntwo three\n' });
    await lin.ok('put', { sha256: lin.transfers.add(Buffer.from('echo from-disk\nexit 7\n')), name: 'ir.sh', size: 1 }, { cwd: '/tmp' });
    expect(await lin.ok('runscript', { host_path: '/tmp/ir.sh' })).toMatchObject({ exit_code: 7, stdout: 'from-disk\n' });
    await lin.fails('runscript', 'invalid_argument', {});
    await lin.fails('runscript', 'invalid_argument', { script: 'echo', host_path: '/tmp/ir.sh' });
    await lin.fails('runscript', 'not_found', { host_path: '/tmp/missing.sh' });
    expect((await lin.ok('run', { executable: 'bash', args: ['-c', 'echo via-shell; exit 2'] }))).toMatchObject({ exit_code: 2, stdout: 'via-shell\n' });
  });

  it('sleeps take real time, end in timed_out past the limit, and honour cancellation', async () => {
    const h = simHost('linux');
    const started = Date.now();
    expect(await h.ok('runscript', { script: 'echo before\nsleep 0.05\necho after' })).toMatchObject({ stdout: 'before\nafter\n', timed_out: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(await h.ok('runscript', { script: 'echo before\nsleep 30\necho after', timeout_ms: 50 })).toMatchObject({
      stdout: 'before\n', timed_out: true, exit_code: null, signal: 'SIGKILL',
    });
    const controller = new AbortController();
    const pending = h.run('run', { executable: 'sleep', args: ['30'] }, { signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'failed', message: 'command was cancelled' } });
    const timedOut = h.run('run', { executable: 'sleep', args: ['30'] }, { signal: AbortSignal.timeout(20) });
    expect(await timedOut).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });
});

describe('system state', () => {
  it('restart and shutdown only mark the host', async () => {
    const h = simHost('windows');
    expect(h.executor.pendingPowerAction).toBeNull();
    expect(await h.ok('restart')).toEqual({ action: 'restart', command: 'shutdown /r /t 0', scheduled: true });
    expect(h.executor.pendingPowerAction).toBe('restart');
    expect((await simHost('linux').ok('shutdown')).scheduled).toBe(true);
  });

  it('Windows updates: list, install, history, query', async () => {
    const h = simHost('windows', 'updates');
    const { manager, updates } = await h.ok('update', { action: 'list' });
    expect(manager).toBe('windows-update');
    const before = (await h.ok('update', { action: 'history' })).entries;
    expect(before.every((e: { name: string }) => /^KB\d+$/.test(e.name))).toBe(true);
    const target = updates[0] ?? { name: before[0].name };
    if (updates.length) {
      expect(await h.ok('update', { action: 'install', id: target.name.toLowerCase() })).toMatchObject({ name: target.name, installed: true });
      expect((await h.ok('update', { action: 'list' })).updates).toHaveLength(updates.length - 1);
      expect((await h.ok('update', { action: 'history' })).entries.at(-1).name).toBe(target.name);
    }
    expect(await h.ok('update', { action: 'query', id: target.name })).toMatchObject({ name: target.name, installed: true });
    await h.fails('update', 'already_exists', { action: 'install', id: target.name });
    await h.fails('update', 'not_found', { action: 'query', id: 'KB0000000' });
  });

  it('Linux updates look like apt; install is not supported, as on the real agent', async () => {
    const h = simHost('linux', 'apt-host');
    const list = await h.ok('update', { action: 'list' });
    expect(['apt', 'dnf']).toContain(list.manager);
    for (const u of list.updates) expect(u).toEqual({ name: expect.any(String), version: expect.any(String), current_version: expect.any(String), arch: expect.any(String), source: expect.any(String), title: u.name, reboot_required: expect.any(Boolean) });
    expect(await h.fails('update', 'not_supported', { action: 'install', id: 'openssl' })).toContain('linux');
  });

  it('map and unmap network drives on Windows only', async () => {
    const h = simHost('windows');
    expect(await h.ok('map', { drive: 'z', path: '\\\\fs01\\evidence' })).toEqual({ drive: 'Z:', path: '\\\\fs01\\evidence' });
    expect((await h.ok('mount')).mounts.map((m: { mount_point: string }) => m.mount_point)).toEqual(['C:\\', 'Z:\\']);
    await h.ok('mkdir', { path: 'Z:\\case-1' });
    expect(names(await h.ok('ls', { path: 'z:\\' }))).toEqual(['case-1']);
    await h.fails('map', 'already_exists', { drive: 'Z:', path: '\\\\fs01\\other' });
    await h.fails('map', 'invalid_argument', { drive: 'ZZ', path: '\\\\fs01\\other' });
    expect(await h.ok('unmap', { drive: 'Z:' })).toEqual({ drive: 'Z:', path: '\\\\fs01\\evidence' });
    await h.fails('ls', 'not_found', { path: 'Z:\\' });
    await h.fails('unmap', 'not_found', { drive: 'Z:' });
    for (const platform of ['linux', 'mac'] as const) {
      expect(await simHost(platform).fails('map', 'not_supported', { drive: 'Z', path: '\\\\a\\b' })).toBe(`map is not supported on ${platform}`);
      expect(await simHost(platform).fails('unmap', 'not_supported', { drive: 'Z' })).toBe(`unmap is not supported on ${platform}`);
    }
  });

  it('dispose forgets an untouched host and keeps a changed one', async () => {
    const h = simHost('linux');
    const before = await h.ok('ps');
    const bash = before.processes.find((p: { name: string }) => p.name === 'bash').pid;
    await h.ok('kill', { pid: bash });
    h.executor.dispose();
    expect((await h.ok('ps')).processes).toHaveLength(before.processes.length - 1);
    const fresh = simHost('linux');
    const listing = await fresh.ok('ls', { path: '/etc' });
    fresh.executor.dispose();
    expect(await fresh.ok('ls', { path: '/etc' })).toEqual(listing);
  });
});

/** Members of a ZIP archive, read through its central directory. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let p = archive.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = archive.readUInt16LE(p + 10);
    const size = archive.readUInt32LE(p + 20);
    const nameLength = archive.readUInt16LE(p + 28);
    const name = archive.subarray(p + 46, p + 46 + nameLength).toString();
    const local = archive.readUInt32LE(p + 42);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(start, start + size);
    const data = method === 8 ? zlib.inflateRawSync(body) : body;
    expect(zlib.crc32(data)).toBe(archive.readUInt32LE(p + 16));
    out.set(name, data);
    p += 46 + nameLength + archive.readUInt16LE(p + 30) + archive.readUInt16LE(p + 32);
  }
  return out;
}
