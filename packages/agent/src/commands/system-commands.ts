/**
 * Host facts. Result `data` shapes:
 *   env     { variables: Record<string, string> }   the agent process's environment, without RIPOSTE_*
 *           variables and without any variable holding a secret the agent was given
 *   getsid  { users: [{ name, uid: number|null, gid: number|null, home, shell, sid: string|null }],
 *             groups: [{ name, gid: number|null, members: string[], sid: string|null }] }
 *           POSIX: /etc/passwd and /etc/group, sid null. Windows: local accounts with SIDs, uid/gid null.
 *   mount   { mounts: [{ device, mount_point, fs_type, options }] }
 *           Linux: /proc/mounts; macOS: mount(8); Windows: logical disks (options '').
 */
import fs from 'node:fs/promises';
import { readGroups, readUsers } from './accounts.ts';
import type { CommandContext, Handler } from './context.ts';
import { powershellRows, runTool } from './exec.ts';

export const env: Handler<'env'> = async (_args, ctx) => {
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !isSecretVariable(k, v, ctx.settings.secretValues)) variables[k] = v;
  }
  return { data: { variables } };
};

/** riposte's own settings (RIPOSTE_*: database URL, tokens) and anything holding a secret the agent was given. */
export function isSecretVariable(name: string, value: string, secrets: readonly string[]): boolean {
  return /^RIPOSTE_/i.test(name) || secrets.some((s) => value.includes(s));
}

export const getsid: Handler<'getsid'> = async (_args, ctx) => {
  if (ctx.platform === 'windows') return { data: await windowsAccounts(ctx) };
  const [users, groups] = await Promise.all([readUsers(), readGroups()]);
  return {
    data: {
      users: users.map((u) => ({ ...u, sid: null })),
      groups: groups.map((g) => ({ ...g, sid: null })),
    },
  };
};

export const mount: Handler<'mount'> = async (_args, ctx) => {
  const mounts =
    ctx.platform === 'linux' ? await linuxMounts() : ctx.platform === 'mac' ? await macMounts(ctx) : await windowsMounts(ctx);
  return { data: { mounts } };
};

interface Mount {
  device: string;
  mount_point: string;
  fs_type: string;
  options: string;
}

async function linuxMounts(): Promise<Mount[]> {
  // Fields use octal escapes for whitespace and backslashes (`/mnt/my\040disk`).
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return (await fs.readFile('/proc/mounts', 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [device, mountPoint, fsType, options] = line.split(' ');
      return { device: unescape(device), mount_point: unescape(mountPoint), fs_type: fsType, options };
    });
}

async function macMounts(ctx: CommandContext): Promise<Mount[]> {
  // `/dev/disk1s1 on / (apfs, local, journaled)`
  return [...(await runTool('mount', [], ctx)).matchAll(/^(.+?) on (.+) \(([^,)]+),?\s*([^)]*)\)$/gm)].map((m) => ({
    device: m[1],
    mount_point: m[2],
    fs_type: m[3],
    options: m[4].replace(/,\s*/g, ','),
  }));
}

async function windowsMounts(ctx: CommandContext): Promise<Mount[]> {
  interface Row { id: string; fs: string | null; net: string | null }
  const rows = await powershellRows<Row>(
    `Get-CimInstance Win32_LogicalDisk | ForEach-Object { [pscustomobject]@{ id = $_.DeviceID; fs = $_.FileSystem; net = $_.ProviderName } } | ConvertTo-Json -Compress`,
    ctx,
  );
  return rows.map((r) => ({ device: r.net ?? r.id, mount_point: `${r.id}\\`, fs_type: r.fs ?? '', options: '' }));
}

async function windowsAccounts(ctx: CommandContext) {
  interface Row { name: string; sid: string; members?: string[] }
  const [users, groups] = await Promise.all([
    powershellRows<Row>(`Get-LocalUser | ForEach-Object { [pscustomobject]@{ name = $_.Name; sid = "$($_.SID)" } } | ConvertTo-Json -Compress`, ctx),
    powershellRows<Row>(
      `Get-LocalGroup | ForEach-Object { [pscustomobject]@{ name = $_.Name; sid = "$($_.SID)"; ` +
        `members = @(Get-LocalGroupMember -Group $_ -ErrorAction SilentlyContinue | ForEach-Object { "$($_.Name)" }) } } | ConvertTo-Json -Compress -Depth 3`,
      ctx,
    ),
  ]);
  return {
    users: users.map((u) => ({ name: u.name, uid: null, gid: null, home: '', shell: '', sid: u.sid })),
    groups: groups.map((g) => ({ name: g.name, gid: null, members: g.members ?? [], sid: g.sid })),
  };
}
