// Who a simulated host is: names, OS, hardware, network and accounts, all derived from its seed.
// Built on first use and cheap to rebuild, so a disposed host can drop it.

import type { Platform } from '../commands/index.ts';
import { FIRST_NAMES, HARDWARE, LAST_NAMES, MAC_APPS, OS_RELEASES, type Hardware, type OsRelease } from './catalog.ts';
import { rngFor, type Rng } from './prng.ts';

/** What a simulated host is derived from. */
export interface HostIdentity {
  /** Hash of (seed, platform, index). */
  seed: number;
  platform: Platform;
  index?: number;
  agentVersion: string;
}

export interface HostUser {
  name: string;
  full_name: string;
  /** POSIX ids; null on Windows. */
  uid: number | null;
  gid: number | null;
  home: string;
  shell: string | null;
  /** Windows SID; null elsewhere. */
  sid: string | null;
  admin: boolean;
}

export interface NetInterface {
  name: string;
  mac: string;
  ipv4: string;
  prefix: number;
  netmask: string;
  /** Link-local address derived from the MAC (EUI-64), as the OS would. */
  ipv6: string;
}

export interface HostProfile {
  seed: number;
  platform: Platform;
  hostname: string;
  /** AD domain for joined Windows hosts, else ''. */
  domain: string;
  os: OsRelease;
  hardware: Hardware;
  cpu_count: number;
  memory_bytes: number;
  /** Interactive accounts; the first one is the host's main user. */
  users: HostUser[];
  nic: NetInterface;
  gateway: string;
  dns_servers: string[];
  /** The address the agent pretends to be connected to (data only). */
  server_address: string;
  /** S-1-5-21-x-y-z on Windows; null elsewhere. */
  machine_sid: string | null;
  boot_time: number;
  install_time: number;
  agent_version: string;
  /** Installed mac applications (the file system and process table agree on them); [] elsewhere. */
  apps: string[];
}

/**
 * Simulated clock origin. Generated times are fixed offsets before it so that the same seed gives
 * byte-identical results whenever it runs; only mutations use the real clock.
 */
export const SIM_EPOCH = Date.UTC(2025, 5, 2, 9, 0, 0);

const HOST_PREFIX: Record<Platform, string> = { windows: 'SIM-WIN', linux: 'sim-lnx', mac: 'sim-mac' };

const DAY = 86_400_000;

export function buildProfile(id: HostIdentity): HostProfile {
  const rng = rngFor(id.seed, 'profile');
  const { platform } = id;
  const os = { ...rng.pick(OS_RELEASES[platform]) };
  os.kernel = os.kernel.replace('{n}', String(platform === 'windows' ? rng.int(1000, 4600) : rng.int(60, 130)));
  const hardware = rng.pick(HARDWARE[platform === 'mac' ? 'mac' : os.server ? 'server' : 'pc']);

  // With an index the host number (and so hostname, IP and MAC) is unique across a fleet.
  const n = id.index ?? rng.int(0, 999_999);
  const hostname = `${HOST_PREFIX[platform]}-${String(n).padStart(6, '0')}`;
  const domain = platform === 'windows' && rng.chance(os.server ? 0.8 : 0.6) ? 'corp.example' : '';

  const site = id.index !== undefined ? 16 + (Math.floor(n / 61_440) % 200) : rng.int(16, 215);
  const subnet = id.index !== undefined ? Math.floor(n / 240) % 256 : rng.int(0, 255);
  const hostPart = id.index !== undefined ? 10 + (n % 240) : rng.int(10, 249);
  const low = id.index !== undefined ? n & 0xffffff : rng.int(0, 0xffffff);
  const mac = `${hardware.oui}:${[low >> 16, (low >> 8) & 0xff, low & 0xff].map(hex2).join(':')}`;
  const nic: NetInterface = {
    name: nicName(platform, hardware),
    mac,
    ipv4: `10.${site}.${subnet}.${hostPart}`,
    prefix: 24,
    netmask: '255.255.255.0',
    ipv6: linkLocal(mac),
  };

  const machineSid = platform === 'windows'
    ? `S-1-5-21-${rng.int(1e9, 4_294_967_295)}-${rng.int(1e9, 4_294_967_295)}-${rng.int(1e8, 4_294_967_295)}`
    : null;

  return {
    seed: id.seed,
    platform,
    hostname,
    domain,
    os,
    hardware,
    cpu_count: rng.pick([2, 4, 8, 16]),
    memory_bytes: rng.pick([4, 8, 16, 32]) * 1024 ** 3,
    users: buildUsers(platform, os, machineSid, rng.int(1, 3), rngFor(id.seed, 'users')),
    nic,
    gateway: `10.${site}.${subnet}.1`,
    dns_servers: domain ? [`10.${site}.0.10`, `10.${site}.0.11`] : [`10.${site}.0.2`],
    server_address: '10.0.0.10',
    machine_sid: machineSid,
    boot_time: SIM_EPOCH - rng.int(30, 20 * 24 * 60) * 60_000,
    install_time: SIM_EPOCH - rng.int(60, 900) * DAY,
    agent_version: id.agentVersion,
    apps: platform === 'mac' ? ['Safari', ...rng.sample(MAC_APPS, rng.int(1, 3))] : [],
  };
}

