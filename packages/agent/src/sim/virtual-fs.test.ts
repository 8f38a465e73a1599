import { describe, expect, it } from 'vitest';
import { pathStyle } from './paths.ts';
import { names, simHost } from './testing.ts';

describe('path syntax', () => {
  const win = pathStyle('windows');
  const posix = pathStyle('linux');

  it('resolves Windows paths: separators, drive letters, dot segments', () => {
    expect(win.resolve('C:\\Users', 'alice\\..\\bob/Documents')).toBe('C:\\Users\\bob\\Documents');
    expect(win.resolve('C:\\Users', 'd:\\x')).toBe('D:\\x');
    expect(win.resolve('C:\\Users', '\\Windows')).toBe('C:\\Windows');
    expect(win.resolve('C:\\Users', 'c:temp')).toBe('C:\\Users\\temp'); // drive-relative, same drive
    expect(win.resolve('C:\\Users', 'D:temp')).toBe('D:\\temp');
    expect(win.resolve('C:\\', '..\\..')).toBe('C:\\');
    expect(win.resolve('C:\\', 'a<b')).toBeNull();
    expect(win.resolve('C:\\', '\\\\server\\share')).toBeNull();
    expect(win.parent('C:\\Windows')).toBe('C:\\');
    expect(win.parent('C:\\')).toBeNull();
    expect(win.split('C:\\Windows\\System32')).toEqual(['C:\\', 'Windows', 'System32']);
  });

  it('resolves POSIX paths', () => {
    expect(posix.resolve('/home/alice', '../bob/./x')).toBe('/home/bob/x');
    expect(posix.resolve('/home', '/etc//hosts')).toBe('/etc/hosts');
    expect(posix.parent('/etc')).toBe('/');
    expect(posix.parent('/')).toBeNull();
    expect(posix.split('/')).toEqual(['/']);
  });
});

