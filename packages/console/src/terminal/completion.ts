/** What Tab does to a command line: the line it becomes, and the choices to list when it is ambiguous. */
export interface Completion {
  line: string;
  choices: string[];
}

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * Completes the command (and a sub-command: `reg q` → `reg query `) at the start of `line` from
 * `commands`, the names the session allows. Arguments are the host's paths: not completed.
 */
export function complete(line: string, commands: readonly string[]): Completion {
  const typed = line.replace(/^\s+/, '').replace(/\s+/g, ' ');
  const matches = commands.filter((c) => c.startsWith(typed.toLowerCase()));
  if (matches.length === 0) return { line, choices: [] };
  // `reg` matches `reg query`, `reg set`…: complete the word being typed only.
  const words = typed.split(' ').length;
  const candidates = [...new Set(matches.map((m) => m.split(' ').slice(0, words).join(' ')))];
  // Candidates are whole words: a single one is complete, and the next word follows a space.
  if (candidates.length === 1) return { line: candidates[0] + ' ', choices: [] };
  const prefix = commonPrefix(candidates);
  if (prefix.length > typed.length) return { line: prefix, choices: [] };
  return { line, choices: candidates.map((c) => c.split(' ').at(-1)!) };
}
