import fs from 'node:fs/promises';
import type { LoginRecord } from './index.ts';

/**
 * Elevations (sudo) from the authentication log. Lines carry an RFC 3339 stamp (rsyslog's
 * default on current distributions) or the traditional `May 20 10:11:12` one, which has no year:
 * it is taken as the most recent such moment not in the future.
 */
const SUDO = /^(\S+(?: +\d+ \d\d:\d\d:\d\d)?) \S+ sudo(?:\[\d+\])?: +(\S+) : (.*)$/;

export function parseAuthLog(text: string, now = new Date()): LoginRecord[] {
  const out: LoginRecord[] = [];
  for (const line of text.split('\n')) {
    const m = SUDO.exec(line);
    if (!m) continue;
    const time = logTime(m[1], now);
    if (!time) continue;
    const login = sudoEvent(m[2], m[3], time);
    if (login) out.push(login);
  }
  return out;
}

/** A sudo message (`alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id`) as an elevation. */
export function sudoEvent(user: string, rest: string, time: Date): LoginRecord | undefined {
  if (!/\bCOMMAND=/.test(rest)) return undefined;
  const failed = /incorrect password attempts?|authentication failure|user NOT in sudoers|command not allowed/.test(rest);
  return { user_name: user, login_time: time.toISOString(), login_type: 'Elevation', success: !failed };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function logTime(stamp: string, now: Date): Date | undefined {
  if (/^\d{4}-\d\d-\d\dT/.test(stamp)) {
    const t = new Date(stamp);
    return Number.isNaN(t.getTime()) ? undefined : t;
  }
  const m = /^([A-Z][a-z]{2}) +(\d+) (\d\d):(\d\d):(\d\d)$/.exec(stamp);
  if (!m || !MONTHS.includes(m[1])) return undefined;
  const at = (year: number) => new Date(year, MONTHS.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const t = at(now.getFullYear());
  return t.getTime() > now.getTime() + 86_400_000 ? at(now.getFullYear() - 1) : t;
}

/** The first authentication log that exists (Debian/Ubuntu, then RHEL/Fedora), last 4 MiB of it. */
export async function readAuthLog(files = ['/var/log/auth.log', '/var/log/secure']): Promise<LoginRecord[] | undefined> {
  for (const file of files) {
    const handle = await fs.open(file, 'r').catch(() => undefined);
    if (!handle) continue;
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 4 * 1024 * 1024);
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      return parseAuthLog(buf.toString('utf8'));
    } finally {
      await handle.close();
    }
  }
  return undefined;
}
