/** Host-fact and configuration results as text: env, getsid, mount, eventlog, reg, update, map, power. */
import { list, num, str, strings, table, type Data } from './text.ts';

export function renderEnv(data: Data): string {
  const vars = typeof data.variables === 'object' && data.variables !== null ? (data.variables as Record<string, unknown>) : {};
  const rows = Object.keys(vars)
    .sort()
    .map((k) => [k, str(vars[k])]);
  return table(['Name', 'Value'], rows);
}

export function renderGetsid(data: Data): string {
  const rows = list(data.users).map((u) => [str(u.name), u.sid === null || u.sid === undefined ? (u.uid === null ? '' : `uid=${num(u.uid)}`) : str(u.sid), str(u.home)]);
  return table(['UserName', 'SID', 'Home'], rows);
}

export function renderMount(data: Data): string {
  const rows = list(data.mounts).map((m) => [str(m.device), str(m.mount_point), str(m.fs_type), str(m.options)]);
  return table(['Device', 'Mount Point', 'Type', 'Options'], rows);
}

export function renderEventlog(data: Data, action: string): string {
  if (action === 'list') {
    return table(['Name', 'Source', 'Size'], list(data.logs).map((l) => [str(l.name), str(l.source), l.size === null || l.size === undefined ? '' : String(num(l.size))]));
  }
  if (action === 'view') {
    const lines = strings(data.lines);
    return lines.join('\n') + (lines.length ? '\n' : '') + (data.truncated === true ? '[output truncated]\n' : '');
  }
  return `Exported ${str(data.name)} to ${str(data.path)} (${num(data.size)} bytes)\n`;
}

export function renderReg(data: Data, action: string): string {
  if (action !== 'query') return 'The operation completed successfully.\n';
  const lines = ['', str(data.key)];
  for (const v of list(data.values)) lines.push(`    ${str(v.name)}    ${str(v.type)}    ${str(v.data)}`);
  lines.push('');
  for (const sub of strings(data.subkeys)) lines.push(sub);
  return lines.join('\n') + '\n';
}

export function renderUpdate(data: Data, action: string): string {
  if (action === 'list') {
    const rows = list(data.updates).map((u) => [str(u.name), str(u.current_version), str(u.version), str(u.arch), str(u.source)]);
    return `Package manager: ${str(data.manager)}\n` + table(['Name', 'Installed', 'Available', 'Arch', 'Source'], rows);
  }
  const rows = list(data.entries).map((e) => [str(e.date), str(e.action), str(e.name), str(e.version), str(e.previous_version)]);
  return `Source: ${str(data.source)}\n` + table(['Date', 'Action', 'Name', 'Version', 'Previous'], rows);
}

export function renderMap(data: Data, name: 'map' | 'unmap'): string {
  return name === 'map' ? `Mapped ${str(data.drive)} to ${str(data.path)}\n` : `Unmapped ${str(data.drive)}\n`;
}

export function renderPower(data: Data): string {
  return data.action === 'shutdown' ? 'Shutting down the host\n' : 'Restarting the host\n';
}
