import { CommandLineError, parseArgs, tokenize, type ParsedArgs } from './command-line.ts';
import { COMMAND_DEFS as DEFS } from './command-table.ts';
import { TIER_LABEL, TIER_RANK, type CommandDef, type Platform, type Tier } from './vocabulary.ts';

/**
 * The Falcon RTR command catalogue, the one module the handlers import: the vocabulary's types
 * (vocabulary.ts), every command's syntax (@riposte/spec's RTR_COMMANDS) with its translation
 * (command-table.ts), and here the lookups, the parsing of a command line against that table and
 * the tier and platform checks.
 * `help`, `history` and `clear` are answered by the server and never reach a host.
 */

export * from './vocabulary.ts';
export { scriptAllowed } from './command-table.ts';

export const COMMANDS: ReadonlyMap<string, CommandDef> = new Map(DEFS.map((d) => [d.command, d]));
const BASES = new Map<string, CommandDef[]>();
for (const d of DEFS) BASES.set(d.base, [...(BASES.get(d.base) ?? []), d]);

/** Command names (base names) a tier may run, for messages. */
export function commandNames(tier: Tier): string[] {
  return [...new Set(DEFS.filter((d) => TIER_RANK[d.tier] <= TIER_RANK[tier]).map((d) => d.base))].sort();
}

export function commandsForBase(base: string): CommandDef[] {
  return BASES.get(base) ?? [];
}

export function allCommands(): readonly CommandDef[] {
  return DEFS;
}

export function usageOf(d: CommandDef): string {
  const parts = [d.command, ...d.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)), ...d.options.map((o) => (o.value ? `[-${o.name}=<value>]` : `[-${o.name}]`))];
  return parts.join(' ');
}

export interface ParsedCommand {
  def: CommandDef;
  args: ParsedArgs;
}

/**
 * Check `base_command` against `command_string` and parse the line against the command's syntax.
 * Tier is not checked here (the endpoint does that); unknown commands and bad syntax throw
 * CommandLineError.
 */
export function parseCommand(baseCommand: string, commandString: string): ParsedCommand {
  const tokens = tokenize(commandString);
  if (tokens.length === 0) throw new CommandLineError('command_string is empty');
  const first = tokens[0].text.toLowerCase();
  const defs = BASES.get(first);
  if (!defs) throw new CommandLineError(`unknown command "${tokens[0].text.slice(0, 60)}"; commands are: ${[...BASES.keys()].sort().join(', ')}`);
  const base = baseCommand.trim().replace(/\s+/g, ' ').toLowerCase();
  let def: CommandDef | undefined;
  let rest: typeof tokens;
  if (defs.length === 1 && defs[0].command === first) {
    def = defs[0];
    rest = tokens.slice(1);
  } else {
    const sub = tokens[1]?.text.toLowerCase();
    def = sub === undefined ? undefined : COMMANDS.get(`${first} ${sub}`);
    if (!def) {
      const subs = defs.map((d) => d.command.split(' ')[1]).join(', ');
      throw new CommandLineError(sub === undefined ? `${first} needs a sub-command: ${subs}` : `unknown sub-command "${first} ${tokens[1].text.slice(0, 40)}"; ${first} takes: ${subs}`);
    }
    rest = tokens.slice(2);
  }
  // PSFalcon sends `reg query` as base_command; others send `reg`.
  if (base !== first && base !== def.command) {
    throw new CommandLineError(`base_command "${baseCommand.slice(0, 60)}" does not match the command in command_string ("${def.command}")`);
  }
  const args = parseArgs(rest, def.options, def.command);
  const required = def.positionals.filter((p) => p.required).length;
  if (args.positionals.length < required || args.positionals.length > def.positionals.length) {
    const expected = required === def.positionals.length ? `${required}` : `${required} to ${def.positionals.length}`;
    throw new CommandLineError(`${def.command} takes ${expected} argument${def.positionals.length === 1 ? '' : 's'}, got ${args.positionals.length}; usage: ${usageOf(def)}`);
  }
  for (const p of args.positionals) if (p === '') throw new CommandLineError(`${def.command}: empty argument; usage: ${usageOf(def)}`);
  return { def, args };
}

/** A 400-worthy message when the endpoint's tier is below the command's. */
export function tierRefusal(def: CommandDef, endpointTier: Tier, kind: 'single' | 'batch' = 'single'): string | undefined {
  if (TIER_RANK[def.tier] <= TIER_RANK[endpointTier]) return undefined;
  const where: Record<Tier, [string, string]> = {
    read: ['RTR_ExecuteCommand', 'BatchCmd'],
    active: ['RTR_ExecuteActiveResponderCommand', 'BatchActiveResponderCmd'],
    admin: ['RTR_ExecuteAdminCommand', 'BatchAdminCmd'],
  };
  const scope: Record<Tier, string> = { read: 'real-time-response:read', active: 'real-time-response:write', admin: 'real-time-response-admin:write' };
  const op = where[def.tier][kind === 'single' ? 0 : 1];
  return `"${def.command}" is an ${TIER_LABEL[def.tier]} command; this endpoint runs ${TIER_LABEL[endpointTier]} commands only (use ${op}, scope ${scope[def.tier]})`;
}

/** The platform check for one host: a message when the command does not exist there. */
export function platformRefusal(def: CommandDef, platform: Platform): string | undefined {
  if (!def.platforms || def.platforms.includes(platform)) return undefined;
  return `${def.command} is not available on ${platformLabel(platform)} hosts`;
}

export function platformLabel(p: Platform): string {
  return p === 'windows' ? 'Windows' : p === 'mac' ? 'Mac' : 'Linux';
}