describe('Windows file system', () => {
  it('has the usual tree and is case-insensitive, reporting the stored case', async () => {
    const h = simHost('windows');
    const root = await h.ok('ls', {});
    expect(names(root)).toEqual(expect.arrayContaining(['Program Files', 'ProgramData', 'Users', 'Windows']));
    const sys = await h.ok('ls', { path: 'c:/windows/SYSTEM32' });
    expect(sys.path).toBe('C:\\Windows\\System32');
    expect(names(sys)).toEqual(expect.arrayContaining(['cmd.exe', 'drivers', 'lsass.exe']));
    const cmd = sys.entries.find((e: { name: string }) => e.name === 'cmd.exe');
    expect(cmd).toMatchObject({ path: 'C:\\Windows\\System32\\cmd.exe', type: 'file', mode: 'A', size: 323_584 });
    expect(sys.entries.find((e: { name: string }) => e.name === 'drivers').mode).toBe('D');
    expect((await h.ok('ls', { path: 'C:\\' })).entries.find((e: { name: string }) => e.name === '$Recycle.Bin').mode).toBe('DHS');

    const hosts = await h.ok('cat', { path: 'C:\\WINDOWS\\system32\\Drivers\\ETC\\HOSTS' });
    expect(hosts.path).toBe('C:\\Windows\\System32\\drivers\\etc\\hosts');
    expect(hosts.encoding).toBe('utf8');
    expect(hosts.content).toContain('\r\n');
  });

  it('resolves relative paths against the session directory and cd changes it', async () => {
    const h = simHost('windows');
    const r = await h.run('cd', { path: 'windows\\system32' });
    expect(r).toMatchObject({ ok: true, cwd: 'C:\\Windows\\System32', data: { cwd: 'C:\\Windows\\System32' } });
    expect((await h.ok('ls', { path: 'drivers\\etc' }, { cwd: 'C:\\Windows\\System32' })).path).toBe('C:\\Windows\\System32\\drivers\\etc');
    expect((await h.ok('pwd', {}, { cwd: 'C:\\Users' })).cwd).toBe('C:\\Users');
    await h.fails('cd', 'not_found', { path: 'Q:\\' });
    await h.fails('cd', 'not_a_directory', { path: 'C:\\Windows\\win.ini' });
    await h.fails('ls', 'invalid_argument', {}, { cwd: '/etc' });
  });

  it('keeps mkdir, cp, mv and rm, case-insensitively', async () => {
    const h = simHost('windows');
    await h.ok('mkdir', { path: 'C:\\Cases\\IR-42\\evidence', parents: true });
    await h.fails('mkdir', 'already_exists', { path: 'c:\\cases' });
    await h.fails('mkdir', 'not_found', { path: 'C:\\nope\\x' });
    expect(names(await h.ok('ls', { path: 'c:\\CASES' }))).toEqual(['IR-42']);

    expect(await h.ok('cp', { source: 'C:\\Windows\\win.ini', destination: 'c:\\cases\\ir-42' })).toEqual({
      source: 'C:\\Windows\\win.ini', destination: 'C:\\Cases\\IR-42\\win.ini',
    });
    await h.ok('mv', { source: 'C:\\Cases\\IR-42\\WIN.INI', destination: 'C:\\Cases\\IR-42\\evidence\\copy.ini' });
    expect(names(await h.ok('ls', { path: 'C:\\Cases\\IR-42' }))).toEqual(['evidence']);
    expect((await h.ok('cat', { path: 'C:\\Cases\\IR-42\\evidence\\copy.ini' })).content).toContain('[fonts]');
    await h.fails('cp', 'invalid_argument', { source: 'C:\\Cases', destination: 'C:\\Cases\\IR-42' });

    await h.fails('rm', 'invalid_argument', { path: 'C:\\Cases' }); // not empty
    await h.ok('rm', { path: 'C:\\Cases', recursive: true });
    await h.fails('ls', 'not_found', { path: 'C:\\Cases\\IR-42' });
    expect(names(await h.ok('ls', {}))).not.toContain('Cases');
    expect(await h.ok('rm', { path: 'C:\\Cases', force: true })).toEqual({ path: 'C:\\Cases' });
  });

  it('removes and renames generated files too', async () => {
    const h = simHost('windows');
    const user = (await h.ok('ls', { path: 'C:\\Users' })).entries.find((e: { name: string }) => !['Default', 'Public'].includes(e.name)).path;
    const desktop = `${user}\\Desktop`;
    await h.ok('rm', { path: `${desktop}\\notes.txt` });
    expect(names(await h.ok('ls', { path: desktop }))).toEqual([]);
    await h.ok('mv', { source: `${user}\\Documents`, destination: `${user}\\Docs` });
    await h.fails('ls', 'not_found', { path: `${user}\\Documents` });
    expect((await h.ok('ls', { path: `${user}\\Docs` })).entries.length).toBeGreaterThan(0);
  });

  it('refuses to remove roots and TrustedInstaller files', async () => {
    const h = simHost('windows');
    await h.fails('rm', 'invalid_argument', { path: 'C:\\', recursive: true });
    await h.fails('rm', 'permission_denied', { path: 'C:\\Windows\\System32\\lsass.exe' });
    await h.fails('rm', 'permission_denied', { path: 'C:\\Windows\\System32\\WindowsPowerShell', recursive: true });
    await h.fails('mv', 'permission_denied', { source: 'C:\\Windows\\System32\\cmd.exe', destination: 'C:\\cmd.exe' });
    await h.ok('put', { sha256: h.transfers.add(Buffer.from('x')), name: 'evil.dll', size: 1, destination: 'C:\\Windows\\System32' });
    await h.ok('rm', { path: 'C:\\Windows\\System32\\evil.dll' }); // what an attacker drops can be removed
  });

  it('lists a directory again after every kind of change to it, and a caller editing a listing changes nothing', async () => {
    const h = simHost('windows');
    const ls = async (path = 'C:\\') => names(await h.ok('ls', { path }));
    const first = await h.ok('ls', {});
    // Listings are frozen: a caller cannot change the host through one.
    expect(() => (first.entries[0].name = 'edited')).toThrow(TypeError);
    expect(() => first.entries.pop()).toThrow(TypeError);
    expect(await ls()).toEqual(names(await h.ok('ls', { path: 'c:\\' }))); // the same listing, by another spelling
    await h.ok('mkdir', { path: 'C:\\Made' });
    expect(await ls()).toContain('Made');
    await h.ok('cp', { source: 'C:\\Windows\\win.ini', destination: 'C:\\Made' });
    expect(await ls('C:\\Made')).toEqual(['win.ini']);
    await h.ok('put', { sha256: h.transfers.add(Buffer.from('xyz')), name: 'drop.bin', size: 3, destination: 'C:\\Made' });
    expect((await h.ok('ls', { path: 'C:\\Made' })).entries.map((e: { name: string; size: number }) => `${e.name} ${e.size}`)).toEqual(['drop.bin 3', 'win.ini 92']);
    await h.ok('put', { sha256: h.transfers.add(Buffer.from('longer')), name: 'drop.bin', size: 6, destination: 'C:\\Made', overwrite: true });
    expect((await h.ok('ls', { path: 'C:\\Made\\drop.bin' })).entries[0].size).toBe(6);
    await h.ok('mv', { source: 'C:\\Made\\win.ini', destination: 'C:\\Made\\moved.ini' });
    expect(await ls('C:\\Made')).toEqual(['drop.bin', 'moved.ini']);
    await h.ok('rm', { path: 'C:\\Made\\drop.bin' });
    expect(await ls('C:\\Made')).toEqual(['moved.ini']);
    await h.ok('rm', { path: 'C:\\Made', recursive: true });
    expect(await ls()).not.toContain('Made');
    await h.fails('ls', 'not_found', { path: 'C:\\Made' });
    await h.ok('map', { drive: 'Z', path: '\\\\srv\\share' });
    expect(await ls('Z:\\')).toEqual([]);
    await h.ok('unmap', { drive: 'Z' });
    await h.fails('ls', 'not_found', { path: 'Z:\\' });
  });

  it('keeps changes when caches are dropped', async () => {
    const h = simHost('windows');
    await h.ok('mkdir', { path: 'C:\\Keep' });
    await h.ok('rm', { path: 'C:\\PerfLogs' });
    const before = await h.ok('ls', {});
    h.executor.dispose();
    expect(await h.ok('ls', {})).toEqual(before);
    expect(names(before)).toContain('Keep');
    expect(names(before)).not.toContain('PerfLogs');
  });
});

