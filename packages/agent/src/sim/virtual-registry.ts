// The simulated Windows registry: a generated base (version info, services, Run keys, …) under an
// overlay of changes, so `reg set` then `reg query` round-trips while idle hosts hold nothing.

import { CommandError, invalidArgument } from '../commands/index.ts';
import type { HostProfile } from './host-profile.ts';
import { OverlayTree, type TreeEntry, type TreeShape } from './overlay-tree.ts';

export const REG_TYPES = ['REG_SZ', 'REG_EXPAND_SZ', 'REG_MULTI_SZ', 'REG_DWORD', 'REG_QWORD', 'REG_BINARY', 'REG_NONE'] as const;
export type RegType = (typeof REG_TYPES)[number];

/** A value as reg.exe prints it, which is also how the real agent reports it. */
export interface RegValue {
  /** `(Default)` for a key's unnamed value. */
  name: string;
  type: RegType;
  /** DWORD/QWORD as `0x1f`, BINARY as upper-case hex, MULTI_SZ joined with `\0`. */
  data: string;
}

interface RegKey {
  values: readonly RegValue[];
  /** For a hive attached with `reg load`: the file it came from. */
  hiveFile?: string;
}

const HKLM = 'HKEY_LOCAL_MACHINE';
const HKCU = 'HKEY_CURRENT_USER';
const HKU = 'HKEY_USERS';
const HKCR = 'HKEY_CLASSES_ROOT';
const HKCC = 'HKEY_CURRENT_CONFIG';

/** Both spellings are accepted; keys are shown with the long one, as reg.exe prints them. */
const HIVES: Record<string, string> = {
  HKLM, [HKLM]: HKLM, HKCU, [HKCU]: HKCU, HKU, [HKU]: HKU, HKCR, [HKCR]: HKCR, HKCC, [HKCC]: HKCC,
};

const DEFAULT_VALUE = '(Default)';

const SHAPE: TreeShape = {
  key: (p) => p.toLowerCase(),
  parent: (p) => {
    const i = p.lastIndexOf('\\');
    return i < 0 ? null : p.slice(0, i);
  },
  split: (p) => p.split('\\'),
  join: (dir, name) => `${dir}\\${name}`,
};

export class VirtualRegistry {
  readonly #tree: OverlayTree<RegKey>;

  constructor(profile: () => HostProfile) {
    this.#tree = new OverlayTree(SHAPE, () => generateRegistry(profile()));
  }

