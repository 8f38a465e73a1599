// Smaller host facts derived from the profile: the agent's environment, mounted volumes and
// account databases (Windows SAM-style accounts; POSIX ones parsed from the virtual /etc files).

import type { HostProfile } from './host-profile.ts';
import { rngFor } from './prng.ts';

export interface Account {
  name: string;
  uid: number | null;
  gid: number | null;
  home: string;
  shell: string;
  sid: string | null;
}

export interface Group {
  name: string;
  gid: number | null;
  members: string[];
  sid: string | null;
}

export interface Mount {
  device: string;
  mount_point: string;
  fs_type: string;
  options: string;
}

/** The environment the agent process runs with (a SYSTEM service, a systemd unit, a launchd daemon). */
export function agentEnvironment(p: HostProfile): Record<string, string> {
  if (p.platform === 'windows') {
    const profile = 'C:\\Windows\\system32\\config\\systemprofile';
    return {
      ALLUSERSPROFILE: 'C:\\ProgramData',
      APPDATA: `${profile}\\AppData\\Roaming`,
      CommonProgramFiles: 'C:\\Program Files\\Common Files',
      COMPUTERNAME: p.hostname,
      ComSpec: 'C:\\Windows\\system32\\cmd.exe',
      LOCALAPPDATA: `${profile}\\AppData\\Local`,
      NUMBER_OF_PROCESSORS: String(p.cpu_count),
      OS: 'Windows_NT',
      Path: 'C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\',
      PATHEXT: '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC',
      PROCESSOR_ARCHITECTURE: 'AMD64',
      ProgramData: 'C:\\ProgramData',
      ProgramFiles: 'C:\\Program Files',
      'ProgramFiles(x86)': 'C:\\Program Files (x86)',
      PUBLIC: 'C:\\Users\\Public',
      SystemDrive: 'C:',
      SystemRoot: 'C:\\Windows',
      TEMP: 'C:\\Windows\\TEMP',
      TMP: 'C:\\Windows\\TEMP',
      USERDOMAIN: p.domain ? p.domain.split('.')[0].toUpperCase() : 'WORKGROUP',
      USERNAME: `${p.hostname}$`,
      USERPROFILE: profile,
      windir: 'C:\\Windows',
    };
  }
  if (p.platform === 'mac') {
    return { HOME: '/var/root', LOGNAME: 'root', PATH: '/usr/bin:/bin:/usr/sbin:/sbin', SHELL: '/bin/sh', TMPDIR: '/private/tmp/', USER: 'root', XPC_SERVICE_NAME: 'com.riposte.agent' };
  }
  const rng = rngFor(p.seed, 'env');
  return {
    HOME: '/root',
    INVOCATION_ID: rng.hex(32),
    JOURNAL_STREAM: `8:${rng.int(10000, 99999)}`,
    LANG: 'C.UTF-8',
    LOGNAME: 'root',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    SYSTEMD_EXEC_PID: String(rng.int(600, 1500)),
    USER: 'root',
  };
}

