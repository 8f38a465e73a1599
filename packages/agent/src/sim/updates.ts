// OS updates: pending ones and the install history. Linux hosts look like apt/dnf hosts with the
// real agent's shapes; Windows (KBs) and macOS (softwareupdate labels) use the same shapes, with
// `name` the update's id. Generated per call (a handful of objects); installs are passed in.

import type { UpdateHistoryEntry } from '../commands/index.ts';
import { type HostProfile, SIM_EPOCH } from './host-profile.ts';
import { rngFor } from './prng.ts';

export interface PendingUpdate {
  name: string;
  version: string;
  current_version: string;
  arch: string;
  source: string;
  /** Human title (Windows/macOS); the package name on Linux. */
  title: string;
  reboot_required: boolean;
}

export interface UpdateState {
  manager: string;
  /** Where the history comes from (a log file on Linux). */
  history_source: string;
  pending: PendingUpdate[];
  history: UpdateHistoryEntry[];
}

const DAY = 86_400_000;

/** The host's updates, given those installed since by `update install` (name → ms time). */
export function updateState(p: HostProfile, installedSince?: ReadonlyMap<string, number>): UpdateState {
  const rng = rngFor(p.seed, 'updates');
  const state: UpdateState = { manager: '', history_source: '', pending: [], history: [] };
  const offer = (u: PendingUpdate, installedDaysAgo: number | null, commandLine = '') => {
    const since = installedSince?.get(u.name);
    const at = since ?? (installedDaysAgo === null ? null : SIM_EPOCH - installedDaysAgo * DAY - rng.int(0, DAY / 1000) * 1000);
    if (at === null) state.pending.push(u);
    else state.history.push({ date: localTime(at), action: u.current_version ? 'upgrade' : 'install', name: u.name, version: u.version, previous_version: u.current_version, command_line: commandLine });
  };

  if (p.platform === 'windows') {
    state.manager = 'windows-update';
    state.history_source = 'Windows Update';
    const os = `${p.os.version} Version ${p.os.codename}`;
    const behind = rng.int(0, 2); // how many monthly rollups this host is missing
    for (let m = 5; m >= 0; m--) {
      const month = new Date(SIM_EPOCH - m * 30 * DAY).toISOString().slice(0, 7);
      const kb = `KB50${String(37 + (6 - m) * 7 + rng.int(0, 3)).padStart(2, '0')}${rng.int(100, 999)}`;
      offer(windowsUpdate(kb, `${month} Cumulative Update for ${os} for x64-based Systems (${kb})`, true), m < behind ? null : m * 30 + rng.int(1, 12));
    }
    offer(windowsUpdate('KB890830', 'Windows Malicious Software Removal Tool x64 - v5.12', false), rng.chance(0.5) ? null : rng.int(1, 30));
    offer(windowsUpdate('KB2267602', `Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.411.${rng.int(100, 999)}.0)`, false), rng.int(0, 2));
  } else if (p.platform === 'mac') {
    state.manager = 'softwareupdate';
    state.history_source = 'softwareupdate --history';
    const [, major, minor = '0', patch = '0'] = /(\d+)\.?(\d+)?\.?(\d+)?/.exec(p.os.version.slice(6)) ?? [];
    const next = `${major}.${minor}.${Number(patch) + 1}`;
    offer({ name: `${p.os.product_name} ${next}-${p.os.build}a`, version: next, current_version: p.os.version.slice(6), arch: 'arm64', source: 'Apple', title: `${p.os.product_name} ${next}`, reboot_required: true }, null); // installed, it would have changed os_version
    offer({ name: 'XProtectPlistConfigData', version: `5${rng.int(200, 299)}`, current_version: '', arch: 'arm64', source: 'Apple', title: 'XProtectPlistConfigData', reboot_required: false }, rng.int(1, 10));
    offer({ name: 'MRTConfigData', version: `1.${rng.int(90, 99)}`, current_version: '', arch: 'arm64', source: 'Apple', title: 'MRTConfigData', reboot_required: false }, rng.int(5, 60));
  } else {
    const rhel = p.os.id === 'rhel';
    state.manager = rhel ? 'dnf' : 'apt';
    state.history_source = rhel ? '' : '/var/log/apt/history.log';
    const kernel = rhel ? 'kernel' : `linux-image-${p.os.kernel.replace(/-\d+-/, `-${Number(p.os.kernel.split('-')[1]) + 1}-`)}`;
    for (const [pkg, reboot] of [['openssl', false], ['openssh-server', false], ['sudo', false], ['curl', false], ['tzdata', false], [kernel, true], ['libc6', true]] as const) {
      const base = `${rng.int(1, 3)}.${rng.int(0, 20)}.${rng.int(0, 9)}`;
      const current = rhel ? `${base}-${rng.int(1, 30)}.el9` : `${base}-0ubuntu${rng.int(1, 3)}.${rng.int(1, 15)}`;
      const version = current.replace(/(\d+)$/, (d) => String(Number(d) + 1)); // the next release
      const update: PendingUpdate = {
        name: pkg, version, current_version: rhel ? '' : current, arch: rhel ? 'x86_64' : 'amd64',
        source: rhel ? 'rhel-9-for-x86_64-baseos-rpms' : `${p.os.codename}-updates,${p.os.codename}-security`, title: pkg, reboot_required: reboot,
      };
      offer(update, rng.chance(0.35) ? null : rng.int(1, 120), '/usr/bin/unattended-upgrade');
    }
  }
  state.history.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return state;
}

/** /var/log/apt/history.log text for the generated history (Debian/Ubuntu). */
export function aptHistoryLog(p: HostProfile): string {
  return updateState(p).history.map((e) => [
    `Start-Date: ${e.date.replace(' ', '  ')}`,
    `Commandline: ${e.command_line}`,
    `Upgrade: ${e.name}:amd64 (${e.previous_version}, ${e.version})`,
    `End-Date: ${e.date.replace(' ', '  ')}`,
  ].join('\n')).join('\n\n') + '\n';
}

function windowsUpdate(kb: string, title: string, reboot: boolean): PendingUpdate {
  return { name: kb, version: '', current_version: '', arch: 'x64', source: 'Windows Update', title, reboot_required: reboot };
}

/** `YYYY-MM-DD HH:MM:SS`; simulated hosts keep their clocks in UTC. */
export const localTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