  /** `HKLM\Software\` or `HKLM:\Software` → `HKEY_LOCAL_MACHINE\Software`. */
  normalise(key: unknown): string {
    if (typeof key !== 'string' || key.trim() === '') throw invalidArgument('key is required (non-empty string)');
    const parts = key.replace(/\//g, '\\').split('\\').filter((s) => s !== '');
    const hive = HIVES[(parts[0] ?? '').replace(/:$/, '').toUpperCase()];
    if (!hive) throw invalidArgument(`${key}: unknown registry hive (use HKLM, HKCU, HKU, HKCR or HKCC)`);
    return [hive, ...parts.slice(1)].join('\\');
  }

  /** A key's values and the full paths of its subkeys (as reg.exe lists them); or one value. */
  query(key: string, valueName?: string): { key: string; values: RegValue[]; subkeys: string[] } {
    const k = this.#require(key);
    const values = valueName === undefined ? [...k.value.values] : [this.#requireValue(k, valueName)];
    const subkeys = valueName === undefined ? this.#tree.children(k.path).map((c) => c.path).sort(byName) : [];
    return { key: k.path, values, subkeys };
  }

  /** Sets a value ('' or absent: the default value), creating the key and its parents like `reg add`. */
  set(key: string, valueName: string | undefined, type: string | undefined, data: string | undefined): { key: string; value: RegValue } {
    const value = { name: valueName ? valueName : DEFAULT_VALUE, ...parseData(type ?? 'REG_SZ', data ?? '') };
    const k = this.#ensure(key);
    const others = k.value.values.filter((v) => !sameName(v.name, value.name));
    this.#tree.set(k.path, { ...k.value, values: [...others, value] });
    return { key: k.path, value };
  }

  /** Deletes one value, or the key with all its subkeys. */
  /** Create a key and its missing parents; an existing key is left as it is. */
  create(key: string): { key: string } {
    return { key: this.#ensure(key).path };
  }

  delete(key: string, valueName?: string): { key: string } {
    const k = this.#require(key);
    if (valueName !== undefined) {
      const v = this.#requireValue(k, valueName);
      this.#tree.set(k.path, { ...k.value, values: k.value.values.filter((x) => x !== v) });
      return { key: k.path };
    }
    // Hive roots and the fixed top-level keys (HKLM\SYSTEM, HKU\<sid>) can't be deleted on Windows.
    if (isRoot(k.path) || (isRoot(SHAPE.parent(k.path)!) && /^(HKEY_LOCAL_MACHINE|HKEY_USERS)\\/.test(k.path))) {
      throw new CommandError('permission_denied', `${k.path}: access is denied`);
    }
    this.#tree.remove(k.path);
    return { key: k.path };
  }

  /** Attaches a hive file as HKLM\<name> or HKU\<name>. */
  load(key: string, hiveFile: string): { key: string } {
    if (!/^(HKEY_LOCAL_MACHINE|HKEY_USERS)\\[^\\]+$/.test(key)) throw invalidArgument(`${key}: hives can only be loaded directly under HKLM or HKU`);
    if (this.#tree.get(key)) throw new CommandError('already_exists', `${key}: already exists`);
    this.#tree.set(key, { values: [], hiveFile });
    this.#tree.set(`${key}\\Software`, { values: [] });
    return { key };
  }

  unload(key: string): { key: string } {
    const k = this.#require(key);
    if (!k.value.hiveFile) throw invalidArgument(`${k.path}: not a loaded hive`);
    this.#tree.remove(k.path);
    return { key: k.path };
  }

  get changed(): boolean {
    return this.#tree.changed;
  }

  dropBase(): void {
    this.#tree.dropBase();
  }

  #require(key: string): TreeEntry<RegKey> {
    const k = this.#tree.get(key);
    if (!k) throw new CommandError('not_found', `${key}: registry key not found`);
    return k;
  }

  #requireValue(k: TreeEntry<RegKey>, name: string): RegValue {
    const v = k.value.values.find((x) => sameName(x.name, name === '' ? DEFAULT_VALUE : name));
    if (!v) throw new CommandError('not_found', `${k.path}: value ${name || DEFAULT_VALUE} not found`);
    return v;
  }

  /** The key, created with its missing parents in the case given (like `reg add`). */
  #ensure(key: string): TreeEntry<RegKey> {
    const existing = this.#tree.get(key);
    if (existing) return existing;
    const parent = SHAPE.parent(key);
    const path = parent === null ? key : `${this.#ensure(parent).path}\\${key.slice(parent.length + 1)}`;
    this.#tree.set(path, { values: [] });
    return this.#tree.get(path)!;
  }
}

/** Validates `data` for `type` as reg.exe would, and formats it the way `reg query` prints it. */
function parseData(type: string, data: string): Omit<RegValue, 'name'> {
  const t = type.toUpperCase() as RegType;
  switch (t) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
    case 'REG_MULTI_SZ':
      return { type: t, data };
    case 'REG_DWORD':
    case 'REG_QWORD': {
      const n = /^(0x[0-9a-f]+|\d+)$/i.test(data.trim()) ? Number(data.trim()) : NaN;
      const max = t === 'REG_DWORD' ? 0xffffffff : Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(n) || n > max) throw invalidArgument(`data must be an integer between 0 and ${max} for ${t}`);
      return { type: t, data: `0x${n.toString(16)}` };
    }
    case 'REG_BINARY':
      if (!/^([0-9a-f]{2})*$/i.test(data)) throw invalidArgument('data must be hex bytes for REG_BINARY');
      return { type: t, data: data.toUpperCase() };
    case 'REG_NONE':
      return { type: t, data: '' };
    default:
      throw invalidArgument(`type must be one of: ${REG_TYPES.join(', ')}`);
  }
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const isRoot = (path: string) => !path.includes('\\');
const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/** The generated registry, parents first. */
function generateRegistry(p: HostProfile): TreeEntry<RegKey>[] {
  const out: TreeEntry<RegKey>[] = [];
  const seen = new Set<string>();
  const key = (path: string, values: Record<string, [RegType, string | number]> = {}) => {
    const parent = SHAPE.parent(path);
    if (parent !== null && !seen.has(parent)) key(parent);
    seen.add(path);
    out.push({ path, value: { values: Object.entries(values).map(([name, [type, data]]) => ({ name, ...parseData(type, String(data)) })) } });
  };
  const sz = (data: string): [RegType, string] => ['REG_SZ', data];
  const expand = (data: string): [RegType, string] => ['REG_EXPAND_SZ', data];
  const dword = (data: number): [RegType, number] => ['REG_DWORD', data];
  const user = p.users[0];

  for (const hive of [HKLM, HKCU, HKU, HKCR, HKCC]) key(hive);
  key(`${HKLM}\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion`, {
    ProductName: sz(p.os.product_name),
    EditionID: sz(p.os.product_name.split(' ').pop()!),
    DisplayVersion: sz(p.os.codename),
    CurrentBuild: sz(p.os.build),
    CurrentBuildNumber: sz(p.os.build),
    UBR: dword(Number(p.os.kernel.split('.').pop())),
    InstallDate: dword(Math.floor(p.install_time / 1000)),
    RegisteredOwner: sz(user.full_name),
    RegisteredOrganization: sz(p.domain ? 'Example Corp' : ''),
    SystemRoot: sz('C:\\Windows'),
  });
  key(`${HKLM}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion`, { ProgramFilesDir: sz('C:\\Program Files'), CommonFilesDir: sz('C:\\Program Files\\Common Files') });
  key(`${HKLM}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run`, { SecurityHealth: expand('%windir%\\system32\\SecurityHealthSystray.exe') });
  key(`${HKLM}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce`);
  key(`${HKLM}\\SOFTWARE\\Riposte\\Agent`, { Version: sz(p.agent_version), InstallPath: sz('C:\\Program Files\\Riposte'), Simulated: dword(1) });
  key(`${HKLM}\\SAM`);
  key(`${HKLM}\\SECURITY`);
  key(`${HKLM}\\HARDWARE\\DESCRIPTION\\System\\BIOS`, { SystemManufacturer: sz(p.hardware.manufacturer), SystemProductName: sz(p.hardware.model) });
  key(`${HKLM}\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName`, { ComputerName: sz(p.hostname) });
  key(`${HKLM}\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters`, { Hostname: sz(p.hostname), 'NV Hostname': sz(p.hostname), Domain: sz(p.domain) });
  for (const [name, display, image, start, type, account] of SERVICES) {
    key(`${HKLM}\\SYSTEM\\CurrentControlSet\\Services\\${name}`, {
      DisplayName: sz(display), ImagePath: expand(image), Start: dword(start), Type: dword(type), ObjectName: sz(account),
    });
  }
  key(`${HKCU}\\Environment`, { TEMP: expand('%USERPROFILE%\\AppData\\Local\\Temp'), TMP: expand('%USERPROFILE%\\AppData\\Local\\Temp') });
  key(`${HKCU}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`, { OneDrive: sz(`"${user.home}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background`) });
  key(`${HKU}\\.DEFAULT\\Software`);
  key(`${HKU}\\S-1-5-18\\Software`);
  for (const u of p.users) key(`${HKU}\\${u.sid}\\Software`);
  key(`${HKCR}\\.txt`, { [DEFAULT_VALUE]: sz('txtfile') });
  key(`${HKCR}\\exefile\\shell\\open\\command`, { [DEFAULT_VALUE]: sz('"%1" %*') });
  key(`${HKCC}\\System`);
  return out;
}
/** name, display name, image path, start type, service type, account. */
const SERVICES: readonly [string, string, string, number, number, string][] = [
  ['Dnscache', 'DNS Client', '%SystemRoot%\\system32\\svchost.exe -k NetworkService -p', 2, 48, 'NT AUTHORITY\\NetworkService'],
  ['EventLog', 'Windows Event Log', '%SystemRoot%\\System32\\svchost.exe -k LocalServiceNetworkRestricted -p', 2, 32, 'NT AUTHORITY\\LocalService'],
  ['LanmanServer', 'Server', '%SystemRoot%\\system32\\svchost.exe -k netsvcs -p', 2, 32, 'LocalSystem'],
  ['RiposteAgent', 'Riposte Agent', '"C:\\Program Files\\Riposte\\riposte-agent.exe" service', 2, 16, 'LocalSystem'],
  ['Schedule', 'Task Scheduler', '%systemroot%\\system32\\svchost.exe -k netsvcs -p', 2, 32, 'LocalSystem'],
  ['Spooler', 'Print Spooler', '%SystemRoot%\\System32\\spoolsv.exe', 2, 16, 'LocalSystem'],
  ['W32Time', 'Windows Time', '%SystemRoot%\\system32\\svchost.exe -k LocalService', 3, 32, 'NT AUTHORITY\\LocalService'],
  ['WinDefend', 'Microsoft Defender Antivirus Service', '"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.24090.11-0\\MsMpEng.exe"', 2, 16, 'LocalSystem'],
];