export function mounts(p: HostProfile, mappedDrives: ReadonlyMap<string, string> | undefined): Mount[] {
  if (p.platform === 'windows') {
    // As Win32_LogicalDisk reports them: network drives by their share, no mount options.
    const out = [{ device: 'C:', mount_point: 'C:\\', fs_type: 'NTFS', options: '' }];
    for (const [drive, share] of mappedDrives ?? []) out.push({ device: share, mount_point: `${drive}\\`, fs_type: 'NTFS', options: '' });
    return out;
  }
  if (p.platform === 'mac') {
    return [
      { device: '/dev/disk3s1s1', mount_point: '/', fs_type: 'apfs', options: 'ro,local,journaled,sealed' },
      { device: 'devfs', mount_point: '/dev', fs_type: 'devfs', options: 'local,nobrowse' },
      { device: '/dev/disk3s6', mount_point: '/System/Volumes/VM', fs_type: 'apfs', options: 'rw,local,noexec,journaled,nobrowse' },
      { device: '/dev/disk3s5', mount_point: '/System/Volumes/Data', fs_type: 'apfs', options: 'rw,local,journaled,nobrowse,protect' },
      { device: 'map auto_home', mount_point: '/System/Volumes/Data/home', fs_type: 'autofs', options: 'automounted,nobrowse' },
    ];
  }
  const nvme = p.hardware.manufacturer.startsWith('Amazon');
  const disk = nvme ? '/dev/nvme0n1p' : '/dev/sda';
  return [
    { device: `${disk}1`, mount_point: '/', fs_type: p.os.id === 'rhel' ? 'xfs' : 'ext4', options: 'rw,relatime,discard,errors=remount-ro' },
    { device: `${disk}15`, mount_point: '/boot/efi', fs_type: 'vfat', options: 'rw,relatime,fmask=0077,dmask=0077' },
    { device: 'proc', mount_point: '/proc', fs_type: 'proc', options: 'rw,nosuid,nodev,noexec,relatime' },
    { device: 'sysfs', mount_point: '/sys', fs_type: 'sysfs', options: 'rw,nosuid,nodev,noexec,relatime' },
    { device: 'udev', mount_point: '/dev', fs_type: 'devtmpfs', options: 'rw,nosuid,relatime,mode=755' },
    { device: 'tmpfs', mount_point: '/run', fs_type: 'tmpfs', options: `rw,nosuid,nodev,noexec,relatime,size=${Math.floor(p.memory_bytes / 10240)}k,mode=755` },
    { device: 'tmpfs', mount_point: '/dev/shm', fs_type: 'tmpfs', options: 'rw,nosuid,nodev' },
  ];
}

/** Local accounts and groups as Get-LocalUser / Get-LocalGroup(Member) report them. */
export function windowsAccounts(p: HostProfile): { users: Account[]; groups: Group[] } {
  const machine = p.machine_sid!;
  const local = (name: string, rid: number, home = ''): Account => ({ name, uid: null, gid: null, home, shell: '', sid: `${machine}-${rid}` });
  const users = [
    local('Administrator', 500),
    local('DefaultAccount', 503),
    local('Guest', 501),
    local('WDAGUtilityAccount', 504),
    ...p.users.map((u) => ({ ...local(u.name, 0, u.home), sid: u.sid })),
  ];
  const domain = p.domain ? p.domain.split('.')[0].toUpperCase() : '';
  const member = (name: string) => `${p.hostname}\\${name}`;
  const group = (name: string, rid: number, members: string[]): Group => ({ name, gid: null, members, sid: `S-1-5-32-${rid}` });
  const groups = [
    group('Administrators', 544, [member('Administrator'), ...p.users.filter((u) => u.admin).map((u) => member(u.name)), ...(domain ? [`${domain}\\Domain Admins`] : [])]),
    group('Backup Operators', 551, []),
    group('Guests', 546, [member('Guest')]),
    group('Remote Desktop Users', 555, []),
    group('Users', 545, ['NT AUTHORITY\\INTERACTIVE', 'NT AUTHORITY\\Authenticated Users', ...p.users.map((u) => member(u.name)), ...(domain ? [`${domain}\\Domain Users`] : [])]),
  ];
  return { users, groups };
}

/** Accounts from /etc/passwd text. */
export function parsePasswd(text: string): Account[] {
  return lines(text).map((l) => {
    const [name, , uid, gid, , home, shell] = l.split(':');
    return { name, uid: Number(uid), gid: Number(gid), home: home ?? '', shell: shell ?? '', sid: null };
  });
}

/** Groups from /etc/group text. */
export function parseGroup(text: string): Group[] {
  return lines(text).map((l) => {
    const [name, , gid, members] = l.split(':');
    return { name, gid: Number(gid), members: members ? members.split(',').filter(Boolean) : [], sid: null };
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
