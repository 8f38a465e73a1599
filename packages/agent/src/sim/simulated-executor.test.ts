import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type FileTransfers, type Platform } from '../commands/types.ts';
import { SimulatedExecutor } from './simulated-executor.ts';
import { names, simHost } from './testing.ts';

const PLATFORMS: Platform[] = ['windows', 'linux', 'mac'];

describe('identity and determinism', () => {
  it.each(PLATFORMS)('%s: the same seed is the same host, down to files and processes', async (platform) => {
    const [a, b] = [simHost(platform, 'seed-1'), simHost(platform, 'seed-1')];
    expect(await a.executor.inventory()).toEqual(await b.executor.inventory());
    for (const [name, args] of [['ls', {}], ['ps', {}], ['netstat', {}], ['ipconfig', {}], ['getsid', {}], ['eventlog', { action: 'list' }]] as const) {
      expect(await a.ok(name, args), name).toEqual(await b.ok(name, args));
    }
    const home = platform === 'windows' ? 'C:\\Users' : platform === 'mac' ? '/Users' : '/home';
    const user = names(await a.ok('ls', { path: home })).find((n) => !['Default', 'Public', 'Shared'].includes(n))!;
    expect(await a.ok('ls', { path: `${home}/${user}` })).toEqual(await b.ok('ls', { path: `${home}/${user}` }));
  });

  it.each(PLATFORMS)('%s: different seeds are different hosts', async (platform) => {
    const [a, b] = [await new SimulatedExecutor({ seed: 1, platform }).inventory(), await new SimulatedExecutor({ seed: 2, platform }).inventory()];
    expect(a.hostname).not.toBe(b.hostname);
    expect(a.local_ip).not.toBe(b.local_ip);
    expect(a.mac_address).not.toBe(b.mac_address);
  });

  it('names hosts by platform and index, with unique private addresses across a fleet', async () => {
    const fleet = await Promise.all(Array.from({ length: 600 }, (_, i) => new SimulatedExecutor({ seed: 'fleet', platform: PLATFORMS[i % 3], index: i }).inventory()));
    expect(fleet[123].hostname).toBe('SIM-WIN-000123');
    expect(fleet[124].hostname).toBe('sim-lnx-000124');
    expect(fleet[125].hostname).toBe('sim-mac-000125');
    expect(new Set(fleet.map((h) => h.hostname)).size).toBe(600);
    expect(new Set(fleet.map((h) => h.local_ip)).size).toBe(600);
    expect(new Set(fleet.map((h) => h.mac_address)).size).toBe(600);
    for (const h of fleet) {
      expect(h.local_ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(h.tags).toContain('SimulatedHost');
    }
  });

  it.each(PLATFORMS)('%s: inventory is complete', async (platform) => {
    const inv = await simHost(platform, 'inv').executor.inventory();
    for (const [key, value] of Object.entries(inv)) {
      if (key !== 'machine_domain') expect(value, key).not.toSatisfy((v: unknown) => v === '' || (Array.isArray(v) && v.length === 0));
    }
    expect(inv.platform).toBe(platform);
    expect(inv.os_version).toMatch({ windows: /^Windows (1[01]|Server 20\d\d)$/, linux: /^(Ubuntu|Debian|RHEL) /, mac: /^macOS 1\d/ }[platform]);
    expect(inv.interfaces[0]).toEqual({ name: expect.any(String), ip: inv.local_ip, mac: inv.mac_address });
    expect(inv.agent_version).toBe('0.1.0');
  });

  it('some Windows hosts are domain-joined', async () => {
    const domains = await Promise.all(Array.from({ length: 40 }, (_, i) => new SimulatedExecutor({ seed: i, platform: 'windows' }).inventory().then((x) => x.machine_domain)));
    expect(domains).toContain('corp.example');
    expect(domains).toContain('');
  });

  it('validates its options and never throws from execute', async () => {
    expect(() => new SimulatedExecutor({ seed: 1, platform: 'beos' as Platform })).toThrow(TypeError);
    expect(() => new SimulatedExecutor({ seed: 1, platform: 'linux', index: -1 })).toThrow(TypeError);
    const h = simHost('linux');
    await h.fails('frobnicate', 'invalid_argument');
    await h.fails('ls', 'invalid_argument', { path: 42 });
    await h.fails('cat', 'invalid_argument', {});
    expect(await h.executor.execute({ id: 'x', name: 'ls', args: null as never, cwd: 'relative', timeout_ms: 1 }, { transfers: {} as FileTransfers, signal: new AbortController().signal }))
      .toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    for (const name of COMMAND_NAMES) {
      const r = await h.run(name, { path: '/nonexistent', pid: 999_999, action: 'view', name: 'nope', key: 'HKLM', executable: 'nope', source: '/x', destination: '/y' });
      expect(typeof r.ok, name).toBe('boolean');
    }
  });
});

describe('processes and network', () => {
  it('Windows has the usual process tree', async () => {
    const h = simHost('windows');
    const procs = (await h.ok('ps')).processes as { pid: number; ppid: number; name: string; path: string }[];
    const byName = (n: string) => procs.filter((p) => p.name === n);
    expect(byName('System')[0]).toMatchObject({ pid: 4, ppid: 0 });
    for (const n of ['smss.exe', 'csrss.exe', 'wininit.exe', 'services.exe', 'lsass.exe', 'explorer.exe', 'riposte-agent.exe']) expect(byName(n).length, n).toBeGreaterThan(0);
    expect(byName('svchost.exe').length).toBeGreaterThan(4);
    expect(byName('lsass.exe')[0].ppid).toBe(byName('wininit.exe')[0].pid);
    expect(procs.every((p) => p.pid % 4 === 0)).toBe(true);
    expect(procs.map((p) => p.pid)).toEqual([...procs.map((p) => p.pid)].sort((a, b) => a - b));
  });

  it('Linux has systemd, sshd, cron, a shell and the agent', async () => {
    const procs = (await simHost('linux').ok('ps')).processes as { pid: number; name: string }[];
    expect(procs[0]).toMatchObject({ pid: 1, name: 'systemd' });
    for (const n of ['sshd', 'bash', 'riposte-agent']) expect(procs.some((p) => p.name === n), n).toBe(true);
    expect(procs.some((p) => p.name === 'cron' || p.name === 'crond')).toBe(true);
  });

  it('kill removes a process and its sockets; critical ones and the agent are refused', async () => {
    const h = simHost('windows');
    const { processes } = await h.ok('ps');
    const rpc = (await h.ok('netstat')).connections.find((c: { local_port: number }) => c.local_port === 135);
    expect(rpc).toMatchObject({ protocol: 'tcp', state: 'LISTEN', process_name: 'svchost.exe' });
    expect(await h.ok('kill', { pid: rpc.pid })).toEqual({ pid: rpc.pid, signal: 'SIGKILL' });
    expect((await h.ok('ps')).processes).toHaveLength(processes.length - 1);
    expect((await h.ok('netstat')).connections.some((c: { pid: number }) => c.pid === rpc.pid)).toBe(false);
    await h.fails('kill', 'not_found', { pid: rpc.pid });
    await h.fails('kill', 'permission_denied', { pid: 4 });
    const agent = processes.find((p: { name: string }) => p.name === 'riposte-agent.exe').pid;
    await h.fails('kill', 'invalid_argument', { pid: agent });
    await h.fails('kill', 'invalid_argument', { pid: 'four' });

    const linux = simHost('linux');
    await linux.fails('kill', 'permission_denied', { pid: 1 });
    const bash = (await linux.ok('ps')).processes.find((p: { name: string }) => p.name === 'bash').pid;
    expect(await linux.ok('kill', { pid: bash, signal: 'term' })).toEqual({ pid: bash, signal: 'SIGTERM' });
    await linux.fails('kill', 'invalid_argument', { pid: 2, signal: 'SIGBOGUS' });
  });

  it('netstat and ipconfig describe the same addresses as inventory', async () => {
    const h = simHost('linux');
    const inv = await h.executor.inventory();
    const ip = await h.ok('ipconfig');
    expect(ip.interfaces[0].name).toBe('lo');
    expect(ip.interfaces[1]).toMatchObject({ name: inv.interfaces[0].name, mac: inv.mac_address });
    expect(ip.interfaces[1].addresses[0]).toEqual({ family: 'IPv4', address: inv.local_ip, netmask: '255.255.255.0', cidr: `${inv.local_ip}/24` });
    expect(ip.default_gateway).toMatch(/^10\.\d+\.\d+\.1$/);
    expect(ip.dns_servers.length).toBeGreaterThan(0);
    const agent = (await h.ok('netstat')).connections.find((c: { process_name: string }) => c.process_name === 'riposte-agent');
    expect(agent).toMatchObject({ local_address: inv.local_ip, remote_port: 443, state: 'ESTABLISHED' });
  });
});

describe('host facts', () => {
  it('Windows accounts have machine SIDs; POSIX accounts come from /etc/passwd', async () => {
    const win = await simHost('windows').ok('getsid');
    const admin = win.users.find((u: { name: string }) => u.name === 'Administrator');
    expect(admin).toMatchObject({ uid: null, gid: null });
    expect(admin.sid).toMatch(/^S-1-5-21-\d+-\d+-\d+-500$/);
    expect(win.groups.find((g: { name: string }) => g.name === 'Administrators').sid).toBe('S-1-5-32-544');

    const h = simHost('linux');
    const posix = await h.ok('getsid');
    expect(posix.users[0]).toEqual({ name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', sid: null });
    await h.ok('put', { sha256: h.transfers.add(Buffer.from('root:x:0:0:root:/root:/bin/sh\nmallory:x:0:0::/tmp:/bin/sh\n')), name: 'passwd', size: 1, destination: '/etc', overwrite: true });
    expect((await h.ok('getsid')).users.map((u: { name: string }) => u.name)).toEqual(['root', 'mallory']);
  });

  it('env and mount follow the platform', async () => {
    const h = simHost('windows');
    const inv = await h.executor.inventory();
    expect((await h.ok('env')).variables).toMatchObject({ COMPUTERNAME: inv.hostname, SystemRoot: 'C:\\Windows', OS: 'Windows_NT' });
    expect((await h.ok('mount')).mounts).toEqual([{ device: 'C:', mount_point: 'C:\\', fs_type: 'NTFS', options: '' }]);
    expect((await simHost('linux').ok('mount')).mounts[0]).toMatchObject({ mount_point: '/' });
    expect((await simHost('linux').ok('env')).variables).toMatchObject({ USER: 'root', HOME: '/root' });
  });

  it('filehash digests the virtual bytes; OS binaries hash alike across hosts on one build', async () => {
    const h = simHost('linux');
    const hash = await h.ok('filehash', { path: '/etc/hostname' });
    const text = `${(await h.executor.inventory()).hostname}\n`;
    expect(hash).toEqual({
      path: '/etc/hostname', size: text.length,
      md5: crypto.createHash('md5').update(text).digest('hex'), sha256: crypto.createHash('sha256').update(text).digest('hex'),
    });
    const cmdHashes = new Map<string, Set<string>>();
    for (let i = 0; i < 12; i++) {
      const w = simHost('windows', i);
      const build = (await w.executor.inventory()).os_build;
      const { sha256 } = await w.ok('filehash', { path: 'C:\\Windows\\System32\\cmd.exe' });
      cmdHashes.set(build, (cmdHashes.get(build) ?? new Set()).add(sha256));
    }
    for (const set of cmdHashes.values()) expect(set.size).toBe(1);
    await h.fails('filehash', 'is_a_directory', { path: '/etc' });
  });
});

describe('event logs', () => {
  it('Windows: System, Application and Security, viewed newest first', async () => {
    const h = simHost('windows');
    const { logs } = await h.ok('eventlog', { action: 'list' });
    expect(logs.map((l: { name: string }) => l.name)).toEqual(expect.arrayContaining(['System', 'Application', 'Security']));
    const view = await h.ok('eventlog', { action: 'view', name: 'security', count: 5 });
    expect(view.entries).toHaveLength(5);
    expect(view.entries[0]).toMatchObject({ source: 'Microsoft-Windows-Security-Auditing', event_id: expect.any(Number) });
    expect(view.entries[0].time >= view.entries[4].time).toBe(true);
    expect(view.lines[0]).toBe('Event[0]:');
    expect((await h.ok('eventlog', { action: 'view', name: 'Security', count: 2 })).entries).toEqual(view.entries.slice(0, 2));
    await h.fails('eventlog', 'not_found', { action: 'view', name: 'Nope' });
    await h.fails('eventlog', 'invalid_argument', { action: 'view' });

    const exported = await h.ok('eventlog', { action: 'export', name: 'System' });
    expect(exported.path).toMatch(/^C:\\Windows\\Temp\\riposte-agent\\eventlog-System-\d{8}T\d{6}Z\.evtx$/);
    expect((await h.ok('cat', { path: exported.path, max_bytes: 8 })).content).toBe(Buffer.from('ElfFile\0').toString('base64'));
  });

  it('Linux: the journal and text logs under /var/log', async () => {
    const h = simHost('linux');
    const { logs } = await h.ok('eventlog', { action: 'list' });
    expect(logs[0]).toMatchObject({ name: 'journal', source: 'journald' });
    expect(logs.map((l: { name: string }) => l.name)).toContain('kern.log');
    const view = await h.ok('eventlog', { action: 'view', name: 'kern.log', count: 3 });
    expect(view.lines).toHaveLength(3);
    expect(view.entries[0]).toMatchObject({ source: 'kernel', event_id: null });
    const file = (await h.ok('cat', { path: '/var/log/kern.log' })).content.trimEnd().split('\n');
    expect(view.lines).toEqual(file.slice(-3));
    expect((await h.ok('eventlog', { action: 'view', name: 'journal', count: 1 })).lines).toHaveLength(1);
    await h.fails('eventlog', 'not_found', { action: 'view', name: '../etc/passwd' });
  });
});

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

describe('virtual containment', () => {
  it('shows in netstat: while contained only the connection to the server is left', async () => {
    const h = simHost('linux', 'contain');
    const before = (await h.ok('netstat')).connections as { remote_address: string }[];
    await h.executor.containment({ action: 'contain', allow: [] });
    const during = (await h.ok('netstat')).connections as { remote_address: string }[];
    expect(during.length).toBeGreaterThan(0);
    expect(during.length).toBeLessThan(before.length);
    expect(new Set(during.map((c) => c.remote_address)).size).toBe(1);
    await h.executor.containment({ action: 'lift' });
    expect((await h.ok('netstat')).connections).toHaveLength(before.length);
  });
});
