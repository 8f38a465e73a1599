import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CommandLineError } from './command-line.ts';
import { allCommands, commandNames, parseCommand, platformRefusal, scriptAllowed, tierRefusal, type LibraryLookup, type ScriptRef, type TranslateContext } from './catalog.ts';

const script = (over: Partial<ScriptRef>): ScriptRef => ({ id: 's1', name: 'collect', content: 'echo hi', platform: ['linux'], permission_type: 'public', created_by_uuid: 'owner', ...over });
const library = (scripts: ScriptRef[] = []): LibraryLookup => ({
  putFile: async (name) => (name === 'tool.exe' ? { id: 'p1', name, sha256: 'a'.repeat(64), size: 3 } : undefined),
  script: async (name) => scripts.find((s) => s.name === name),
  falconScript: async (name) =>
    name.toLowerCase() === 'triage-linux' ? { name: 'triage-linux', content: 'echo triage "$1"', platform: ['linux'], parameters: ['Lines'] } : undefined,
});
const ctx = (over: Partial<TranslateContext> = {}): TranslateContext => ({ platform: 'linux', caller: { id: 'me', role: 'admin' }, library: library(), ...over });
const translate = async (line: string, c = ctx()) => {
  const p = parseCommand(line.split(' ')[0], line);
  return p.def.translate(p.args, c);
};

