import { execFile } from 'node:child_process';
import { parseRegQuery } from './windows-commands.ts';

/** What Group Policy records of the machine's own account: its distinguished name in AD. */
const GROUP_POLICY_MACHINE = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Group Policy\\State\\Machine';
/** Netlogon's site: `SiteName` when an administrator fixed it, else `DynamicSiteName` (discovered). */
const NETLOGON = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Netlogon\\Parameters';

/** One registry value's data, or undefined when the key or value does not exist. */
export type RegistryReader = (key: string, value: string) => Promise<string | undefined>;

export interface DirectoryFacts {
  /** Organizational units, innermost first (`OU=Laptops,OU=Sales,DC=…` → Laptops, Sales). */
  ou?: string[];
  site_name?: string;
}

/**
 * Where a domain-joined Windows machine sits in Active Directory, from what Windows itself keeps:
 * the distinguished name Group Policy last applied to, and Netlogon's site. A machine outside a
 * domain (or one Group Policy has not yet run on) has neither, and reports neither.
 */
export async function windowsDirectoryFacts(read: RegistryReader = readRegistryValue): Promise<DirectoryFacts> {
  const dn = await read(GROUP_POLICY_MACHINE, 'Distinguished-Name');
  const site = (await read(NETLOGON, 'SiteName')) || (await read(NETLOGON, 'DynamicSiteName'));
  const ou = dn ? organizationalUnits(dn) : [];
  return { ...(ou.length ? { ou } : {}), ...(site ? { site_name: site } : {}) };
}

/** The OU names of a distinguished name, in its order; escaped characters (`\,`) are unescaped. */
export function organizationalUnits(dn: string): string[] {
  const out: string[] = [];
  for (const rdn of dn.split(/(?<!\\),/)) {
    const m = /^\s*OU=(.+?)\s*$/i.exec(rdn);
    if (m) out.push(m[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}

/** `reg query KEY /v VALUE` (reg.exe is on every Windows); a missing key or value is undefined. */
function readRegistryValue(key: string, value: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('reg', ['query', key, '/v', value], { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      if (err) return resolve(undefined);
      const data = parseRegQuery(stdout, key).values.find((v) => v.name.toLowerCase() === value.toLowerCase())?.data.trim();
      resolve(data || undefined);
    });
  });
}