describe('POSIX file systems', () => {
  it('Linux: /etc, /var/log and home directories; case-sensitive', async () => {
    const h = simHost('linux');
    expect(names(await h.ok('ls', { path: '/etc' }))).toEqual(expect.arrayContaining(['group', 'hosts', 'passwd', 'shadow']));
    const passwd = await h.ok('cat', { path: '/etc/passwd' });
    expect(passwd.content).toMatch(/^root:x:0:0:/);
    expect((await h.ok('ls', { path: '/etc/shadow' })).entries[0].mode).toBe('0640');
    expect(names(await h.ok('ls', { path: '/var/log' }))).toEqual(expect.arrayContaining(['auth.log', 'kern.log']));
    await h.fails('ls', 'not_found', { path: '/ETC' });
    const homes = names(await h.ok('ls', { path: '/home' }));
    expect(homes.length).toBeGreaterThan(0);
    expect(names(await h.ok('ls', { path: `/home/${homes[0]}` }))).toEqual(expect.arrayContaining(['.bash_history', '.ssh']));
  });

  it('mac: /Users and /Applications, case-insensitive like APFS', async () => {
    const h = simHost('mac');
    expect(names(await h.ok('ls', {}))).toEqual(expect.arrayContaining(['Applications', 'Library', 'Users']));
    expect(names(await h.ok('ls', { path: '/applications' }))).toContain('Safari.app');
    expect(names(await h.ok('ls', { path: '/Users' }))).toContain('Shared');
  });

  it('cat reports truncation and base64 for binaries', async () => {
    const h = simHost('linux');
    const elf = await h.ok('cat', { path: '/usr/bin/ls', max_bytes: 16 });
    expect(elf).toMatchObject({ size: 138_216, truncated: true, encoding: 'base64' });
    expect(Buffer.from(elf.content, 'base64').subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    const log = await h.ok('cat', { path: '/var/log/auth.log', max_bytes: 10 });
    expect(log).toMatchObject({ truncated: true, encoding: 'utf8' });
    expect(log.content).toHaveLength(10);
    await h.fails('cat', 'is_a_directory', { path: '/etc' });
  });
});
