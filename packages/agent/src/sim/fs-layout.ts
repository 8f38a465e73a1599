// Which directories and files a freshly generated host has. Binaries and documents are synthetic
// (right size and magic bytes, noise after); configs, histories and logs are real text.

import { TOPICS } from './catalog.ts';
import { Generated, type Content } from './content.ts';
import * as text from './file-texts.ts';
import { SIM_EPOCH, type HostProfile, type HostUser } from './host-profile.ts';
import type { TreeEntry } from './overlay-tree.ts';
import { pathStyle, type PathStyle } from './paths.ts';
import { hash32, Rng, rngFor } from './prng.ts';
import { aptHistoryLog } from './updates.ts';
import { toStamp, type FsNode } from './virtual-fs.ts';

/** File signatures, so `cat`/`get` of a generated file looks like the real kind. */
export const MAGIC = {
  pe: 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00\x00\x00\x00\x00@\x00This program cannot be run in DOS mode.\r\r\n$',
  elf: '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00',
  macho: '\xcf\xfa\xed\xfe\x0c\x00\x00\x01\x00\x00\x00\x00\x02\x00\x00\x00',
  regf: 'regf',
  evtx: 'ElfFile\x00',
  zip: 'PK\x03\x04\x14\x00\x06\x00',
  pdf: '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n',
  ole: '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1',
  crashdump: 'PAGEDU64',
  none: '',
} as const;

const MINUTE = 60_000;

/** Owned by TrustedInstaller (as are the OS binaries in System32): SYSTEM can't remove them. */
const LOCKED_DIRS = new Set(['C:\\Windows', 'C:\\Windows\\System32']);

type When = 'system' | 'user' | 'recent';

/** Text content: a constant shared by every host, or rendered from the file's own seeded stream. */
type Body = string | ((r: Rng) => string);

/** Collects entries, creating missing parent directories on the way. */
class LayoutBuilder {
  readonly entries: TreeEntry<FsNode>[] = [];
  readonly #seen = new Set<string>();

  constructor(readonly style: PathStyle, readonly p: HostProfile, readonly rng: Rng) {}

