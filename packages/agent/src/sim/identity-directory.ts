import { hash32, Rng } from './prng.ts';

/**
 * A simulated Active Directory domain, the same for the same seed, name and size: people,
 * administrators (some of them stale), service accounts, groups and workstations. The facts a
 * domain controller's identity sensor reports about it.
 */

export interface DirectoryUser {
  sam: string;
  displayName: string;
  email: string;
  ou: string;
  department: string;
  enabled: boolean;
  privileged: boolean;
  service: boolean;
  builtinAdmin: boolean;
  passwordLastSet: string;
  passwordNeverExpires: boolean;
  /** Last logon before the simulation started; null: never. */
  lastLogon: string | null;
  created: string;
  groups: string[];
  /** The workstation or server the account works from. */
  home: number;
  /** An administrator nobody uses any more: it never authenticates. */
  stale: boolean;
  /** A person who hops between many workstations. */
  roaming: boolean;
}

export interface DirectoryEndpoint {
  hostName: string;
  ip: string;
  os: string;
  server: boolean;
}

export interface Directory {
  domain: string;
  users: DirectoryUser[];
  groups: { name: string; privileged: boolean }[];
  endpoints: DirectoryEndpoint[];
}

const FIRST = ['james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'chris', 'karen', 'daniel', 'lisa', 'matthew', 'nancy', 'anthony', 'betty', 'mark', 'sandra', 'paul', 'ashley', 'steven', 'kimberly', 'andrew', 'emily', 'kenneth', 'donna', 'joshua', 'michelle', 'kevin', 'carol'];
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'perez', 'thompson', 'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson'];
const DEPARTMENTS = ['Finance', 'Sales', 'Engineering', 'HR', 'IT', 'Legal', 'Marketing', 'Operations'];
const SERVICES = ['sql', 'backup', 'web', 'exchange', 'sharepoint', 'monitoring', 'deploy', 'scanner', 'print', 'crm'];
export const SERVERS = ['SRV-FILE01', 'SRV-SQL01', 'SRV-WEB01', 'SRV-MAIL01', 'SRV-APP01'];
const PRIVILEGED_GROUPS = ['Domain Admins', 'Enterprise Admins', 'Administrators', 'Schema Admins'];
const DAY = 86_400_000;

function ipOf(i: number): string {
  return `10.${10 + ((i >> 16) & 0xff)}.${(i >> 8) & 0xff}.${(i & 0xff) + 1 > 254 ? 254 : (i & 0xff) + 1}`;
}

export function buildDirectory(seed: string | number, domainName: string, userCount: number, now = Date.now()): Directory {
  const domain = domainName.toUpperCase();
  const dns = domain.toLowerCase();
  const rng = new Rng(hash32(`${seed}/identity/${domain}/${userCount}`));
  const ago = (minDays: number, maxDays: number) => new Date(now - rng.int(minDays * 24, maxDays * 24) * 3_600_000).toISOString();
  const groups = [...PRIVILEGED_GROUPS.map((name) => ({ name, privileged: true })), ...['Domain Users', 'Service Accounts', ...DEPARTMENTS].map((name) => ({ name, privileged: false }))];

  const workstations = Math.max(8, Math.ceil(userCount / 2));
  const endpoints: DirectoryEndpoint[] = [
    ...SERVERS.map((h, i) => ({ hostName: `${h}.${dns}`, ip: `10.0.1.${i + 10}`, os: 'Windows Server 2022', server: true })),
    ...Array.from({ length: workstations }, (_, i) => ({ hostName: `WS-${String(i + 1).padStart(5, '0')}.${dns}`, ip: ipOf(i), os: rng.chance(0.8) ? 'Windows 11 Enterprise' : 'Windows 10 Enterprise', server: false })),
  ];

  const users: DirectoryUser[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < userCount; i++) {
    // Every domain has a few administrators and service accounts, however small.
    const kind = i === 0 ? 'builtin' : i <= 3 || rng.chance(0.03) ? 'admin' : i <= 5 || rng.chance(0.05) ? 'service' : 'person';
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let sam = kind === 'builtin' ? 'Administrator' : kind === 'admin' ? `adm-${first[0]}${last}` : kind === 'service' ? `svc-${rng.pick(SERVICES)}` : `${first}.${last}`;
    if (taken.has(sam.toLowerCase())) sam = `${sam}${i}`;
    taken.add(sam.toLowerCase());
    const department = kind === 'person' ? rng.pick(DEPARTMENTS) : 'IT';
    const privileged = kind === 'builtin' || kind === 'admin';
    const service = kind === 'service';
    const stale = kind === 'admin' && (i === 2 || rng.chance(0.35));
    const home = service || privileged ? rng.int(0, SERVERS.length - 1) : SERVERS.length + (i % workstations);
    users.push({
      sam,
      displayName: service ? `${sam} service` : kind === 'builtin' ? 'Administrator' : `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}`,
      email: `${sam}@${dns}`,
      ou: `OU=${service ? 'Service Accounts' : privileged ? 'Admins' : department},DC=${dns.split('.').join(',DC=')}`,
      department,
      enabled: kind === 'builtin' || !rng.chance(0.03),
      privileged,
      service,
      builtinAdmin: kind === 'builtin',
      passwordLastSet: service || stale ? ago(200, 1500) : ago(1, 400),
      passwordNeverExpires: service || kind === 'builtin' || rng.chance(0.02),
      lastLogon: stale ? (rng.chance(0.2) ? null : ago(120, 700)) : ago(0, 3),
      created: ago(400, 3000),
      groups: [
        'Domain Users',
        ...(kind === 'builtin' ? ['Administrators', 'Domain Admins', 'Enterprise Admins', 'Schema Admins'] : []),
        ...(kind === 'admin' ? ['Domain Admins'] : []),
        ...(service ? ['Service Accounts'] : []),
        department,
      ],
      home,
      stale,
      roaming: kind === 'person' && rng.chance(0.02),
    });
  }
  return { domain, users, groups, endpoints };
}
