// The simulated process table and the sockets those processes hold. Generated from the seed on
// first use; kills and spawned processes are the only state kept, so netstat follows `kill`.

import { type Platform, type ProcessInfo, CommandError } from '../commands/index.ts';
import type { HostProfile } from './host-profile.ts';
import { rngFor, type Rng } from './prng.ts';

export interface Connection {
  protocol: 'tcp' | 'udp';
  local_address: string;
  local_port: number;
  remote_address: string;
  remote_port: number;
  /** LISTEN / ESTABLISHED for TCP; '' for UDP, which has no state. */
  state: string;
  pid: number;
  process_name: string;
}

/** A process to generate. Parents are named by `id` (or `name`); a number is a parent long gone. */
interface Spec {
  name: string;
  path: string;
  args?: string;
  user: string;
  parent: string | number;
  id?: string;
  /** Working set range in MiB. */
  mem: [number, number];
  /** Refused by `kill` (critical or protected processes). */
  critical?: boolean;
  /** Started by a user after logon rather than at boot. */
  interactive?: boolean;
  listen?: { protocol: 'tcp' | 'udp'; port: number; address?: string }[];
  /** Remote port of one outbound connection (to a 10.x address). */
  connect?: number;
  /** Inbound connection to a listening port (e.g. an SSH session). */
  accepted?: number;
}

interface Table {
  processes: ProcessInfo[];
  /** Pids `kill` refuses. */
  critical: Set<number>;
  connections: Connection[];
}

export class VirtualProcesses {
  #table: Table | undefined;
  #killed: Set<number> | undefined;
  #spawned: ProcessInfo[] | undefined;
  #nextPid = 0;

  constructor(private readonly profile: () => HostProfile) {}

  /** Live processes by pid. The objects are shared with the cache: treat them as read-only. */
  list(): ProcessInfo[] {
    const all = this.#spawned ? [...this.#generated().processes, ...this.#spawned] : this.#generated().processes;
    return this.#killed ? all.filter((p) => !this.#killed!.has(p.pid)) : all;
  }

  get(pid: number): ProcessInfo | undefined {
    return this.list().find((p) => p.pid === pid);
  }

  connections(): Connection[] {
    return this.#generated().connections.filter((c) => !this.#killed?.has(c.pid));
  }