  dir(path: string, attrs?: string, when: When = 'system'): void {
    const key = this.style.key(path);
    if (this.#seen.has(key)) return;
    const parent = this.style.parent(path);
    if (parent !== null) this.dir(parent);
    this.#seen.add(key);
    const { btime, mtime } = this.#stamp(when);
    this.entries.push({ path, value: { kind: 'directory', attrs: attrs ?? (this.style.windows ? 'D' : '0755'), btime, mtime, locked: LOCKED_DIRS.has(path) } });
  }

  file(path: string, content: Content, attrs?: string, when: When = 'system', locked = false): void {
    this.dir(this.style.parent(path)!);
    this.#seen.add(this.style.key(path));
    const { btime, mtime } = this.#stamp(when);
    this.entries.push({ path, value: { kind: 'file', attrs: attrs ?? (this.style.windows ? 'A' : '0644'), btime, mtime, content, locked } });
  }

  /** Text with the platform's line endings. */
  text(path: string, body: Body, attrs?: string, when: When = 'system'): void {
    const windows = this.style.windows;
    if (typeof body === 'string') {
      this.file(path, windows ? crlfConstant(body) : body, attrs, when);
      return;
    }
    // Only the size is kept: the text is rendered again, identically, whenever it is read.
    const seed = hash32(`${this.p.seed}|${this.style.key(path)}`);
    this.file(path, new Generated(() => (windows ? crlf(body(new Rng(seed))) : body(new Rng(seed)))), attrs, when);
  }

  /**
   * An OS binary: its bytes depend on the OS build rather than the host, so every host on the
   * same build reports the same hash, as real fleets do.
   */
  binary(path: string, size: number, attrs?: string): void {
    const header = this.style.windows ? MAGIC.pe : this.p.platform === 'mac' ? MAGIC.macho : MAGIC.elf;
    const locked = this.style.windows && this.style.within(path, 'C:\\Windows\\System32');
    // `| 0`: an int32 seed is a small integer to V8, not a boxed number per file.
    this.file(path, { size, seed: hash32(`${this.p.os.build}|${this.style.key(path)}`) | 0, header }, attrs ?? (this.style.windows ? 'A' : '0755'), 'system', locked);
  }

  /** A per-host synthetic file (documents, downloads, hives). */
  blob(path: string, size: number, header: string, attrs?: string, when: When = 'user'): void {
    this.file(path, { size, seed: this.rng.u32() | 0, header }, attrs, when);
  }

  /** Creation and modification stamps (see toStamp) typical of the kind of file. */
  #stamp(when: When): { btime: number; mtime: number } {
    const { rng, p } = this;
    let btime: number;
    let mtime: number;
    if (when === 'system') {
      btime = mtime = p.install_time + rng.int(0, 90) * MINUTE;
    } else if (when === 'recent') {
      mtime = SIM_EPOCH - rng.int(10, 7 * 24 * 60) * MINUTE;
      btime = mtime - rng.int(0, 60) * MINUTE;
    } else {
      btime = p.install_time + rng.int(1, Math.max(1, Math.floor((SIM_EPOCH - p.install_time) / MINUTE) - 1)) * MINUTE;
      mtime = Math.min(SIM_EPOCH - MINUTE, btime + rng.int(0, 14 * 24 * 60) * MINUTE);
    }
    return { btime: toStamp(btime), mtime: toStamp(mtime) };
  }
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** CRLF versions of the constant texts, converted once for all Windows hosts. */
const CRLF_CONSTANTS = new Map<string, string>();
function crlfConstant(s: string): string {
  let converted = CRLF_CONSTANTS.get(s);
  if (converted === undefined) CRLF_CONSTANTS.set(s, (converted = crlf(s)));
  return converted;
}

/** The generated file system of a host, parents before children. */
export function generateFs(p: HostProfile): TreeEntry<FsNode>[] {
  const b = new LayoutBuilder(pathStyle(p.platform), p, rngFor(p.seed, 'fs'));
  if (p.platform === 'windows') windowsLayout(b);
  else if (p.platform === 'mac') macLayout(b);
  else linuxLayout(b);
  return b.entries;
}

const WIN_SYSTEM32: readonly [string, number][] = [
  ['cmd.exe', 323_584], ['conhost.exe', 1_019_904], ['csrss.exe', 17_192], ['ipconfig.exe', 35_840],
  ['kernel32.dll', 770_048], ['lsass.exe', 59_456], ['net.exe', 57_344], ['notepad.exe', 201_216],
  ['ntdll.dll', 2_150_232], ['ntoskrnl.exe', 11_534_656], ['reg.exe', 77_824], ['services.exe', 711_008],
  ['smss.exe', 159_744], ['spoolsv.exe', 935_936], ['svchost.exe', 57_360], ['whoami.exe', 73_728],
  ['wininit.exe', 443_392], ['winlogon.exe', 906_752],
];

function windowsLayout(b: LayoutBuilder): void {
  const { p, rng } = b;
  b.dir('C:\\');
  b.dir('C:\\$Recycle.Bin', 'DHS');
  b.dir('C:\\PerfLogs');
  b.dir('C:\\ProgramData', 'DH');
  b.dir('C:\\Windows\\Temp');
  for (const [name, size] of WIN_SYSTEM32) b.binary(`C:\\Windows\\System32\\${name}`, size);
  b.binary('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 455_680);
  b.binary('C:\\Windows\\explorer.exe', 2_774_616);
  b.binary('C:\\Windows\\regedit.exe', 370_688);
  b.text('C:\\Windows\\win.ini', text.WIN_INI);
  b.text('C:\\Windows\\System32\\drivers\\etc\\hosts', text.WINDOWS_HOSTS);
  for (const hive of ['SAM', 'SECURITY', 'SOFTWARE', 'SYSTEM']) {
    b.blob(`C:\\Windows\\System32\\config\\${hive}`, rng.int(64, 320) * 1024, MAGIC.regf, 'A', 'recent');
  }
  for (const log of ['Application', 'Security', 'System']) {
    b.blob(`C:\\Windows\\System32\\winevt\\Logs\\${log}.evtx`, rng.int(17, 68) * 65_536, MAGIC.evtx, 'A', 'recent');
  }
  b.dir('C:\\Program Files\\Common Files');
  b.binary('C:\\Program Files\\Riposte\\riposte-agent.exe', 2_390_528);
  b.text('C:\\Program Files\\Riposte\\agent.json', () => text.agentConfig(p));
  b.text('C:\\ProgramData\\Riposte\\logs\\agent.log', (r) => text.agentLog(p, r), 'A', 'recent');
  b.binary('C:\\Program Files\\Windows Defender\\MsMpEng.exe', 133_432);
  b.binary('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', 4_210_968);
  if (rng.chance(0.6)) b.binary('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 3_225_624);
  if (!p.os.server) b.binary('C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', 2_695_024);

  b.dir('C:\\Users\\Public');
  b.dir('C:\\Users\\Default', 'DH');
  for (const u of p.users) {
    const home = u.home;
    b.dir(`${home}\\AppData\\Local\\Temp`, 'D', 'user');
    b.blob(`${home}\\NTUSER.DAT`, rng.int(256, 2048) * 1024, MAGIC.regf, 'AHS', 'recent');
    b.text(`${home}\\AppData\\Roaming\\Microsoft\\Windows\\PowerShell\\PSReadLine\\ConsoleHost_history.txt`, (r) => text.shellHistory(p, u, r), 'A', 'recent');
    userDocuments(b, u, '\\', [['.docx', MAGIC.zip], ['.xlsx', MAGIC.zip], ['.pdf', MAGIC.pdf]], [['.exe', MAGIC.pe], ['.msi', MAGIC.ole], ['.zip', MAGIC.zip]]);
  }
}

function linuxLayout(b: LayoutBuilder): void {
  const { p, rng } = b;
  b.dir('/');
  b.text('/etc/passwd', () => text.etcPasswd(p));
  b.text('/etc/group', () => text.etcGroup(p));
  b.text('/etc/shadow', (r) => text.etcShadow(p, r), '0640');
  b.text('/etc/hostname', () => `${p.hostname}\n`);
  b.text('/etc/hosts', () => text.hostsFile(p));
  b.text('/etc/resolv.conf', () => text.resolvConf(p));
  b.text('/etc/os-release', () => text.osRelease(p));
  b.text('/etc/fstab', text.FSTAB);
  b.text('/etc/crontab', (r) => text.crontab(r));
  b.text('/etc/sudoers', () => text.sudoers(p), '0440');
  b.text('/etc/ssh/sshd_config', text.SSHD_CONFIG);
  b.text('/etc/riposte/agent.json', () => text.agentConfig(p), '0600');
  b.binary(`/boot/vmlinuz-${p.os.kernel}`, 3_525_000, '0600');
  for (const [name, size] of [['bash', 1_396_520], ['cat', 35_280], ['ls', 138_216], ['ps', 137_688], ['python3', 5_904_904], ['ssh', 846_240]] as const) {
    b.binary(`/usr/bin/${name}`, size);
  }
  b.binary('/usr/bin/sudo', 232_416, '4755');
  b.binary('/usr/sbin/sshd', 921_480);
  b.binary('/usr/sbin/cron', 47_480);
  b.binary('/opt/riposte/riposte-agent', 2_617_344);
  b.dir('/tmp', '1777');
  b.dir('/var/tmp', '1777');
  const debian = p.os.id !== 'rhel';
  b.text(`/var/log/${debian ? 'syslog' : 'messages'}`, (r) => text.syslog(p, r, 'system'), '0640', 'recent');
  b.text(`/var/log/${debian ? 'auth.log' : 'secure'}`, (r) => text.syslog(p, r, 'auth'), '0640', 'recent');
  b.text('/var/log/kern.log', (r) => text.syslog(p, r, 'kernel'), '0640', 'recent');
  b.text('/var/log/riposte-agent.log', (r) => text.agentLog(p, r), '0640', 'recent');
  if (debian) b.text('/var/log/apt/history.log', () => aptHistoryLog(p), '0644', 'recent');
  b.blob('/var/log/wtmp', rng.int(4, 40) * 384, MAGIC.none, '0664', 'recent');
  b.dir('/root', '0700');
  b.text('/root/.bashrc', BASHRC);
  b.text('/root/.bash_history', (r) => text.shellHistory(p, ROOT, r), '0600', 'recent');
  for (const u of p.users) {
    b.dir(u.home, '0750');
    b.text(`${u.home}/.bashrc`, BASHRC);
    b.text(`${u.home}/.bash_history`, (r) => text.shellHistory(p, u, r), '0600', 'recent');
    b.dir(`${u.home}/.ssh`, '0700');
    b.text(`${u.home}/.ssh/authorized_keys`, (r) => text.authorizedKeys(u, r), '0600');
    if (rng.chance(0.5)) b.text(`${u.home}/notes.txt`, (r) => text.notes(p, r), '0644', 'user');
  }
}

function macLayout(b: LayoutBuilder): void {
  const { p, rng } = b;
  b.dir('/');
  b.text('/etc/passwd', () => text.etcPasswd(p));
  b.text('/etc/group', () => text.etcGroup(p));
  b.text('/etc/hosts', () => text.hostsFile(p));
  b.text('/etc/sudoers', () => text.sudoers(p), '0440');
  b.dir('/tmp', '1777');
  b.text('/var/log/system.log', (r) => text.syslog(p, r, 'system'), '0640', 'recent');
  b.text('/var/log/install.log', (r) => text.syslog(p, r, 'kernel'), '0640', 'recent');
  for (const [name, size] of [['zsh', 1_377_088], ['bash', 1_310_224], ['ls', 154_624], ['ssh', 2_237_904]] as const) {
    b.binary(`/bin/${name}`, size);
  }
  b.binary('/usr/sbin/sshd', 1_861_120);
  b.text('/System/Library/CoreServices/SystemVersion.plist', () => text.plist({ ProductName: 'macOS', ProductVersion: p.os.version.slice(6), ProductBuildVersion: p.os.build }));
  b.binary('/Library/Application Support/Riposte/riposte-agent', 2_845_696);
  b.text('/Library/LaunchDaemons/com.riposte.agent.plist', AGENT_PLIST);
  for (const app of p.apps) {
    b.text(`/Applications/${app}.app/Contents/Info.plist`, (r) => text.plist({ CFBundleName: app, CFBundleExecutable: app, CFBundleShortVersionString: `${r.int(1, 130)}.${r.int(0, 9)}` }));
    b.binary(`/Applications/${app}.app/Contents/MacOS/${app}`, rng.int(200, 2000) * 1024);
  }
  b.dir('/Users/Shared', '1777');
  for (const u of p.users) {
    b.dir(u.home, '0750', 'user');
    b.text(`${u.home}/.zshrc`, 'export PATH="/opt/homebrew/bin:$PATH"\n', '0644', 'user');
    b.text(`${u.home}/.zsh_history`, (r) => text.shellHistory(p, u, r), '0600', 'recent');
    b.dir(`${u.home}/Library/LaunchAgents`, '0755', 'user');
    userDocuments(b, u, '/', [['.pages', MAGIC.zip], ['.pdf', MAGIC.pdf], ['.key', MAGIC.zip]], [['.dmg', MAGIC.none], ['.zip', MAGIC.zip], ['.pkg', MAGIC.none]]);
  }
}

/** Desktop, Documents and Downloads with a few per-host files. */
function userDocuments(b: LayoutBuilder, u: HostUser, sep: string, docs: [string, string][], downloads: [string, string][]): void {
  const { rng, p } = b;
  const topics = rng.sample(TOPICS, 4);
  b.text(`${u.home}${sep}Desktop${sep}notes.txt`, (r) => text.notes(p, r), undefined, 'user');
  for (const topic of topics.slice(0, rng.int(1, 3))) {
    const [ext, magic] = rng.pick(docs);
    b.blob(`${u.home}${sep}Documents${sep}${topic}${ext}`, rng.int(12, 900) * 1024, magic);
  }
  const [ext, magic] = rng.pick(downloads);
  b.blob(`${u.home}${sep}Downloads${sep}${rng.pick(['setup', 'installer', 'update', 'tool', 'invoice'])}-${rng.int(1, 9)}.${rng.int(0, 9)}${ext}`, rng.int(200, 6000) * 1024, magic, undefined, 'recent');
}

const ROOT: HostUser = { name: 'root', full_name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', sid: null, admin: true };
const AGENT_PLIST = text.plist({ Label: 'com.riposte.agent', Program: '/Library/Application Support/Riposte/riposte-agent' });

const BASHRC = '# ~/.bashrc: executed by bash(1) for non-login shells.\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\nHISTSIZE=1000\nHISTFILESIZE=2000\nalias ll=\'ls -alF\'\n';
