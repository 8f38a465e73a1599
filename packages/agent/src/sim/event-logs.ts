// Event logs. On Windows each record is generated on demand from (host, log, record number), so a
// 40,000-record Security log costs nothing until viewed, and only the records viewed. On Linux and
// macOS the logs are the text files in the virtual /var/log (so `rm` or `put` there shows up), and
// `journal` on Linux stands for the system log.

import { contentBytes, contentSize, type Content } from './content.ts';
import { CommandError } from '../commands/index.ts';
import { MAGIC } from './fs-layout.ts';
import { SIM_EPOCH, type HostProfile } from './host-profile.ts';
import { hash32, Rng, rngFor } from './prng.ts';
import type { VirtualHost } from './virtual-host.ts';

export interface EventEntry {
  time: string;
  level: string;
  source: string;
  /** Windows event id; null for syslog lines. */
  event_id: number | null;
  message: string;
}

interface WindowsLog {
  name: string;
  records: number;
}

type Template = (r: Rng, p: HostProfile) => [level: string, source: string, id: number, message: string];

const SCM = 'Service Control Manager';
const AUDIT = 'Microsoft-Windows-Security-Auditing';

const TEMPLATES: Record<string, { records: [number, number]; spanDays: number; events: Template[] }> = {
  System: {
    records: [2000, 15000],
    spanDays: 60,
    events: [
      (r) => ['Information', SCM, 7036, `The ${r.pick(['Windows Update', 'Print Spooler', 'WinHTTP Web Proxy Auto-Discovery Service', 'Windows Modules Installer', 'Riposte Agent'])} service entered the ${r.pick(['running', 'stopped'])} state.`],
      (r) => ['Information', SCM, 7040, `The start type of the ${r.pick(['Background Intelligent Transfer Service', 'Windows Update'])} service was changed from demand start to auto start.`],
      (r) => ['Information', 'EventLog', 6013, `The system uptime is ${r.int(3600, 3_000_000)} seconds.`],
      (r) => ['Warning', 'Microsoft-Windows-DNS-Client', 1014, `Name resolution for the name ${r.pick(['wpad', 'intranet.corp.example', 'ctldl.windowsupdate.com'])} timed out after none of the configured DNS servers responded.`],
      () => ['Warning', 'Microsoft-Windows-DistributedCOM', 10016, 'The application-specific permission settings do not grant Local Activation permission for the COM Server application.'],
      (r, p) => ['Information', 'User32', 1074, `The process C:\\Windows\\system32\\winlogon.exe (${p.hostname}) has initiated the restart of computer ${p.hostname} on behalf of user NT AUTHORITY\\SYSTEM for the following reason: Operating System: Upgrade (Planned) Reason Code: 0x80020003 (${r.int(1, 9)})`],
    ],
  },
  Security: {
    records: [5000, 40000],
    spanDays: 14,
    events: [
      (r, p) => ['Audit Success', AUDIT, 4624, `An account was successfully logged on.\n\nNew Logon:\n\tAccount Name:\t\t${r.pick(p.users).name}\n\tAccount Domain:\t\t${domainOf(p)}\n\tLogon Type:\t\t${r.pick([2, 3, 3, 5, 10])}\n\tSource Network Address:\t${remote(r)}`],
      (r) => ['Audit Failure', AUDIT, 4625, `An account failed to log on.\n\nAccount For Which Logon Failed:\n\tAccount Name:\t\t${r.pick(['administrator', 'admin', 'guest', 'backup'])}\n\tFailure Reason:\t\tUnknown user name or bad password.\n\tSource Network Address:\t${remote(r)}`],
      (r, p) => ['Audit Success', AUDIT, 4672, `Special privileges assigned to new logon.\n\n\tAccount Name:\t\t${r.chance(0.6) ? 'SYSTEM' : p.users[0].name}\n\tPrivileges:\t\tSeDebugPrivilege\n\t\t\tSeBackupPrivilege`],
      (r) => ['Audit Success', AUDIT, 4688, `A new process has been created.\n\n\tNew Process Name:\tC:\\Windows\\System32\\${r.pick(['cmd.exe', 'conhost.exe', 'svchost.exe', 'WindowsPowerShell\\v1.0\\powershell.exe', 'whoami.exe'])}\n\tCreator Process Name:\tC:\\Windows\\explorer.exe`],
      (r, p) => ['Audit Success', AUDIT, 4634, `An account was logged off.\n\n\tAccount Name:\t\t${r.pick(p.users).name}\n\tLogon Type:\t\t3`],
    ],
  },
  Application: {
    records: [1000, 10000],
    spanDays: 90,
    events: [
      (r) => ['Error', 'Application Error', 1000, `Faulting application name: ${r.pick(['OUTLOOK.EXE', 'msedge.exe', 'Teams.exe', 'explorer.exe'])}, version: 16.0.${r.int(10000, 18000)}.20000, faulting module name: ntdll.dll, exception code: 0xc0000005`],
      () => ['Information', 'Microsoft-Windows-Security-SPP', 16384, 'Successfully scheduled Software Protection service for re-start.'],
      () => ['Information', 'VSS', 8224, 'The VSS service is shutting down due to idle timeout.'],
      (r) => ['Information', 'MsiInstaller', 11707, `Product: ${r.pick(['Google Chrome', 'Microsoft Edge Update', 'Riposte Agent', '7-Zip 23.01 (x64)'])} -- Installation completed successfully.`],
      () => ['Information', 'Windows Error Reporting', 1001, 'Fault bucket , type 0\nEvent Name: APPCRASH\nResponse: Not available'],
    ],
  },
  Setup: {
    records: [50, 300],
    spanDays: 300,
    events: [
      (r) => ['Information', 'Microsoft-Windows-Servicing', 2, `Package KB${r.int(5030000, 5049999)} was successfully changed to the Installed state.`],
      (r) => ['Information', 'Microsoft-Windows-Servicing', 4, `A reboot is necessary before package KB${r.int(5030000, 5049999)} can be changed to the Installed state.`],
    ],
  },
  'Windows PowerShell': {
    records: [100, 2000],
    spanDays: 30,
    events: [
      () => ['Information', 'PowerShell', 400, 'Engine state is changed from None to Available.\n\n\tHostName=ConsoleHost'],
      () => ['Information', 'PowerShell', 403, 'Engine state is changed from Available to Stopped.\n\n\tHostName=ConsoleHost'],
      (r) => ['Information', 'PowerShell', 600, `Provider "${r.pick(['Registry', 'FileSystem', 'Variable', 'Environment'])}" is Started.`],
    ],
  },
};

