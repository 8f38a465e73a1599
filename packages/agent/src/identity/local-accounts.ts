import fs from 'node:fs';
import type { IdentityReportFrame } from '@riposte/spec';

type User = NonNullable<IdentityReportFrame['users']>[number];
type Group = NonNullable<IdentityReportFrame['groups']>[number];

/** Members of these groups may become root. */
export const PRIVILEGED_GROUPS = ['sudo', 'wheel', 'admin', 'root'];
const NO_LOGIN = /(nologin|false|sync|shutdown|halt)$/;
const DAY = 86_400_000;

export interface LocalAccountFiles {
  passwd: string;
  group: string;
  /** Absent when unreadable (not root): password age is then not reported. */
  shadow?: string;
}

export function readAccountFiles(root = '/etc'): LocalAccountFiles {
  const read = (f: string) => fs.readFileSync(`${root}/${f}`, 'utf8');
  let shadow: string | undefined;
  try {
    shadow = read('shadow');
  } catch {
    shadow = undefined;
  }
  return { passwd: read('passwd'), group: read('group'), shadow };
}

const rows = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('+') && !l.startsWith('-')).map((l) => l.split(':'));

/**
 * Local accounts and groups from the passwd, group and shadow databases. Accounts with uid 0 or
 * in a privileged group are privileged; system accounts (uid below 1000, not root) are
 * programmatic; an account is enabled when it has a login shell and (where shadow is readable)
 * an unlocked password.
 */
export function parseLocalAccounts(files: LocalAccountFiles): { users: User[]; groups: Group[] } {
  const groupRows = rows(files.group);
  const groupByGid = new Map(groupRows.map((g) => [g[2], g[0]]));
  const memberOf = new Map<string, string[]>();
  for (const g of groupRows) {
    for (const m of (g[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const list = memberOf.get(m) ?? [];
      list.push(g[0]);
      memberOf.set(m, list);
    }
  }
  const shadow = files.shadow ? new Map(rows(files.shadow).map((s) => [s[0], s])) : undefined;
  const users: User[] = [];
  for (const [name, , uidText, gid, gecos = '', , shell = ''] of rows(files.passwd)) {
    if (!name) continue;
    const uid = Number(uidText);
    const groups = [...new Set([groupByGid.get(gid), ...(memberOf.get(name) ?? [])].filter((g): g is string => !!g))];
    const sh = shadow?.get(name);
    const locked = sh ? /^[!*]/.test(sh[1] ?? '') : false;
    const user: User = {
      sam_account_name: name,
      display_name: gecos.split(',')[0] || name,
      enabled: !NO_LOGIN.test(shell) && !locked,
      privileged: uid === 0 || groups.some((g) => PRIVILEGED_GROUPS.includes(g)),
      service_account: uid !== 0 && uid < 1000 || uid === 65534,
      builtin_admin: uid === 0,
      groups,
    };
    if (sh) {
      const lastChange = Number(sh[2]);
      if (sh[2] && Number.isFinite(lastChange) && lastChange > 0) user.password_last_set = new Date(lastChange * DAY).toISOString();
      const max = sh[4];
      user.password_never_expires = !max || Number(max) >= 99999;
    }
    users.push(user);
  }
  const groups = groupRows.map((g) => ({ name: g[0], privileged: PRIVILEGED_GROUPS.includes(g[0]) }));
  return { users, groups };
}
