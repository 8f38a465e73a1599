// Static tables that simulated hosts pick from. Plain data only: the picking happens in
// host-profile.ts, so these can grow without touching any logic.

import type { Platform } from '../commands/index.ts';

export interface OsRelease {
  /** Inventory `os_version`, e.g. "Windows 11". */
  version: string;
  product_name: string;
  build: string;
  /** Kernel version; `{n}` is replaced by a per-host patch number. */
  kernel: string;
  server: boolean;
  /** Windows display version (23H2…) or Linux distribution codename. */
  codename: string;
  /** os-release ID (ubuntu, debian, rhel); distinguishes Linux families. */
  id: string;
}

export const OS_RELEASES: Record<Platform, readonly OsRelease[]> = {
  windows: [
    { version: 'Windows 11', product_name: 'Windows 11 Enterprise', build: '22631', kernel: '10.0.22631.{n}', server: false, codename: '23H2', id: 'windows' },
    { version: 'Windows 11', product_name: 'Windows 11 Pro', build: '26100', kernel: '10.0.26100.{n}', server: false, codename: '24H2', id: 'windows' },
    { version: 'Windows 10', product_name: 'Windows 10 Enterprise', build: '19045', kernel: '10.0.19045.{n}', server: false, codename: '22H2', id: 'windows' },
    { version: 'Windows Server 2022', product_name: 'Windows Server 2022 Datacenter', build: '20348', kernel: '10.0.20348.{n}', server: true, codename: '21H2', id: 'windows' },
    { version: 'Windows Server 2019', product_name: 'Windows Server 2019 Standard', build: '17763', kernel: '10.0.17763.{n}', server: true, codename: '1809', id: 'windows' },
  ],
  linux: [
    { version: 'Ubuntu 22.04', product_name: 'Ubuntu 22.04.4 LTS', build: '22.04.4', kernel: '5.15.0-{n}-generic', server: true, codename: 'jammy', id: 'ubuntu' },
    { version: 'Ubuntu 24.04', product_name: 'Ubuntu 24.04.1 LTS', build: '24.04.1', kernel: '6.8.0-{n}-generic', server: true, codename: 'noble', id: 'ubuntu' },
    { version: 'Ubuntu 20.04', product_name: 'Ubuntu 20.04.6 LTS', build: '20.04.6', kernel: '5.4.0-{n}-generic', server: true, codename: 'focal', id: 'ubuntu' },
    { version: 'Debian 12', product_name: 'Debian GNU/Linux 12 (bookworm)', build: '12.7', kernel: '6.1.0-{n}-amd64', server: true, codename: 'bookworm', id: 'debian' },
    { version: 'RHEL 9.4', product_name: 'Red Hat Enterprise Linux 9.4 (Plow)', build: '9.4', kernel: '5.14.0-427.{n}.1.el9_4.x86_64', server: true, codename: 'Plow', id: 'rhel' },
  ],
  mac: [
    { version: 'macOS 14.5', product_name: 'macOS Sonoma', build: '23F79', kernel: '23.5.0', server: false, codename: 'Sonoma', id: 'macos' },
    { version: 'macOS 14.6.1', product_name: 'macOS Sonoma', build: '23G93', kernel: '23.6.0', server: false, codename: 'Sonoma', id: 'macos' },
    { version: 'macOS 15.1', product_name: 'macOS Sequoia', build: '24B83', kernel: '24.1.0', server: false, codename: 'Sequoia', id: 'macos' },
    { version: 'macOS 13.6.7', product_name: 'macOS Ventura', build: '22G720', kernel: '22.6.0', server: false, codename: 'Ventura', id: 'macos' },
  ],
};

export interface Hardware {
  manufacturer: string;
  model: string;
  /** First three MAC octets; hosts of one vendor share it, as on a real network. */
  oui: string;
  cpu_vendor: string;
}

export const HARDWARE: Record<'pc' | 'server' | 'mac', readonly Hardware[]> = {
  pc: [
    { manufacturer: 'Dell Inc.', model: 'Latitude 5440', oui: '98:90:96', cpu_vendor: 'GenuineIntel' },
    { manufacturer: 'Dell Inc.', model: 'OptiPlex 7090', oui: 'b0:7b:25', cpu_vendor: 'GenuineIntel' },
    { manufacturer: 'LENOVO', model: 'ThinkPad T14 Gen 3', oui: '54:ee:75', cpu_vendor: 'AuthenticAMD' },
    { manufacturer: 'HP', model: 'HP EliteBook 840 G9', oui: '3c:52:82', cpu_vendor: 'GenuineIntel' },
    { manufacturer: 'VMware, Inc.', model: 'VMware7,1', oui: '00:50:56', cpu_vendor: 'GenuineIntel' },
  ],
  server: [
    { manufacturer: 'VMware, Inc.', model: 'VMware7,1', oui: '00:50:56', cpu_vendor: 'GenuineIntel' },
    { manufacturer: 'Microsoft Corporation', model: 'Virtual Machine', oui: '00:15:5d', cpu_vendor: 'AuthenticAMD' },
    { manufacturer: 'Dell Inc.', model: 'PowerEdge R650', oui: 'b0:26:28', cpu_vendor: 'GenuineIntel' },
    { manufacturer: 'Amazon EC2', model: 'm6i.large', oui: '0e:a1:5c', cpu_vendor: 'GenuineIntel' },
  ],
  mac: [
    { manufacturer: 'Apple Inc.', model: 'MacBookPro18,3', oui: 'a4:83:e7', cpu_vendor: 'Apple' },
    { manufacturer: 'Apple Inc.', model: 'Mac14,2', oui: 'f0:18:98', cpu_vendor: 'Apple' },
    { manufacturer: 'Apple Inc.', model: 'Mac15,3', oui: '3c:22:fb', cpu_vendor: 'Apple' },
    { manufacturer: 'Apple Inc.', model: 'Macmini9,1', oui: '14:98:77', cpu_vendor: 'Apple' },
  ],
};

export const FIRST_NAMES = [
  'alice', 'bob', 'carol', 'david', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'nina',
  'oscar', 'peggy', 'quinn', 'rupert', 'sybil', 'trent', 'ursula', 'victor', 'wendy', 'xavier', 'yara', 'zoe',
] as const;

export const LAST_NAMES = [
  'anderson', 'brown', 'chen', 'diaz', 'evans', 'fischer', 'garcia', 'hughes', 'ito', 'jensen', 'kowalski',
  'lopez', 'murphy', 'nguyen', 'okafor', 'patel', 'rossi', 'silva', 'tanaka', 'usman', 'virtanen', 'weber',
] as const;

/** Department-ish prefixes used in generated document names. */
export const TOPICS = ['budget', 'roadmap', 'invoice', 'payroll', 'meeting-notes', 'vpn-setup', 'q3-report', 'onboarding'] as const;

/** Third-party mac applications a host may have besides Safari. */
export const MAC_APPS = ['Google Chrome', 'Slack', 'Microsoft Outlook', 'Visual Studio Code', 'zoom.us'] as const;
