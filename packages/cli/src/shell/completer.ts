import { RTR_COMMANDS, RTR_TIER_RANK, type RtrCommandSyntax, type RtrPlatform as Platform } from '@riposte/spec';
import type { RtrSession, Tier } from '@riposte/client';

/** Words the shell itself answers, beside the host's commands. */
export const LOCAL_COMMANDS = ['exit', 'quit'];

/** The commands a tier may run on a platform, in the catalog's order. */
export function commandsFor(tier: Tier, platform: Platform): RtrCommandSyntax[] {
  return RTR_COMMANDS.filter((d) => RTR_TIER_RANK[d.tier] <= RTR_TIER_RANK[tier] && (!d.platforms || d.platforms.includes(platform)));
}

export function platformOf(s: string): Platform {
  const p = s.toLowerCase();
  return p.startsWith('win') ? 'windows' : p.startsWith('mac') ? 'mac' : 'linux';
}

/** Entry names of an `ls` answer (long listing on Linux/Mac, `dir` style on Windows); directories end with the separator. */
export function parseListing(stdout: string, sep: string): string[] {
  const names: string[] = [];
  for (const line of stdout.split('\n')) {
    const unix = /^([-dlcbps])[-rwxsStT]{9}\s+\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (.+)$/.exec(line);
    if (unix) names.push(unix[2] + (unix[1] === 'd' ? sep : ''));
    const win = /^\d\d\/\d\d\/\d{4}\s+\d\d:\d\d [AP]M\s+(<DIR>|[\d,]+)\s+(.+)$/.exec(line);
    if (win) names.push(win[2] + (win[1] === '<DIR>' ? sep : ''));
  }
  return names.filter((n) => n !== '.' + sep && n !== '..' + sep);
}

const LISTING_TTL_MS = 10_000;

/**
 * Tab completion for the shell: command names (and sub-commands), `-Flags` of the command being
 * typed, put-file names after `put`, and remote paths from an `ls` of the directory being typed
 * (cached a few seconds).
 */
export function makeCompleter(session: RtrSession, tier: Tier, putFileNames: () => Promise<string[]>) {
  const platform = platformOf(session.platform);
  const sep = platform === 'windows' ? '\\' : '/';
  const defs = commandsFor(tier, platform);
  const bases = [...new Set([...defs.map((d) => d.base), ...LOCAL_COMMANDS])].sort();
  const listings = new Map<string, { at: number; names: Promise<string[]> }>();

  const list = (dir: string): Promise<string[]> => {
    const key = `${session.pwd}\0${dir}`;
    const hit = listings.get(key);
    if (hit && Date.now() - hit.at < LISTING_TTL_MS) return hit.names;
    const names = session.run(dir ? `ls ${quote(dir)}` : 'ls').then((r) => parseListing(r.stdout, sep), () => []);
    listings.set(key, { at: Date.now(), names });
    return names;
  };

  async function complete(line: string): Promise<[string[], string]> {
    const words = line.split(/\s+/);
    const word = words[words.length - 1];
    if (words.length === 1) return [bases.filter((b) => b.startsWith(word.toLowerCase())).map((b) => b + ' '), word];
    const base = words[0].toLowerCase();
    const subs = defs.filter((d) => d.base === base && d.command !== base).map((d) => d.command.split(' ')[1]);
    if (words.length === 2 && subs.length) return [subs.filter((s) => s.startsWith(word.toLowerCase())).map((s) => s + ' '), word];
    const def = defs.find((d) => d.command === `${base} ${words[1]?.toLowerCase()}`) ?? defs.find((d) => d.command === base);
    if (word.startsWith('-')) {
      const flags = (def?.options ?? []).map((o) => `-${o.name}${o.value ? '=' : ' '}`);
      return [flags.filter((f) => f.toLowerCase().startsWith(word.toLowerCase())), word];
    }
    if (base === 'put' || base === 'put-and-run') {
      const names = await putFileNames().catch(() => []);
      return [names.filter((n) => n.startsWith(word)), word];
    }
    const cut = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
    const dir = cut >= 0 ? word.slice(0, cut + 1) : '';
    const names = await list(dir);
    return [names.filter((n) => n.startsWith(word.slice(cut + 1))).map((n) => dir + n), word];
  }

  return (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
    complete(line).then((r) => callback(null, r), () => callback(null, [[], line]));
  };
}

function quote(s: string): string {
  return /\s/.test(s) ? `"${s}"` : s;
}

/** `help` in the shell: the tier's commands, or one command's syntax. */
export function helpText(tier: Tier, platform: Platform, topic?: string): string {
  const defs = commandsFor(tier, platform);
  if (topic) {
    const matching = defs.filter((d) => d.base === topic.toLowerCase() || d.command === topic.toLowerCase());
    if (!matching.length) return `no command "${topic}" at the ${tier} tier on ${platform}\n`;
    return matching
      .map((d) => [`${d.command}: ${d.description}`, `  usage: ${[d.command, ...d.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)), ...d.options.map((o) => (o.value ? `[-${o.name}=<value>]` : `[-${o.name}]`))].join(' ')}`, ...d.positionals.map((p) => `  ${p.name}: ${p.description}`), ...d.options.map((o) => `  -${o.name}: ${o.description}`), ...d.examples.map((e) => `  e.g. ${e}`)].join('\n'))
      .join('\n\n') + '\n';
  }
  const width = Math.max(...defs.map((d) => d.command.length));
  const lines = defs.map((d) => `  ${d.command.padEnd(width)}  ${d.description}`);
  return [`Commands at the ${tier} tier on ${platform} (help <command> for its syntax):`, ...lines, `  ${'exit'.padEnd(width)}  Close the session and leave the shell`, '', 'get <path> downloads and unpacks into the local folder; put <local file> uploads it to the put-files library first; Ctrl-C stops a running command.'].join('\n') + '\n';
}