/** `uname -v` (Linux, macOS) or the build number (Windows): what the real agent reports as os_build. */
export function kernelBuild(p: HostProfile): string {
  if (p.platform === 'windows') return p.os.build;
  if (p.platform === 'mac') return `Darwin Kernel Version ${p.os.kernel}: Tue Jun  4 21:25:19 PDT 2024; root:xnu-10063.121.3~5/RELEASE_ARM64_T6000`;
  const n = /^\d+\.\d+\.\d+-(\d+)/.exec(p.os.kernel)?.[1] ?? '1';
  const distro = p.os.id === 'ubuntu' ? '-Ubuntu' : p.os.id === 'debian' ? ' Debian' : '';
  return `#${Number(n) + 10}${distro} SMP PREEMPT_DYNAMIC Tue Apr 16 12:00:00 UTC 2024`;
}

function buildUsers(platform: Platform, os: OsRelease, machineSid: string | null, humans: number, rng: Rng): HostUser[] {
  const users: HostUser[] = [];
  const taken = new Set<string>();
  // Linux servers have the image's admin account first, as cloud images do.
  if (platform === 'linux') {
    const name = os.id === 'ubuntu' ? 'ubuntu' : os.id === 'rhel' ? 'ec2-user' : 'admin';
    users.push(posixUser(name, name, 1000, '/home', '/bin/bash', true));
    taken.add(name);
  }
  while (users.length < humans + (platform === 'linux' ? 1 : 0)) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const name = platform === 'windows' ? `${first[0]}${last}` : first;
    if (taken.has(name)) continue;
    taken.add(name);
    const fullName = `${cap(first)} ${cap(last)}`;
    const admin = users.length === 0;
    if (platform === 'windows') {
      const rid = 1001 + users.length;
      users.push({ name, full_name: fullName, uid: null, gid: null, home: `C:\\Users\\${name}`, shell: null, sid: `${machineSid}-${rid}`, admin });
    } else if (platform === 'mac') {
      users.push(posixUser(name, fullName, 501 + users.length, '/Users', '/bin/zsh', admin, 20));
    } else {
      users.push(posixUser(name, fullName, 1000 + users.length, '/home', '/bin/bash', admin));
    }
  }
  return users;
}

function posixUser(name: string, fullName: string, uid: number, homeRoot: string, shell: string, admin: boolean, gid = uid): HostUser {
  return { name, full_name: fullName, uid, gid, home: `${homeRoot}/${name}`, shell, sid: null, admin };
}

function nicName(platform: Platform, hw: Hardware): string {
  if (platform === 'windows') return hw.manufacturer.startsWith('VMware') ? 'Ethernet0' : 'Ethernet';
  if (platform === 'mac') return 'en0';
  if (hw.manufacturer.startsWith('VMware')) return 'ens160';
  return hw.manufacturer.startsWith('Amazon') ? 'ens5' : 'eth0';
}

/** fe80:: plus the modified EUI-64 of the MAC. */
function linkLocal(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  b[0] ^= 0x02;
  const words = [(b[0] << 8) | b[1], (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]];
  return `fe80::${words.map((w) => w.toString(16)).join(':')}`;
}

const hex2 = (v: number) => v.toString(16).padStart(2, '0');
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
