// update list/history/install/query over the host's generated update state (the real agent's commands/update.ts).

import { requireOneOf, requireString, CommandError } from '../../commands/index.ts';
import { updateState } from '../updates.ts';
import type { Handler } from './call.ts';

export const update: Handler = (c) => {
  const action = requireOneOf(c.args, 'action', ['list', 'history', 'install', 'query'] as const);
  const { profile, installedUpdates } = c.host;
  const state = updateState(profile, installedUpdates);
  if (c.platform === 'linux') {
    // As the real agent: apt/dnf lists and the apt history, nothing else.
    if (action === 'install' || action === 'query') throw new CommandError('not_supported', `update ${action} is not supported on linux (use run with the package manager)`);
    if (action === 'history' && !state.history_source) throw new CommandError('not_supported', 'update history needs /var/log/apt/history.log or /var/log/dpkg.log, and neither is readable');
  }
  if (action === 'list') return { manager: state.manager, updates: state.pending };
  if (action === 'history') return { source: state.history_source, entries: state.history };
  const id = requireString(c.args, 'id');
  const pending = state.pending.find((u) => u.name.toLowerCase() === id.toLowerCase());
  const installed = state.history.find((h) => h.name.toLowerCase() === id.toLowerCase());
  if (!pending && !installed) throw new CommandError('not_found', `update ${id} not found`);
  if (action === 'query') {
    return { name: pending?.name ?? installed!.name, installed: !pending, installed_on: pending ? null : installed!.date, reboot_required: pending?.reboot_required ?? false };
  }
  if (!pending) throw new CommandError('already_exists', `update ${installed!.name} is already installed`);
  (c.host.installedUpdates ??= new Map()).set(pending.name, Date.now());
  return { name: pending.name, installed: true, reboot_required: pending.reboot_required };
};