export interface LogInfo {
  name: string;
  source: 'journald' | 'file' | 'windows';
  path: string | null;
  size: number | null;
  /** Number of records (lines for text logs); null for the journal. */
  records: number | null;
}

export interface LogView {
  /** As the real agent reports them: wevtutil text (newest first) or log lines (oldest first). */
  lines: string[];
  truncated: boolean;
  /** The same records, structured. */
  entries: EventEntry[];
}

const LOG_DIR = '/var/log';
const JOURNAL = 'journal';
/** Binary login records and compressed rotations aren't text logs. */
const NOT_TEXT = /\.(gz|xz|bz2|zst|lz4|Z)$|^(wtmp|btmp|lastlog|faillog)$|\.journal~?$/;

export function listLogs(host: VirtualHost): LogInfo[] {
  const p = host.profile;
  if (p.platform === 'windows') return windowsLogs(p).map(({ name, records }) => ({ name, source: 'windows', path: null, size: null, records }));
  const logs: LogInfo[] = p.platform === 'linux' ? [{ name: JOURNAL, source: 'journald', path: null, size: null, records: null }] : [];
  const walk = (dir: string, depth: number) => {
    for (const e of host.fs.stat(dir) ? host.fs.list(dir) : []) {
      const name = host.fs.style.basename(e.path);
      if (e.value.kind === 'directory') {
        if (depth < 3) walk(e.path, depth + 1);
      } else if (!NOT_TEXT.test(name)) {
        const text = contentBytes(e.value.content).toString('utf8');
        logs.push({ name: e.path.slice(LOG_DIR.length + 1), source: 'file', path: e.path, size: contentSize(e.value.content), records: splitLines(text).length });
      }
    }
  };
  walk(LOG_DIR, 1);
  return logs;
}

/** The last `count` records of a log; not_found for a name `list` doesn't offer. */
export function viewLog(host: VirtualHost, name: string, count: number): LogView {
  const p = host.profile;
  if (p.platform === 'windows') {
    const log = windowsLog(p, name);
    const entries = windowsLogEntries(p, log, count);
    return { lines: entries.flatMap((e, i) => wevtutilText(p, log.name, e, i)), truncated: false, entries };
  }
  const lines = splitLines(contentBytes(logContent(host, name)).toString('utf8')).slice(-count);
  return { lines, truncated: false, entries: lines.map(parseSyslogLine) };
}