  kill(pid: number): void {
    const proc = this.get(pid);
    if (!proc) throw new CommandError('not_found', `process ${pid} not found`);
    if (this.#generated().critical.has(pid)) throw new CommandError('permission_denied', `not permitted to signal process ${pid}`);
    (this.#killed ??= new Set()).add(pid);
  }

  /** Adds a process started by `run` without waiting; returns it. */
  spawn(name: string, path: string, commandLine: string, user: string, ppid: number): ProcessInfo {
    const proc = { pid: this.allocatePid(), ppid, name, path, command_line: commandLine, user, start_time: new Date().toISOString(), cpu_percent: 0, memory_bytes: 4 * 1024 * 1024 };
    (this.#spawned ??= []).push(proc);
    return proc;
  }

  /** A fresh pid above every generated one (Windows pids are multiples of 4). */
  allocatePid(): number {
    const step = this.profile().platform === 'windows' ? 4 : 1;
    if (this.#nextPid === 0) this.#nextPid = Math.max(...this.#generated().processes.map((p) => p.pid)) + 64 * step;
    return (this.#nextPid += step);
  }

  /** The agent's own process, parent of everything it runs. */
  agent(): ProcessInfo {
    return this.#generated().processes.find((p) => p.name.startsWith('riposte-agent'))!;
  }

  get changed(): boolean {
    return (this.#killed?.size ?? 0) + (this.#spawned?.length ?? 0) > 0;
  }

  dropCache(): void {
    this.#table = undefined;
  }

  #generated(): Table {
    return (this.#table ??= generate(this.profile()));
  }
}

function generate(p: HostProfile): Table {
  const rng = rngFor(p.seed, 'processes');
  const specs = p.platform === 'windows' ? windowsSpecs(p, rng) : p.platform === 'mac' ? macSpecs(p, rng) : linuxSpecs(p, rng);
  const table: Table = { processes: [], critical: new Set(), connections: [] };
  const pidOf = new Map<string, number>();
  const step = p.platform === 'windows' ? 4 : 1;
  let pid = 0;
  let clock = p.boot_time;
  const ephemeral = () => (p.platform === 'linux' ? rng.int(32768, 60999) : rng.int(49152, 65535));
  const remote = () => `10.${rng.int(16, 215)}.${rng.int(0, 255)}.${rng.int(10, 249)}`;

  for (const s of specs) {
    pid = fixedPid(s.name, p.platform) ?? pid + step * rng.int(1, s.interactive ? 40 : 12);
    clock += s.interactive ? rng.int(60, 3 * 3600) * 1000 : rng.int(50, 4000);
    const ppid = typeof s.parent === 'number' ? s.parent : pidOf.get(s.parent) ?? 0;
    pidOf.set(s.id ?? s.name, pid);
    table.processes.push({
      pid,
      ppid,
      name: s.name,
      path: s.path,
      command_line: s.path ? `${quoteIfSpaced(s.path)}${s.args ? ' ' + s.args : ''}` : s.args ?? '',
      user: s.user,
      start_time: new Date(Math.min(clock, p.boot_time + 36 * 3600_000)).toISOString(),
      cpu_percent: rng.chance(0.7) ? 0 : Math.round(rng.next() * 40) / 10,
      memory_bytes: rng.int(s.mem[0] * 256, s.mem[1] * 256) * 4096,
    });
    if (s.critical) table.critical.add(pid);
    const sock = (protocol: 'tcp' | 'udp', local_address: string, local_port: number, remote_address: string, remote_port: number, state: string) =>
      table.connections.push({ protocol, local_address, local_port, remote_address, remote_port, state: protocol === 'udp' ? '' : state, pid, process_name: s.name });
    for (const l of s.listen ?? []) sock(l.protocol, l.address ?? '0.0.0.0', l.port, '0.0.0.0', 0, 'LISTEN');
    if (s.connect) sock('tcp', p.nic.ipv4, ephemeral(), s.name.startsWith('riposte-agent') ? p.server_address : remote(), s.connect, 'ESTABLISHED');
    if (s.accepted) sock('tcp', p.nic.ipv4, s.accepted, remote(), ephemeral(), 'ESTABLISHED');
  }
  return table;
}

/** Pids every installation has. */
function fixedPid(name: string, platform: Platform): number | undefined {
  if (platform === 'windows') return name === 'System' ? 4 : undefined;
  return name === 'systemd' || name === 'launchd' ? 1 : name === 'kthreadd' ? 2 : name === 'kernel_task' ? 0 : undefined;
}

const quoteIfSpaced = (path: string) => (path.includes(' ') ? `"${path}"` : path);

const SYSTEM = 'NT AUTHORITY\\SYSTEM';
const LOCAL_SERVICE = 'NT AUTHORITY\\LOCAL SERVICE';
const NETWORK_SERVICE = 'NT AUTHORITY\\NETWORK SERVICE';
const SYS32 = 'C:\\Windows\\System32';

function windowsSpecs(p: HostProfile, rng: Rng): Spec[] {
  const user = p.users[0];
  const account = `${p.domain ? p.domain.split('.')[0].toUpperCase() : p.hostname}\\${user.name}`;
  const svchost = (group: string, runAs: string, extra: Partial<Spec> = {}): Spec => ({
    name: 'svchost.exe', path: `${SYS32}\\svchost.exe`, args: `-k ${group}`, user: runAs, parent: 'services.exe', mem: [8, 60], ...extra,
  });
  const gone = () => rng.int(100, 900) * 4; // e.g. the smss.exe instance that started a session
  const specs: Spec[] = [
    { name: 'System', path: '', user: SYSTEM, parent: 0, mem: [0, 1], critical: true, listen: [{ protocol: 'tcp', port: 445 }, { protocol: 'tcp', port: 139, address: p.nic.ipv4 }] },
    { name: 'Registry', path: '', user: SYSTEM, parent: 'System', mem: [20, 80], critical: true },
    { name: 'smss.exe', path: `${SYS32}\\smss.exe`, user: SYSTEM, parent: 'System', mem: [1, 2], critical: true },
    { name: 'csrss.exe', path: `${SYS32}\\csrss.exe`, args: 'ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows', user: SYSTEM, parent: gone(), mem: [4, 6], critical: true },
    { name: 'wininit.exe', path: `${SYS32}\\wininit.exe`, user: SYSTEM, parent: gone(), mem: [5, 8], critical: true },
    { name: 'csrss.exe', id: 'csrss1', path: `${SYS32}\\csrss.exe`, args: 'ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows', user: SYSTEM, parent: gone(), mem: [4, 8], critical: true },
    { name: 'winlogon.exe', path: `${SYS32}\\winlogon.exe`, user: SYSTEM, parent: gone(), mem: [8, 12], critical: true },
    { name: 'services.exe', path: `${SYS32}\\services.exe`, user: SYSTEM, parent: 'wininit.exe', mem: [8, 14], critical: true, listen: [{ protocol: 'tcp', port: 49669 }] },
    { name: 'lsass.exe', path: `${SYS32}\\lsass.exe`, user: SYSTEM, parent: 'wininit.exe', mem: [14, 30], critical: true, listen: [{ protocol: 'tcp', port: 49664 }] },
    svchost('DcomLaunch -p', SYSTEM, { mem: [20, 40] }),
    svchost('RPCSS -p', NETWORK_SERVICE, { listen: [{ protocol: 'tcp', port: 135 }] }),
    svchost('LocalServiceNetworkRestricted -p -s EventLog', LOCAL_SERVICE, { listen: [{ protocol: 'tcp', port: 49665 }] }),
    svchost('netsvcs -p -s Schedule', SYSTEM, { listen: [{ protocol: 'tcp', port: 49666 }] }),
    svchost('NetworkService -p -s Dnscache', NETWORK_SERVICE, { listen: [{ protocol: 'udp', port: 5353 }, { protocol: 'udp', port: 5355 }] }),
    svchost('LocalService -s W32Time', LOCAL_SERVICE, { listen: [{ protocol: 'udp', port: 123 }] }),
    svchost('utcsvc -p', SYSTEM, { connect: 443 }),
    svchost('LocalSystemNetworkRestricted -p -s SysMain', SYSTEM),
    ...(p.os.server ? [svchost('termsvc -s TermService', NETWORK_SERVICE, { listen: [{ protocol: 'tcp', port: 3389 }] })] : []),
    { name: 'spoolsv.exe', path: `${SYS32}\\spoolsv.exe`, user: SYSTEM, parent: 'services.exe', mem: [10, 20], listen: [{ protocol: 'tcp', port: 49668 }] },
    { name: 'MsMpEng.exe', path: 'C:\\Program Files\\Windows Defender\\MsMpEng.exe', user: SYSTEM, parent: 'services.exe', mem: [120, 320], critical: true },
    { name: 'riposte-agent.exe', path: 'C:\\Program Files\\Riposte\\riposte-agent.exe', args: 'service', user: SYSTEM, parent: 'services.exe', mem: [40, 90], connect: 443 },
    { name: 'explorer.exe', path: 'C:\\Windows\\explorer.exe', user: account, parent: gone(), mem: [80, 200], interactive: true },
  ];
  const apps: Spec[] = [
    { name: 'msedge.exe', path: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', user: account, parent: 'explorer.exe', mem: [90, 300], interactive: true, connect: 443 },
    { name: 'notepad.exe', path: `${SYS32}\\notepad.exe`, user: account, parent: 'explorer.exe', mem: [10, 20], interactive: true },
    { name: 'powershell.exe', path: `${SYS32}\\WindowsPowerShell\\v1.0\\powershell.exe`, user: account, parent: 'explorer.exe', mem: [60, 90], interactive: true },
    ...(p.os.server ? [] : [{ name: 'OUTLOOK.EXE', path: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', user: account, parent: 'explorer.exe', mem: [150, 400], interactive: true, connect: 443 } satisfies Spec]),
  ];
  return [...specs, ...rng.sample(apps, rng.int(1, apps.length))];
}

function linuxSpecs(p: HostProfile, rng: Rng): Spec[] {
  const admin = p.users[0].name;
  const ubuntu = p.os.id === 'ubuntu';
  const resolved: Spec = {
    name: 'systemd-resolved', path: '/usr/lib/systemd/systemd-resolved', user: 'systemd-resolve', parent: 'systemd', mem: [10, 14],
    listen: [{ protocol: 'udp', port: 53, address: '127.0.0.53' }, { protocol: 'tcp', port: 53, address: '127.0.0.53' }],
  };
  const specs: Spec[] = [
    { name: 'systemd', path: '/usr/lib/systemd/systemd', args: '--system --deserialize 31', user: 'root', parent: 0, mem: [8, 14], critical: true },
    { name: 'kthreadd', path: '', args: '[kthreadd]', user: 'root', parent: 0, mem: [0, 0], critical: true },
    { name: 'systemd-journald', path: '/usr/lib/systemd/systemd-journald', user: 'root', parent: 'systemd', mem: [20, 90] },
    { name: 'systemd-udevd', path: '/usr/lib/systemd/systemd-udevd', user: 'root', parent: 'systemd', mem: [5, 8] },
    ...(ubuntu ? [resolved] : []),
    { name: 'dbus-daemon', path: '/usr/bin/dbus-daemon', args: '--system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only', user: 'messagebus', parent: 'systemd', mem: [4, 6] },
    { name: 'systemd-logind', path: '/usr/lib/systemd/systemd-logind', user: 'root', parent: 'systemd', mem: [6, 8] },
    { name: 'rsyslogd', path: '/usr/sbin/rsyslogd', args: '-n -iNONE', user: ubuntu ? 'syslog' : 'root', parent: 'systemd', mem: [4, 8] },
    { name: ubuntu ? 'cron' : 'crond', path: ubuntu ? '/usr/sbin/cron' : '/usr/sbin/crond', args: '-f', user: 'root', parent: 'systemd', mem: [2, 4] },
    { name: 'sshd', path: '/usr/sbin/sshd', args: '-D', user: 'root', parent: 'systemd', mem: [6, 9], listen: [{ protocol: 'tcp', port: 22 }] },
    { name: 'agetty', path: '/sbin/agetty', args: '-o -p -- \\u --noclear tty1 linux', user: 'root', parent: 'systemd', mem: [1, 2] },
    { name: 'riposte-agent', path: '/opt/riposte/riposte-agent', args: 'run', user: 'root', parent: 'systemd', mem: [40, 90], connect: 443 },
  ];
  if (rng.chance(0.5)) {
    specs.push(
      { name: 'nginx', id: 'nginx-master', path: '/usr/sbin/nginx', args: '-g daemon on; master_process on;', user: 'root', parent: 'systemd', mem: [2, 4], listen: [{ protocol: 'tcp', port: 80 }, { protocol: 'tcp', port: 443 }] },
      { name: 'nginx', path: '/usr/sbin/nginx', args: '-g daemon on; master_process on;', user: 'www-data', parent: 'nginx-master', mem: [5, 12] },
    );
  }
  if (rng.chance(0.3)) {
    specs.push({ name: 'postgres', path: '/usr/lib/postgresql/16/bin/postgres', args: '-D /var/lib/postgresql/16/main', user: 'postgres', parent: 'systemd', mem: [30, 200], listen: [{ protocol: 'tcp', port: 5432, address: '127.0.0.1' }] });
  }
  specs.push(
    { name: 'sshd', id: 'sshd-priv', path: '/usr/sbin/sshd', args: `: ${admin} [priv]`, user: 'root', parent: 'sshd', mem: [8, 11], interactive: true, accepted: 22 },
    { name: 'sshd', id: 'sshd-user', path: '/usr/sbin/sshd', args: `: ${admin}@pts/0`, user: admin, parent: 'sshd-priv', mem: [5, 7], interactive: true },
    { name: 'bash', path: '/usr/bin/bash', args: '', user: admin, parent: 'sshd-user', mem: [4, 6], interactive: true },
  );
  return specs;
}

function macSpecs(p: HostProfile, rng: Rng): Spec[] {
  const user = p.users[0].name;
  return [
    { name: 'kernel_task', path: '', user: 'root', parent: 0, mem: [20, 60], critical: true },
    { name: 'launchd', path: '/sbin/launchd', user: 'root', parent: 0, mem: [10, 20], critical: true },
    { name: 'logd', path: '/usr/libexec/logd', user: 'root', parent: 'launchd', mem: [10, 30] },
    { name: 'UserEventAgent', path: '/usr/libexec/UserEventAgent', args: '(System)', user: 'root', parent: 'launchd', mem: [8, 20] },
    { name: 'configd', path: '/usr/libexec/configd', user: 'root', parent: 'launchd', mem: [6, 12] },
    { name: 'mDNSResponder', path: '/usr/sbin/mDNSResponder', user: '_mdnsresponder', parent: 'launchd', mem: [4, 8], listen: [{ protocol: 'udp', port: 5353 }] },
    { name: 'WindowServer', path: '/System/Library/PrivateFrameworks/SkyLight.framework/Resources/WindowServer', args: '-daemon', user: '_windowserver', parent: 'launchd', mem: [100, 400], critical: true },
    { name: 'riposte-agent', path: '/Library/Application Support/Riposte/riposte-agent', args: 'run', user: 'root', parent: 'launchd', mem: [40, 90], connect: 443 },
    { name: 'loginwindow', path: '/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow', args: 'console', user, parent: 'launchd', mem: [30, 60], interactive: true },
    { name: 'Dock', path: '/System/Library/CoreServices/Dock.app/Contents/MacOS/Dock', user, parent: 'launchd', mem: [40, 90], interactive: true },
    { name: 'Finder', path: '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder', user, parent: 'launchd', mem: [60, 150], interactive: true },
    ...rng.sample(p.apps, rng.int(1, p.apps.length)).map((app): Spec => ({ name: app, path: `/Applications/${app}.app/Contents/MacOS/${app}`, user, parent: 'launchd', mem: [80, 400], interactive: true, connect: 443 })),
  ];
}
