import type { IdentityReportFrame } from '@riposte/spec';

export type LocalAuthEvent = NonNullable<IdentityReportFrame['events']>[number];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Dec  6 00:20:20` (classic syslog, no year: the latest such time not in the future) or ISO 8601 (rsyslog's precise format). */
export function parseSyslogTime(line: string, now = new Date()): { time: Date; rest: string } | undefined {
  const iso = /^(\d{4}-\d{2}-\d{2}T\S+)\s+\S+\s+(.*)$/.exec(line);
  if (iso) {
    const t = new Date(iso[1]);
    return Number.isNaN(t.getTime()) ? undefined : { time: t, rest: iso[2] };
  }
  const classic = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+\S+\s+(.*)$/.exec(line);
  if (!classic) return undefined;
  const month = MONTHS.indexOf(classic[1]);
  if (month < 0) return undefined;
  let t = new Date(Date.UTC(now.getUTCFullYear(), month, +classic[2], +classic[3], +classic[4], +classic[5]));
  if (t.getTime() > now.getTime() + 86_400_000) t = new Date(Date.UTC(now.getUTCFullYear() - 1, month, +classic[2], +classic[3], +classic[4], +classic[5]));
  return { time: t, rest: classic[6] };
}

/**
 * One authentication from a message of sshd, sudo or login (`program[pid]: text`), or undefined
 * for anything else. Source address and user are what the message says; nothing is guessed.
 */
export function parseAuthMessage(program: string, message: string, time: Date): LocalAuthEvent | undefined {
  const at = time.toISOString();
  if (program === 'sshd') {
    let m = /^Accepted (\S+) for (\S+) from (\S+) port \d+/.exec(message);
    if (m) return { timestamp: at, user: m[2], source_ip: m[3], protocol: 'SSH', result: 'SUCCESS', service: `ssh/${m[1]}` };
    m = /^Failed (\S+) for (?:invalid user )?(\S+) from (\S+) port \d+/.exec(message);
    if (m) return { timestamp: at, user: m[2], source_ip: m[3], protocol: 'SSH', result: 'FAILURE', service: `ssh/${m[1]}`, reason: message.includes('invalid user') ? 'unknown user' : `bad ${m[1]}` };
    return undefined;
  }
  if (program === 'sudo') {
    let m = /^\s*(\S+) : (?:\d+ incorrect password attempts?|.*authentication failure)/.exec(message);
    if (m) return { timestamp: at, user: m[1], protocol: 'SUDO', result: 'FAILURE', reason: 'incorrect password' };
    m = /^\s*(\S+) : .*COMMAND=/.exec(message);
    if (m) return { timestamp: at, user: m[1], protocol: 'SUDO', result: 'SUCCESS' };
    return undefined;
  }
  if (program === 'login') {
    let m = /^FAILED LOGIN \(\d+\)(?: on '?(\S+?)'?)? FOR '?([^',\s]+)'?/.exec(message);
    if (m) return { timestamp: at, user: m[2], protocol: 'LOGIN', result: 'FAILURE', ...(m[1] ? { service: m[1] } : {}) };
    m = /^pam_unix\(login:session\): session opened for user (\S+?)(?:\(uid=\d+\))?(?: by|$)/.exec(message);
    if (m) return { timestamp: at, user: m[1], protocol: 'LOGIN', result: 'SUCCESS' };
  }
  return undefined;
}

/** A line of a syslog auth file (auth.log, secure). */
export function parseAuthLogLine(line: string, now = new Date()): LocalAuthEvent | undefined {
  const parsed = parseSyslogTime(line, now);
  if (!parsed) return undefined;
  const m = /^([\w.-]+)(?:\[\d+\])?:\s(.*)$/.exec(parsed.rest);
  return m ? parseAuthMessage(m[1], m[2], parsed.time) : undefined;
}
