/**
 * What the server answers itself: the `scripts` list of a session (Falcon's help for each command
 * the caller may run), and the `help` and `history` commands.
 */
import type { RtrCommandEntry } from '@riposte/core';
import { allCommands, commandsForBase, platformLabel, TIER_LABEL, TIER_RANK, usageOf, type CommandDef, type Platform, type Tier } from './catalog.ts';
import { table } from './render/text.ts';

// Help entries are static: a fixed timestamp keeps responses stable.
const EPOCH = '2020-01-01T00:00:00Z';

function available(d: CommandDef, role: Tier, platform: Platform): boolean {
  return TIER_RANK[d.tier] <= TIER_RANK[role] && (!d.platforms || d.platforms.includes(platform));
}

function argumentsOf(d: CommandDef, scriptId: number): Record<string, unknown>[] {
  const level = d.tier === 'read' ? 'non-destructive' : 'destructive';
  const base = { command_level: level, created_at: EPOCH, updated_at: EPOCH, default_value: '', encoding: '', options: null, script_id: scriptId };
  return [
    ...d.positionals.map((p, i) => ({ ...base, id: scriptId * 100 + i, arg_name: p.name, arg_type: 'arg', data_type: 'string', description: p.description, required: p.required, requires_value: true, sequence: i + 1 })),
    ...d.options.map((o, i) => ({
      ...base,
      id: scriptId * 100 + 50 + i,
      arg_name: o.name,
      arg_type: 'flag',
      data_type: o.value ? 'string' : 'boolean',
      description: o.description,
      required: false,
      requires_value: o.value,
      sequence: d.positionals.length + i + 1,
    })),
  ];
}

/** Falcon's `domain.ScriptHelp` for every command the caller's role may run on this platform. */
export function scriptsFor(role: Tier, platform: Platform): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  allCommands().forEach((d) => {
    if (seen.has(d.base)) return;
    const variants = commandsForBase(d.base).filter((v) => available(v, role, platform));
    if (variants.length === 0) return;
    seen.add(d.base);
    const id = out.length + 1;
    const single = variants.length === 1 && variants[0].command === d.base;
    const entry = (v: CommandDef, sid: number): Record<string, unknown> => ({
      command: v.command.split(' ').at(-1),
      description: v.description,
      examples: v.examples.join('\n'),
      internal_only: false,
      runnable: true,
      sub_commands: [],
      args: argumentsOf(v, sid),
    });
    out.push(
      single
        ? { ...entry(variants[0], id), command: d.base }
        : { command: d.base, description: variants.map((v) => v.description).join('; '), examples: variants.flatMap((v) => v.examples).join('\n'), internal_only: false, runnable: true, args: [], sub_commands: variants.map((v, i) => entry(v, id * 10 + i)) },
    );
  });
  return out;
}

/** `help` (the commands this caller may run here) or `help <command>` (its syntax). */
export function helpText(topic: string | undefined, role: Tier, platform: Platform): { stdout: string; stderr: string } {
  if (!topic) {
    const rows = allCommands()
      .filter((d) => available(d, role, platform))
      .map((d) => [d.command, d.description]);
    return { stdout: `Commands available to ${role === 'read' ? 'a' : 'an'} ${TIER_LABEL[role]} responder on this ${platformLabel(platform)} host:\n\n${table(['Command', 'Description'], rows)}`, stderr: '' };
  }
  const words = topic.toLowerCase().split(/\s+/);
  const defs = commandsForBase(words[0]).filter((d) => words.length < 2 || d.command === words.slice(0, 2).join(' '));
  if (defs.length === 0) return { stdout: '', stderr: `no help for "${topic.slice(0, 60)}": not a command\n` };
  const blocks = defs.map((d) => {
    const lines = [`${d.command} — ${d.description}`, '', `Usage: ${usageOf(d)}`, `Role: ${TIER_LABEL[d.tier]}${d.platforms ? `; ${d.platforms.map(platformLabel).join(', ')} only` : ''}`];
    const params = [...d.positionals.map((p) => [p.name, p.required ? 'required' : 'optional', p.description]), ...d.options.map((o) => [`-${o.name}`, o.value ? 'option' : 'switch', o.description])];
    if (params.length) lines.push('', table(['Argument', 'Kind', 'Description'], params).trimEnd());
    lines.push('', 'Examples:', ...d.examples.map((e) => `  ${e}`));
    return lines.join('\n');
  });
  return { stdout: blocks.join('\n\n') + '\n', stderr: '' };
}

/** `history`: this session's command lines, oldest first, numbered. */
export function historyText(entries: RtrCommandEntry[]): { stdout: string; stderr: string } {
  const width = String(entries.length).length;
  return { stdout: entries.map((e, i) => `${String(i + 1).padStart(width)}  ${e.command_string}`).join('\n') + (entries.length ? '\n' : ''), stderr: '' };
}