describe('Falcon RTR command catalog', () => {
  it('has exactly the vendor tiers', () => {
    expect(commandNames('read')).toEqual(['cat', 'cd', 'clear', 'env', 'eventlog', 'filehash', 'getsid', 'help', 'history', 'ifconfig', 'ipconfig', 'ls', 'mount', 'netstat', 'ps', 'pwd', 'reg', 'users']);
    const active = commandNames('active').filter((c) => !commandNames('read').includes(c));
    expect(active).toEqual(['cp', 'encrypt', 'get', 'kill', 'map', 'memdump', 'mkdir', 'mv', 'restart', 'rm', 'runscript', 'shutdown', 'unmap', 'update', 'xmemdump', 'zip']);
    const admin = commandNames('admin').filter((c) => !commandNames('active').includes(c));
    expect(admin).toEqual(['falconscript', 'put', 'put-and-run', 'run']);
    // reg is split: query is read-only, the rest active responder.
    expect(allCommands().filter((d) => d.base === 'reg').map((d) => [d.command, d.tier])).toEqual([
      ['reg query', 'read'], ['reg set', 'active'], ['reg delete', 'active'], ['reg load', 'active'], ['reg unload', 'active'],
    ]);
  });

  it('parses sub-commands and accepts base_command as the first word or the pair', () => {
    expect(parseCommand('reg', 'reg query HKLM\\Software').def.command).toBe('reg query');
    expect(parseCommand('reg query', 'reg query HKLM\\Software').args.positionals).toEqual(['HKLM\\Software']);
    expect(parseCommand('LS', 'ls /tmp').def.command).toBe('ls');
  });

  it('refuses unknown commands, mismatched base_command and wrong argument counts', () => {
    expect(() => parseCommand('rmdir', 'rmdir x')).toThrow(/unknown command "rmdir"/);
    expect(() => parseCommand('ls', 'cat x')).toThrow(/base_command "ls" does not match/);
    expect(() => parseCommand('reg', 'reg')).toThrow(/reg needs a sub-command: query, set, delete, load, unload/);
    expect(() => parseCommand('reg', 'reg frob x')).toThrow(/unknown sub-command/);
    expect(() => parseCommand('cp', 'cp onlyone')).toThrow(/cp takes 2 arguments, got 1; usage: cp <Source> <Destination>/);
    expect(() => parseCommand('ps', 'ps extra')).toThrow(/ps takes 0 arguments/);
    expect(() => parseCommand('ls', '')).toThrow(/empty/);
  });

  it('names the tier when a command comes through a lower endpoint', () => {
    const rm = parseCommand('rm', 'rm /tmp/x').def;
    expect(tierRefusal(rm, 'read')).toMatch(/"rm" is an active-responder command; this endpoint runs read-only commands only \(use RTR_ExecuteActiveResponderCommand/);
    expect(tierRefusal(parseCommand('put', 'put x').def, 'active', 'batch')).toMatch(/admin command.*BatchAdminCmd/);
    expect(tierRefusal(rm, 'admin')).toBeUndefined();
    expect(platformRefusal(parseCommand('reg', 'reg query HKLM').def, 'linux')).toBe('reg query is not available on Linux hosts');
  });

  it('translates to the internal vocabulary', async () => {
    expect(await translate('ls')).toMatchObject({ kind: 'agent', name: 'ls', args: {} });
    expect(await translate('rm /tmp/d -Force')).toMatchObject({ name: 'rm', args: { path: '/tmp/d', recursive: true, force: true } });
    expect(await translate('kill 42')).toMatchObject({ name: 'kill', args: { pid: 42 } });
    expect(await translate('get /etc/hosts')).toMatchObject({ name: 'get', capability: 'get' });
    expect(await translate('run /usr/bin/id -CommandLine="-u -n" -Wait')).toMatchObject({ name: 'run', capability: 'run', args: { executable: '/usr/bin/id', args: ['-u', '-n'], wait: true } });
    expect(await translate('put tool.exe')).toMatchObject({ name: 'put', capability: 'put', args: { sha256: 'a'.repeat(64), name: 'tool.exe', size: 3 } });
    expect(await translate('put-and-run tool.exe -CommandLine="/q"')).toMatchObject({ name: 'put', capability: 'put-and-run', then: { name: 'run', args: { args: ['/q'], wait: false } } });
    expect(await translate('help reg set')).toEqual({ kind: 'server', action: 'help', topic: 'reg set' });
    expect(await translate('eventlog view syslog 20')).toMatchObject({ name: 'eventlog', args: { action: 'view', name: 'syslog', count: 20 } });
  });

  it('translates runscript from each source with its timeout', async () => {
    const raw = await translate('runscript -Raw=```echo "hi there"``` -CommandLine="a b" -Timeout=5');
    expect(raw).toMatchObject({ name: 'runscript', capability: 'custom-script', args: { script: 'echo "hi there"', args: ['a', 'b'], timeout_ms: 5000 } });
    expect(await translate('runscript -HostPath=/opt/x.sh')).toMatchObject({ args: { host_path: '/opt/x.sh', timeout_ms: 30_000 } });
    const c = ctx({ library: library([script({})]) });
    expect(await translate('runscript -CloudFile="collect"', c)).toMatchObject({ args: { script: 'echo hi' } });
  });

  it('refuses bad runscript, kill, put and restart lines with a clean error', async () => {
    await expect(translate('runscript -Raw=```x``` -HostPath=/y')).rejects.toThrow(/exactly one of/);
    await expect(translate('runscript -Raw=```x``` -Timeout=601')).rejects.toThrow(/-Timeout must be a whole number between 1 and 600/);
    await expect(translate('runscript -CloudFile=nope')).rejects.toThrow(/no custom script named "nope"/);
    await expect(translate('runscript -CloudFile=collect', ctx({ platform: 'windows', library: library([script({})]) }))).rejects.toThrow(/is for linux, not windows/);
    await expect(translate('kill abc')).rejects.toThrow(/PID must be a whole number/);
    await expect(translate('put missing.exe')).rejects.toThrow(/no put-file named "missing.exe"/);
    await expect(translate('restart')).rejects.toThrow(/needs -Confirm/);
  });

  it('applies script permission types: public to responders, group to admins, private to the owner', () => {
    const responder = { id: 'me', role: 'active' as const };
    const adminCaller = { id: 'me', role: 'admin' as const };
    expect(scriptAllowed(script({ permission_type: 'public' }), responder)).toBe(true);
    expect(scriptAllowed(script({ permission_type: 'public' }), { id: 'me', role: 'read' })).toBe(false);
    expect(scriptAllowed(script({ permission_type: 'group' }), responder)).toBe(false);
    expect(scriptAllowed(script({ permission_type: 'group' }), adminCaller)).toBe(true);
    expect(scriptAllowed(script({ permission_type: 'private' }), adminCaller)).toBe(false);
    expect(scriptAllowed(script({ permission_type: 'private', created_by_uuid: 'me' }), responder)).toBe(true);
  });

  it('never throws anything but a CommandLineError while parsing and translating any line', async () => {
    const first = fc.constantFrom(...new Set(allCommands().map((d) => d.base)));
    const rest = fc.array(fc.constantFrom(' ', 'x', '-Force', '-Timeout=9', '-CommandLine', '"', '```', '=', '12', '-Raw=```a```', 'query', 'list', '-Confirm'), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(first, rest, async (base, parts) => {
        try {
          const p = parseCommand(base, `${base} ${parts.join(' ')}`);
          await p.def.translate(p.args, ctx({ library: library([script({})]) }));
        } catch (e) {
          if (!(e instanceof CommandLineError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('falconscript', () => {
  it('runs a built-in script with its JSON input as arguments, refusing what it does not take', async () => {
    expect(await translate('falconscript -Name=triage-linux -JsonInput=```{"Lines": 7}```')).toMatchObject({
      kind: 'agent',
      name: 'runscript',
      capability: 'falcon-script',
      args: { script: 'echo triage "$1"', args: ['7'] },
    });
    expect(await translate('falconscript -Name=triage-linux')).toMatchObject({ args: { args: [] } });
    await expect(translate('falconscript -Name=nothing')).rejects.toThrow(/no Falcon script named "nothing"/);
    await expect(translate('falconscript -Name=triage-linux', ctx({ platform: 'windows' }))).rejects.toThrow(/is for linux, not windows/);
    await expect(translate('falconscript -Name=triage-linux -JsonInput=```{"Colour": 1}```')).rejects.toThrow(/takes only Lines; not "Colour"/);
    await expect(translate('falconscript -Name=triage-linux -JsonInput=[1]')).rejects.toThrow(/JSON object/);
    await expect(translate('falconscript -Name=triage-linux -JsonInput={oops')).rejects.toThrow(/not JSON/);
    await expect(translate('falconscript')).rejects.toThrow(/needs -Name/);
  });
});
