// Well-known executables a simulated host can `run`, each producing what the real tool prints.
// Shells hand their command text to the script interpreter.

import type { Platform } from '../commands/index.ts';
import { kernelBuild, type HostProfile } from './host-profile.ts';
import { renderIfconfig, renderIpAddr, renderIpconfig } from './network.ts';
import { interpretScript, type ScriptResult } from './script.ts';

type Program = (p: HostProfile, args: string[], timeoutMs: number) => ScriptResult;

const ok = (stdout: string, exit_code = 0, stderr = ''): ScriptResult => ({ exit_code, stdout, stderr, timed_out: false, elapsed_ms: 0 });

const shell: Program = (p, args, timeoutMs) => {
  const i = args.findIndex((a) => /^-(c|command)$/i.test(a));
  const encoded = args.findIndex((a) => /^-(e|enc|encodedcommand)$/i.test(a));
  if (encoded >= 0) return interpretScript(Buffer.from(args[encoded + 1] ?? '', 'base64').toString('utf16le'), p.platform === 'windows', timeoutMs);
  return interpretScript(i >= 0 ? args.slice(i + 1).join(' ') : '', p.platform === 'windows', timeoutMs);
};

const uname: Program = (p, args) => {
  const linux = p.platform === 'linux';
  const sysname = linux ? 'Linux' : 'Darwin';
  const machine = linux ? 'x86_64' : 'arm64';
  const version = kernelBuild(p);
  const flag = args[0] ?? '-s';
  const field: Record<string, string> = { '-s': sysname, '-n': p.hostname, '-r': p.os.kernel, '-v': version, '-m': machine };
  if (flag === '-a') return ok(`${sysname} ${p.hostname} ${p.os.kernel} ${version} ${machine}${linux ? ` ${machine} ${machine} GNU/Linux` : ''}\n`);
  return field[flag] ? ok(`${field[flag]}\n`) : ok('', 1, `uname: invalid option -- '${flag.replace(/^-+/, '')}'\n`);
};

const cmd: Program = (p, args, timeoutMs) => {
  const i = args.findIndex((a) => /^\/[ck]$/i.test(a));
  const line = i >= 0 ? args.slice(i + 1).join(' ').trim() : '';
  if (/^echo(\s|$)/i.test(line)) return ok(`${line.slice(5)}\r\n`);
  if (/^ver$/i.test(line)) return ok(`\r\nMicrosoft Windows [Version ${p.os.kernel}]\r\n`);
  const [name, ...rest] = line.split(/\s+/);
  if (!name) return ok('');
  const program = findProgram(p.platform, name);
  return program ? program(p, rest, timeoutMs) : ok('', 1, `'${name}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`);
};

/** What Linux and macOS hosts both have, alike. */
const POSIX: Record<string, Program> = {
  whoami: () => ok('root\n'),
  hostname: (p) => ok(`${p.hostname}\n`),
  echo: (_, args) => ok(`${args.join(' ')}\n`),
  uname,
  true: () => ok(''),
  false: () => ok('', 1),
  sleep: (p, args, timeoutMs) => interpretScript(`sleep ${args[0] ?? ''}`, false, timeoutMs),
  sh: shell,
  bash: shell,
};

/** Program names (lower-case, without .exe) per platform. */
const PROGRAMS: Record<Platform, Record<string, Program>> = {
  windows: {
    whoami: () => ok('nt authority\\system\r\n'),
    hostname: (p) => ok(`${p.hostname}\r\n`),
    ipconfig: (p) => ok(renderIpconfig(p)),
    cmd,
    powershell: shell,
    pwsh: shell,
  },
  linux: {
    ...POSIX,
    id: () => ok('uid=0(root) gid=0(root) groups=0(root)\n'),
    ip: (p, args) => (/^a(ddr(ess)?)?$/.test(args[0] ?? '') ? ok(renderIpAddr(p)) : ok('', 1, `Object "${args[0] ?? ''}" is unknown, try "ip help".\n`)),
  },
  mac: {
    ...POSIX,
    id: () => ok('uid=0(root) gid=0(wheel) groups=0(wheel),1(daemon),2(kmem),3(sys),4(tty),5(operator),8(procview),9(procmod),12(everyone),20(staff),29(certusers),61(localaccounts),80(admin)\n'),
    ifconfig: (p) => ok(renderIfconfig(p)),
    zsh: shell,
  },
};

/** The simulation of `executable` (a bare name or a path), or undefined if it isn't one we know. */
export function findProgram(platform: Platform, executable: string): Program | undefined {
  let name = executable.slice(Math.max(executable.lastIndexOf('/'), executable.lastIndexOf('\\')) + 1);
  if (platform === 'windows') name = name.toLowerCase().replace(/\.exe$/, '');
  return Object.hasOwn(PROGRAMS[platform], name) ? PROGRAMS[platform][name] : undefined;
}
