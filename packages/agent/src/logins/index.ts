/**
 * The host's login records for its inventory: `collectLogins` reads them (`LoginSources` says
 * where, for tests), as `LoginRecord`s: logins and failed attempts from wtmp/btmp (utmp.ts), sudo
 * elevations from the authentication log (auth-log.ts) or journald.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Platform } from '../commands/index.ts';
import { readAuthLog, sudoEvent } from './auth-log.ts';
import { readUtmpFile, UtmpType, type UtmpRecord } from './utmp.ts';

/** One login or failed attempt, as the host's own records tell it. */
export interface LoginRecord {
  user_name: string;
  /** ISO-8601 UTC. */
  login_time: string;
  /** Interactive (console), Remote interactive (ssh, remote X), Elevation (sudo). */
  login_type: string;
  remote_address?: string;
  success: boolean;
}

/** Where the Linux login records are; tests point these at fixtures. */
export interface LoginSources {
  wtmp: string;
  btmp: string;
  /** Authentication logs, first existing wins; journald is asked when none exists. */
  authLogs: string[];
  /** Ask journald for sudo events when no authentication log exists. */
  journal: boolean;
}

export const LINUX_LOGIN_SOURCES: LoginSources = {
  wtmp: '/var/log/wtmp',
  btmp: '/var/log/btmp',
  authLogs: ['/var/log/auth.log', '/var/log/secure'],
  journal: true,
};

/** How many logins (newest) an inventory report carries. */
const MAX_REPORTED = 500;

/**
 * The host's recent logins, oldest first: Linux reads wtmp (logins), btmp (failed attempts) and
 * the authentication log or journald (sudo elevations). Undefined where the agent cannot read
 * login records (Windows and macOS agents do not yet).
 */
export async function collectLogins(platform: Platform, sources: LoginSources = LINUX_LOGIN_SOURCES): Promise<LoginRecord[] | undefined> {
  if (platform !== 'linux') return undefined;
  const logins = [
    ...(await readUtmpFile(sources.wtmp)).filter((r) => r.type === UtmpType.USER_PROCESS && r.user).map((r) => fromUtmp(r, true)),
    ...(await readUtmpFile(sources.btmp)).filter((r) => r.user).map((r) => fromUtmp(r, false)),
    ...((await readAuthLog(sources.authLogs)) ?? (sources.journal ? await journalSudo() : [])),
  ];
  logins.sort((a, b) => a.login_time.localeCompare(b.login_time));
  return logins.slice(-MAX_REPORTED);
}

/** A remote session names its source host; a local X display (`:0`) or a console does not. */
export function fromUtmp(r: UtmpRecord, success: boolean): LoginRecord {
  const remote = r.host !== '' && !r.host.startsWith(':');
  const source = r.address || (remote ? r.host : '');
  return {
    user_name: r.user,
    login_time: r.time.toISOString(),
    login_type: remote || r.line.startsWith('ssh') ? 'Remote interactive' : 'Interactive',
    ...(source ? { remote_address: source } : {}),
    success,
  };
}

/** sudo events from journald (hosts without a text authentication log). */
async function journalSudo(): Promise<LoginRecord[]> {
  try {
    const { stdout } = await promisify(execFile)('journalctl', ['-q', '--no-pager', '-o', 'json', '-n', '500', 'SYSLOG_IDENTIFIER=sudo'], {
      timeout: 10_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const out: LoginRecord[] = [];
    for (const line of stdout.split('\n')) {
      if (!line) continue;
      const entry = JSON.parse(line) as { MESSAGE?: unknown; __REALTIME_TIMESTAMP?: string };
      const m = typeof entry.MESSAGE === 'string' ? /^ *(\S+) : (.*)$/.exec(entry.MESSAGE) : null;
      if (!m || !entry.__REALTIME_TIMESTAMP) continue;
      const login = sudoEvent(m[1], m[2], new Date(Number(BigInt(entry.__REALTIME_TIMESTAMP) / 1000n)));
      if (login) out.push(login);
    }
    return out;
  } catch {
    // No journald (containers), or not permitted to read it: no elevations to report.
    return [];
  }
}