/** What `eventlog export` writes: an .evtx (synthetic) on Windows, a copy of the text elsewhere. */
export function exportLog(host: VirtualHost, name: string): { content: Content; extension: string } {
  const p = host.profile;
  if (p.platform !== 'windows') return { content: logContent(host, name), extension: 'log' };
  const log = windowsLog(p, name);
  // Roughly 1 KiB per record, as real .evtx files run; capped to keep simulated hosts light.
  const size = Math.min(log.records * 1024, 8 * 1024 * 1024);
  return { content: { size, seed: hash32(`${p.seed}/export/${log.name}`), header: MAGIC.evtx }, extension: 'evtx' };
}

function windowsLog(p: HostProfile, name: string): WindowsLog {
  const log = windowsLogs(p).find((l) => l.name.toLowerCase() === name.toLowerCase());
  if (!log) throw new CommandError('not_found', `unknown log: ${name}`);
  return log;
}

/** A text log's bytes: `journal` is the system log; other names are files under /var/log. */
function logContent(host: VirtualHost, name: string): Content {
  const p = host.profile;
  const style = host.fs.style;
  const file = name === JOURNAL && p.platform === 'linux' ? `${LOG_DIR}/${p.os.id === 'rhel' ? 'messages' : 'syslog'}` : style.resolve(LOG_DIR, name);
  const e = file && style.within(file, LOG_DIR) && file !== LOG_DIR ? host.fs.stat(file) : undefined;
  if (!e || e.value.kind !== 'file') throw new CommandError('not_found', `unknown log: ${name}`);
  return e.value.content;
}

function windowsLogs(p: HostProfile): WindowsLog[] {
  const rng = rngFor(p.seed, 'eventlogs');
  return Object.entries(TEMPLATES).map(([name, t]) => ({ name, records: rng.int(t.records[0], t.records[1]) }));
}

/** The newest `count` records of a Windows log, newest first. */
function windowsLogEntries(p: HostProfile, log: WindowsLog, count: number): EventEntry[] {
  const t = TEMPLATES[log.name];
  const slot = (t.spanDays * 86_400_000) / log.records;
  const out: EventEntry[] = [];
  for (let i = 0; i < Math.min(count, log.records); i++) {
    // Each record has its own stream, so viewing 10 or 10,000 yields the same first ten.
    const r = new Rng(hash32(`${p.seed}/${log.name}/${i}`));
    const [level, source, id, message] = r.pick(t.events)(r, p);
    out.push({ time: new Date(SIM_EPOCH - Math.floor((i + r.next()) * slot)).toISOString(), level, source, event_id: id, message });
  }
  return out;
}

/** One event as `wevtutil qe /f:text` prints it. */
function wevtutilText(p: HostProfile, log: string, e: EventEntry, i: number): string[] {
  return [
    `Event[${i}]:`,
    `  Log Name: ${log}`,
    `  Source: ${e.source}`,
    `  Date: ${e.time.replace('Z', '0000Z')}`,
    `  Event ID: ${e.event_id}`,
    '  Task: N/A',
    `  Level: ${e.level.startsWith('Audit') ? 'Information' : e.level}`,
    '  Opcode: Info',
    `  Keyword: ${e.level.startsWith('Audit') ? e.level : 'Classic'}`,
    '  User: N/A',
    '  User Name: N/A',
    `  Computer: ${p.domain ? `${p.hostname}.${p.domain}` : p.hostname}`,
    '  Description: ',
    ...e.message.split('\n'),
    '',
  ];
}

const SYSLOG_LINE = /^(\w{3}) +(\d{1,2}) (\d\d:\d\d:\d\d) \S+ ([^:[\s]+)(?:\[\d+\])?: ?(.*)$/;

/** One `Jun  2 08:12:01 host prog[pid]: message` line; unparsable lines are kept as messages. */
function parseSyslogLine(line: string): EventEntry {
  const m = SYSLOG_LINE.exec(line);
  if (!m) return { time: '', level: 'info', source: '', event_id: null, message: line };
  const year = new Date(SIM_EPOCH).getUTCFullYear();
  const time = new Date(`${m[1]} ${m[2]} ${year} ${m[3]} UTC`);
  const level = /fail|error|denied|invalid/i.test(m[5]) ? 'warning' : 'info';
  return { time: isNaN(time.getTime()) ? '' : time.toISOString(), level, source: m[4], event_id: null, message: m[5] };
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const domainOf = (p: HostProfile) => (p.domain ? p.domain.split('.')[0].toUpperCase() : p.hostname);
const remote = (r: Rng) => `10.${r.int(16, 215)}.${r.int(0, 255)}.${r.int(10, 249)}`;
