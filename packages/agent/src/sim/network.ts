// Network interfaces of a simulated host, as structured data (ipconfig) and as the text the
// platform's own tools print (for `run ipconfig.exe` / `ip a` / `ifconfig`).

import type { HostProfile } from './host-profile.ts';

export interface Address {
  family: 'IPv4' | 'IPv6';
  address: string;
  netmask: string;
  cidr: string;
}

export interface Interface {
  name: string;
  mac: string;
  addresses: Address[];
}

const LOOPBACK_NAME = { windows: 'Loopback Pseudo-Interface 1', linux: 'lo', mac: 'lo0' } as const;

/** Loopback first, as os.networkInterfaces() lists them. */
export function interfaces(p: HostProfile): Interface[] {
  const { nic } = p;
  return [
    {
      name: LOOPBACK_NAME[p.platform],
      mac: '00:00:00:00:00:00',
      addresses: [
        { family: 'IPv4', address: '127.0.0.1', netmask: '255.0.0.0', cidr: '127.0.0.1/8' },
        { family: 'IPv6', address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', cidr: '::1/128' },
      ],
    },
    {
      name: nic.name,
      mac: nic.mac,
      addresses: [
        { family: 'IPv4', address: nic.ipv4, netmask: nic.netmask, cidr: `${nic.ipv4}/${nic.prefix}` },
        { family: 'IPv6', address: nic.ipv6, netmask: 'ffff:ffff:ffff:ffff::', cidr: `${nic.ipv6}/64` },
      ],
    },
  ];
}

export function renderIpconfig(p: HostProfile): string {
  const { nic } = p;
  return [
    '',
    'Windows IP Configuration',
    '',
    '',
    `Ethernet adapter ${nic.name}:`,
    '',
    `   Connection-specific DNS Suffix  . : ${p.domain}`,
    `   Link-local IPv6 Address . . . . . : ${nic.ipv6}%${nic.name === 'Ethernet0' ? 12 : 7}`,
    `   IPv4 Address. . . . . . . . . . . : ${nic.ipv4}`,
    `   Subnet Mask . . . . . . . . . . . : ${nic.netmask}`,
    `   Default Gateway . . . . . . . . . : ${p.gateway}`,
    '',
  ].join('\r\n');
}

export function renderIpAddr(p: HostProfile): string {
  const { nic } = p;
  return [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
    '    inet6 ::1/128 scope host',
    '       valid_lft forever preferred_lft forever',
    `2: ${nic.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000`,
    `    link/ether ${nic.mac} brd ff:ff:ff:ff:ff:ff`,
    `    inet ${nic.ipv4}/${nic.prefix} brd ${nic.ipv4.replace(/\.\d+$/, '.255')} scope global dynamic ${nic.name}`,
    '       valid_lft 3287sec preferred_lft 3287sec',
    `    inet6 ${nic.ipv6}/64 scope link`,
    '       valid_lft forever preferred_lft forever',
    '',
  ].join('\n');
}

export function renderIfconfig(p: HostProfile): string {
  const { nic } = p;
  return [
    'lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384',
    '\tinet 127.0.0.1 netmask 0xff000000',
    '\tinet6 ::1 prefixlen 128',
    `${nic.name}: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500`,
    `\tether ${nic.mac}`,
    `\tinet6 ${nic.ipv6}%${nic.name} prefixlen 64 secured scopeid 0xb`,
    `\tinet ${nic.ipv4} netmask 0xffffff00 broadcast ${nic.ipv4.replace(/\.\d+$/, '.255')}`,
    '\tstatus: active',
    '',
  ].join('\n');
}
