import fs from 'node:fs/promises';
import os from 'node:os';
import { collectLogins, type LoginSources } from '../logins/index.ts';
import { collectDeviceFacts } from './device-facts.ts';
import { windowsDirectoryFacts } from './windows-directory.ts';
import type { Inventory, Platform } from './types.ts';

/**
 * Host facts for the server's device records, shaped like Falcon's:
 *   os_version       Linux: "<distro> <VERSION_ID>" ("Debian 12", "Ubuntu 22.04"); Windows: os.version()
 *                    ("Windows 10 Pro"); macOS: "macOS <release>"
 *   os_product_name  Linux: PRETTY_NAME of /etc/os-release
 *   os_build         Linux/macOS: the kernel build string (os.version()); Windows: the build number
 *   local_ip/mac     the first non-internal IPv4 interface
 *   logins           Linux: wtmp, btmp and the authentication log (see logins/); elsewhere absent
 *   hardware, boot   see device-facts.ts
 *   ou, site_name    Windows (domain-joined): see windows-directory.ts; elsewhere absent (Linux
 *                    and macOS keep no record of a machine's OU or AD site)
 */
export async function collectInventory(platform: Platform, agentVersion: string, loginSources?: LoginSources): Promise<Inventory> {
  const interfaces = Object.entries(os.networkInterfaces()).flatMap(([name, addrs = []]) =>
    addrs.filter((a) => !a.internal).map((a) => ({ name, ip: a.address, mac: a.mac, family: a.family })),
  );
  const primary = interfaces.find((i) => i.family === 'IPv4');
  const release = platform === 'linux' ? await osRelease() : {};
  return {
    hostname: os.hostname(),
    platform,
    os_version: osVersion(platform, release),
    os_product_name: release.PRETTY_NAME ?? (platform === 'mac' ? 'macOS' : os.version()),
    os_build: platform === 'windows' ? (os.release().split('.')[2] ?? '') : os.version(),
    kernel_version: os.release(),
    agent_version: agentVersion,
    local_ip: primary?.ip ?? '',
    mac_address: primary?.mac ?? '',
    machine_domain: await machineDomain(platform),
    system_manufacturer: '',
    system_product_name: '',
    ...(await collectDeviceFacts(platform)),
    ...(platform === 'windows' ? await windowsDirectoryFacts() : {}),
    cpu_vendor: await cpuVendor(),
    pointer_size: /64/.test(os.arch()) || os.arch() === 's390x' ? '8' : '4',
    logins: await collectLogins(platform, loginSources),
    interfaces: interfaces.map(({ name, ip, mac }) => ({ name, ip, mac })),
    tags: [],
  };
}

/** Falcon-style short distro names by os-release ID. */
const DISTRO_NAMES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', rhel: 'RHEL', centos: 'CentOS', fedora: 'Fedora', amzn: 'Amazon Linux',
  sles: 'SLES', opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', ol: 'Oracle Linux', rocky: 'Rocky',
  almalinux: 'AlmaLinux', alpine: 'Alpine', arch: 'Arch Linux', linuxmint: 'Linux Mint',
};

function osVersion(platform: Platform, release: Record<string, string>): string {
  if (platform === 'windows') return os.version();
  if (platform === 'mac') return `macOS ${macosVersion(os.release())}`;
  const name = DISTRO_NAMES[release.ID ?? ''] ?? release.NAME ?? 'Linux';
  return release.VERSION_ID ? `${name} ${release.VERSION_ID}` : name;
}

async function osRelease(): Promise<Record<string, string>> {
  const text = (await fs.readFile('/etc/os-release', 'utf8').catch(() => null)) ?? (await fs.readFile('/usr/lib/os-release', 'utf8').catch(() => ''));
  const fields: Record<string, string> = {};
  for (const m of text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)) fields[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  return fields;
}

async function machineDomain(platform: Platform): Promise<string> {
  if (platform === 'windows') return process.env.USERDNSDOMAIN ?? '';
  const conf = await readTrimmed('/etc/resolv.conf');
  return /^domain\s+(\S+)/m.exec(conf)?.[1] ?? '';
}

async function cpuVendor(): Promise<string> {
  const info = await readTrimmed('/proc/cpuinfo');
  return /^vendor_id\s*:\s*(.+)$/m.exec(info)?.[1] ?? os.cpus()[0]?.model ?? '';
}

/** A small system file's trimmed content; '' when absent or unreadable (e.g. no DMI in containers). */
async function readTrimmed(file: string): Promise<string> {
  return (await fs.readFile(file, 'utf8').catch(() => '')).trim();
}

/** os.release() on a Mac is the Darwin kernel version: Darwin 20 is macOS 11, Darwin 19 is 10.15. */
function macosVersion(darwin: string): string {
  const major = Number(darwin.split('.')[0]);
  if (!Number.isFinite(major)) return darwin;
  return major >= 20 ? String(major - 9) : `10.${major - 4}`;
}
