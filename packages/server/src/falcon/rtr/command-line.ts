import type { RtrOptionSpec } from '@riposte/spec';

/**
 * The RTR command-line syntax, as responders type it in the Falcon console and send it as
 * `command_string`:
 *
 *   ls "C:\Program Files"                        words split on whitespace; "…" groups (no escapes:
 *                                                backslashes are path separators on Windows)
 *   rm C:\tmp\dir -Force                         -Name          a switch
 *   runscript -CloudFile="Collect Logs" -Timeout=60   -Name=value
 *   run C:\tools\x.exe -CommandLine "-a -b" -Wait     -Name value    (for options that take a value)
 *   runscript -Raw=```Get-Process | Out-String```    ```…``` raw block: verbatim, may span lines and
 *                                                     hold quotes; the only way to say ``` is to end it
 *
 * Tokenizing knows nothing about commands; `parseArgs` then reads the tokens against one command's
 * option list, so `-Force` never swallows the path after it while `-CommandLine "x"` does.
 * Every failure is a CommandLineError with a message fit for a 400.
 */

export class CommandLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandLineError';
  }
}

export interface Token {
  /** The word with quotes and raw-block fences removed. */
  text: string;
  /** Began with an unquoted `-` followed by a letter: an option, not a value. */
  option: boolean;
}

const RAW_FENCE = '```';
const MAX_TOKENS = 10_000;

/** Split a command line into words. Throws CommandLineError on unterminated quotes or raw blocks. */
export function tokenize(line: string): Token[] {
  if (line.includes('\0')) throw new CommandLineError('command_string must not contain NUL characters');
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) break;
    const option = line[i] === '-' && i + 1 < n && isLetter(line[i + 1]);
    let text = '';
    while (i < n && !isSpace(line[i])) {
      if (line.startsWith(RAW_FENCE, i)) {
        const end = line.indexOf(RAW_FENCE, i + RAW_FENCE.length);
        if (end < 0) throw new CommandLineError(`unterminated raw block: ${RAW_FENCE} at position ${i} is never closed`);
        text += line.slice(i + RAW_FENCE.length, end);
        i = end + RAW_FENCE.length;
      } else if (line[i] === '"') {
        const end = line.indexOf('"', i + 1);
        if (end < 0) throw new CommandLineError(`unterminated quote: " at position ${i} is never closed`);
        text += line.slice(i + 1, end);
        i = end + 1;
      } else {
        text += line[i++];
      }
    }
    tokens.push({ text, option });
    if (tokens.length > MAX_TOKENS) throw new CommandLineError(`too many words in command_string (at most ${MAX_TOKENS})`);
  }
  return tokens;
}

/** Split an argument string (`-CommandLine="a \"b c\""`) into argv words with the same quoting rules. */
export function splitArgv(s: string): string[] {
  return tokenize(s).map((t) => t.text);
}

export type OptionSpec = RtrOptionSpec;

export interface ParsedArgs {
  positionals: string[];
  /** Keyed by canonical option name; `true` for switches. */
  options: Record<string, string | true>;
}

/**
 * Read `tokens` (the words after the command and sub-command) against a command's options.
 * Unknown options, switches given a value, options missing their value and repeated options are
 * CommandLineErrors naming the command (`usage`).
 */
export function parseArgs(tokens: readonly Token[], specs: readonly OptionSpec[], usage: string): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = Object.create(null);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.option) {
      positionals.push(t.text);
      continue;
    }
    const eq = t.text.indexOf('=');
    const name = eq < 0 ? t.text.slice(1) : t.text.slice(1, eq);
    const spec = specs.find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (!spec) {
      const known = specs.map((s) => `-${s.name}`).join(', ');
      throw new CommandLineError(`unknown option -${clip(name)} for ${usage}${known ? `; options are: ${known}` : '; it takes no options'}`);
    }
    if (Object.hasOwn(options, spec.name)) throw new CommandLineError(`option -${spec.name} given more than once`);
    if (!spec.value) {
      if (eq >= 0) throw new CommandLineError(`option -${spec.name} is a switch and takes no value`);
      options[spec.name] = true;
      continue;
    }
    if (eq >= 0) {
      options[spec.name] = t.text.slice(eq + 1);
    } else {
      if (i + 1 >= tokens.length) throw new CommandLineError(`option -${spec.name} needs a value (-${spec.name}=value)`);
      options[spec.name] = tokens[++i].text;
    }
  }
  return { positionals, options };
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
