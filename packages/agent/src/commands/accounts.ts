import fs from 'node:fs/promises';

/** Local accounts from /etc/passwd and /etc/group (POSIX). Directory-service users are not included. */

export interface PosixUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface PosixGroup {
  name: string;
  gid: number;
  members: string[];
}

async function readColonFile(file: string): Promise<string[][]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

export async function readUsers(): Promise<PosixUser[]> {
  return (await readColonFile('/etc/passwd'))
    .filter((f) => f.length >= 7)
    .map(([name, , uid, gid, , home, shell]) => ({ name, uid: Number(uid), gid: Number(gid), home, shell }));
}

export async function readGroups(): Promise<PosixGroup[]> {
  return (await readColonFile('/etc/group'))
    .filter((f) => f.length >= 4)
    .map(([name, , gid, members]) => ({ name, gid: Number(gid), members: members ? members.split(',') : [] }));
}

/** uid → user name, for labelling processes. */
export async function userNamesByUid(): Promise<Map<number, string>> {
  const map = new Map<number, string>();
  for (const u of await readUsers()) if (!map.has(u.uid)) map.set(u.uid, u.name);
  return map;
}
