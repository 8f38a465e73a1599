import crypto from 'node:crypto';
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
