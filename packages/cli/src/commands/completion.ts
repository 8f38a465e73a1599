import type { Command } from 'commander';
import { examples } from '../api/output.ts';

interface Tree {
  commands: string[];
  /** Sub-commands and options by command path ("" for the top level, "groups", "groups add"). */
  words: Map<string, string[]>;
}

/** Every command, sub-command and option of the program, read from commander itself. */
function treeOf(program: Command): Tree {
  const words = new Map<string, string[]>();
  const walk = (cmd: Command, path: string) => {
    const subs = cmd.commands.map((c) => c.name());
    const opts = cmd.options.map((o) => o.long).filter((o): o is string => !!o);
    words.set(path, [...subs, ...opts, '--help']);
    for (const c of cmd.commands) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, '');
  return { commands: program.commands.map((c) => c.name()), words };
}

export function bashScript(program: Command): string {
  const { words } = treeOf(program);
  const cases = [...words].map(([path, w]) => `    "${path}") words="${w.join(' ')}" ;;`).join('\n');
  return `# riposte bash completion: eval "$(riposte completion bash)"
_riposte() {
  local cur path i w words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    if [ -z "$path" ]; then candidate="$w"; else candidate="$path $w"; fi
    case "$candidate" in
${[...words.keys()].filter(Boolean).map((p) => `      "${p}") path="$candidate" ;;`).join('\n')}
    esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _riposte riposte
`;
}

export function zshScript(program: Command): string {
  return `#compdef riposte
# riposte zsh completion: eval "$(riposte completion zsh)"
autoload -U bashcompinit && bashcompinit
${bashScript(program)}`;
}

export function fishScript(program: Command): string {
  const { words } = treeOf(program);
  const lines = ['# riposte fish completion: riposte completion fish | source', 'complete -c riposte -f'];
  for (const [path, w] of words) {
    const parts = path ? path.split(' ') : [];
    const cond = parts.length ? `__fish_seen_subcommand_from ${parts[parts.length - 1]}` : '__fish_use_subcommand';
    const subs = w.filter((x) => !x.startsWith('-'));
    const opts = w.filter((x) => x.startsWith('--'));
    if (subs.length) lines.push(`complete -c riposte -n '${cond}' -a '${subs.join(' ')}'`);
    for (const o of opts) lines.push(`complete -c riposte -n '${cond}' -l ${o.slice(2)}`);
  }
  return lines.join('\n') + '\n';
}

export function registerCompletionCommand(program: Command): void {
  const cmd = program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => {
      const scripts: Record<string, (p: Command) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
      const make = scripts[shell];
      if (!make) throw new Error(`completion scripts exist for bash, zsh and fish, not "${shell}"`);
      process.stdout.write(make(program));
    });
  examples(cmd, ['eval "$(riposte completion bash)"   # in ~/.bashrc', 'riposte completion fish > ~/.config/fish/completions/riposte.fish']);
}
