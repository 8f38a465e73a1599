/**
 * update: OS package updates (Linux package managers only). Result `data` shapes:
 *   list     { manager: 'apt'|'dnf'|'yum', updates: [{ name, version, current_version, arch, source }] }
 *            pending upgrades; current_version is '' where the manager doesn't say (dnf/yum).
 *   history  { source: string, entries: [{ date, action, name, version, previous_version, command_line }] }
 *            oldest first, one entry per package and action, from /var/log/apt/history.log (or
 *            /var/log/dpkg.log); date is the log's local time `YYYY-MM-DD HH:MM:SS`; action is
 *            install|upgrade|downgrade|remove|purge|reinstall; previous_version/command_line may be ''.
 *   install, query: not supported on Linux (use `run` with the package manager).
 */
import fs from 'node:fs/promises';
import { requireOneOf } from './args.ts';
import type { CommandContext, Handler } from './context.ts';
import type { UpdateHistoryEntry } from './types.ts';
import { CommandError, notSupported } from './errors.ts';
import { runProcess, runTool } from './exec.ts';
import { findOnPath } from './paths.ts';

const APT_HISTORY = '/var/log/apt/history.log';
const DPKG_LOG = '/var/log/dpkg.log';

export const update: Handler<'update'> = async (args, ctx) => {
  const action = requireOneOf(args, 'action', ['list', 'history', 'install', 'query'] as const);
  if (ctx.platform !== 'linux') throw notSupported(`update ${action}`, ctx.platform);
  if (action === 'install' || action === 'query') {
    throw new CommandError('not_supported', `update ${action} is not supported on linux (use run with the package manager)`);
  }
  return { data: action === 'list' ? await pendingUpdates(ctx) : await history() };
};

async function pendingUpdates(ctx: CommandContext) {
  if (await findOnPath('apt')) {
    // `name/suite version arch [upgradable from: old]`
    const out = await runTool('apt', ['list', '--upgradable'], ctx);
    const updates = [...out.matchAll(/^([^/\s]+)\/(\S+)\s+(\S+)\s+(\S+)(?:\s+\[upgradable from: ([^\]]+)\])?/gm)].map((m) => ({
      name: m[1],
      version: m[3],
      current_version: m[5] ?? '',
      arch: m[4],
      source: m[2],
    }));
    return { manager: 'apt', updates };
  }
  for (const manager of ['dnf', 'yum']) {
    if (!(await findOnPath(manager))) continue;
    // check-update exits 100 when updates exist, 0 when none, anything else on error.
    const out = await runProcess(manager, ['check-update', '-q'], { timeoutMs: ctx.timeoutMs, maxOutputBytes: ctx.settings.maxOutputBytes, signal: ctx.signal });
    if (out.exit_code !== 0 && out.exit_code !== 100) {
      throw new CommandError('failed', `${manager} check-update failed: ${out.stderr.trim() || `exit code ${out.exit_code}`}`);
    }
    const updates = [];
    for (const line of out.stdout.split('\n')) {
      if (/^Obsoleting/i.test(line)) break; // the rest lists replaced packages, not updates
      const m = /^(\S+)\.(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (m) updates.push({ name: m[1], version: m[3], current_version: '', arch: m[2], source: m[4] });
    }
    return { manager, updates };
  }
  throw new CommandError('not_supported', 'update list needs apt, dnf or yum, and none was found');
}


async function history(): Promise<{ source: string; entries: UpdateHistoryEntry[] }> {
  const apt = await fs.readFile(APT_HISTORY, 'utf8').catch(() => null);
  if (apt !== null) return { source: APT_HISTORY, entries: parseAptHistory(apt) };
  const dpkg = await fs.readFile(DPKG_LOG, 'utf8').catch(() => null);
  if (dpkg !== null) return { source: DPKG_LOG, entries: parseDpkgLog(dpkg) };
  throw new CommandError('not_supported', `update history needs ${APT_HISTORY} or ${DPKG_LOG}, and neither is readable`);
}

/** Blocks of `Start-Date:`, `Commandline:`, and `Install|Upgrade|…: pkg (versions), …` lines. */
function parseAptHistory(text: string): UpdateHistoryEntry[] {
  const entries: UpdateHistoryEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const field = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
    const date = field('Start-Date').replace(/\s+/, ' ');
    const commandLine = field('Commandline');
    for (const m of block.matchAll(/^(Install|Upgrade|Downgrade|Remove|Purge|Reinstall): (.*)$/gm)) {
      const action = m[1].toLowerCase();
      // `libfoo:amd64 (1.0-1, 1.0-2)`; installs may add `, automatic`
      for (const p of m[2].matchAll(/([^\s,(]+) \(([^)]*)\)/g)) {
        const versions = p[2].split(', ').filter((v) => v !== 'automatic');
        const twoVersions = versions.length > 1;
        entries.push({
          date,
          action,
          name: p[1],
          version: twoVersions ? versions[1] : versions[0] ?? '',
          previous_version: twoVersions ? versions[0] : '',
          command_line: commandLine,
        });
      }
    }
  }
  return entries;
}

/** `2024-01-31 12:00:00 upgrade pkg:arch old new` (install has old `<none>`; remove/purge have new `<none>`). */
function parseDpkgLog(text: string): UpdateHistoryEntry[] {
  const entries: UpdateHistoryEntry[] = [];
  for (const m of text.matchAll(/^(\S+ \S+) (install|upgrade|remove|purge) (\S+) (\S+) (\S+)$/gm)) {
    const [, date, action, name, before, after] = m;
    const removed = action === 'remove' || action === 'purge';
    entries.push({
      date,
      action,
      name,
      version: removed ? before : after,
      previous_version: removed || before === '<none>' ? '' : before,
      command_line: '',
    });
  }
  return entries;
}
