import { scriptUsableBy } from '@riposte/core';
import { RTR_COMMANDS, SCRIPT_TIMEOUT_DEFAULT_S, SCRIPT_TIMEOUT_MAX_S } from '@riposte/spec';
import { falconscript } from './falconscript.ts';
import { CommandLineError, splitArgv, type ParsedArgs } from './command-line.ts';
import { agentTranslation, LONG_MS, type CommandDef, type PutFileRef, type ScriptRef, type Translate, type TranslateContext, type Translation } from './vocabulary.ts';

/**
 * Every Falcon RTR command's translation into one command of the internal vocabulary
 * (`packages/agent/src/commands/types.ts`) or an answer of the server's, keyed by the command of
 * @riposte/spec's RTR_COMMANDS whose syntax it reads.
 */

/** Time after a script's own timeout for the agent to report back. */
const SCRIPT_GRACE_MS = 15_000;

const agent = agentTranslation;

function positiveInt(raw: string, what: string, max = 2 ** 31 - 1): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new CommandLineError(`${what} must be a whole number between 1 and ${max}, not "${raw.slice(0, 40)}"`);
  return Number(raw);
}

function requireConfirm(p: ParsedArgs, what: string): void {
  if (p.options.Confirm !== true) throw new CommandLineError(`${what} needs -Confirm: it takes the host down`);
}

function optionText(p: ParsedArgs, name: string): string | undefined {
  const v = p.options[name];
  return typeof v === 'string' ? v : undefined;
}

/** runscript/put-and-run/run `-CommandLine="…"`: split into argv with the command-line quoting rules. */
function commandLineArgs(p: ParsedArgs): string[] {
  const line = optionText(p, 'CommandLine');
  return line === undefined ? [] : splitArgv(line);
}

/** May the caller run this library script? public: active responders and admins; group: admins; private: its owner. */
export function scriptAllowed(script: ScriptRef, caller: TranslateContext['caller']): boolean {
  return scriptUsableBy(script, { id: caller.id, tier: caller.role });
}

async function runscript(p: ParsedArgs, ctx: TranslateContext): Promise<Translation> {
  const sources = ['CloudFile', 'HostPath', 'Raw'].filter((k) => p.options[k] !== undefined);
  if (sources.length !== 1) throw new CommandLineError('runscript needs exactly one of -CloudFile=<name>, -HostPath=<path> or -Raw=```<script>```');
  const timeoutS = optionText(p, 'Timeout') === undefined ? SCRIPT_TIMEOUT_DEFAULT_S : positiveInt(optionText(p, 'Timeout')!, '-Timeout', SCRIPT_TIMEOUT_MAX_S);
  const base = { args: commandLineArgs(p), timeout_ms: timeoutS * 1000 };
  const timeout_ms = timeoutS * 1000 + SCRIPT_GRACE_MS;
  if (sources[0] === 'Raw') {
    const script = optionText(p, 'Raw')!;
    if (script.trim() === '') throw new CommandLineError('runscript -Raw needs a script: -Raw=```…```');
    return agent('runscript', { script, ...base }, 'custom-script', timeout_ms);
  }
  if (sources[0] === 'HostPath') {
    const host_path = optionText(p, 'HostPath')!;
    if (host_path === '') throw new CommandLineError('runscript -HostPath needs a path');
    return agent('runscript', { host_path, ...base }, 'custom-script', timeout_ms);
  }
  const name = optionText(p, 'CloudFile')!;
  const script = name === '' ? undefined : await ctx.library.script(name);
  // A script the caller may not use is reported exactly like a missing one.
  if (!script || !scriptAllowed(script, ctx.caller)) throw new CommandLineError(`no custom script named "${name.slice(0, 200)}" is available to this API client`);
  if (script.platform.length && !script.platform.map((s) => s.toLowerCase()).includes(ctx.platform)) {
    throw new CommandLineError(`custom script "${script.name}" is for ${script.platform.join(', ')}, not ${ctx.platform}`);
  }
  return agent('runscript', { script: script.content, ...base }, 'custom-script', timeout_ms);
}

async function putFile(p: ParsedArgs, ctx: TranslateContext): Promise<PutFileRef> {
  const name = p.positionals[0];
  const file = await ctx.library.putFile(name);
  if (!file) throw new CommandLineError(`no put-file named "${name.slice(0, 200)}"; upload it with RTR_CreatePut_Files first`);
  return file;
}

const TRANSLATIONS: Record<string, Translate> = {
  cat: (p) => agent('cat', { path: p.positionals[0] }),
  cd: (p) => agent('cd', { path: p.positionals[0] }),
  clear: () => ({ kind: 'server', action: 'clear' }),
  env: () => agent('env', {}),
  'eventlog list': () => agent('eventlog', { action: 'list' }),
  'eventlog view': (p) => agent('eventlog', { action: 'view', name: p.positionals[0], ...(p.positionals[1] ? { count: positiveInt(p.positionals[1], 'Count', 10_000) } : {}) }),
  'eventlog export': (p) => agent('eventlog', { action: 'export', name: p.positionals[0] }, 'command', LONG_MS),
  'eventlog backup': (p) => agent('eventlog', { action: 'export', name: p.positionals[0] }, 'command', LONG_MS),
  filehash: (p) => agent('filehash', { path: p.positionals[0] }, 'command', LONG_MS),
  getsid: () => agent('getsid', {}),
  help: (p) => ({ kind: 'server', action: 'help', topic: p.positionals.join(' ') || undefined }),
  history: () => ({ kind: 'server', action: 'history' }),
  ipconfig: () => agent('ipconfig', {}),
  ifconfig: () => agent('ipconfig', {}),
  ls: (p) => agent('ls', p.positionals[0] !== undefined ? { path: p.positionals[0] } : {}),
  mount: () => agent('mount', {}),
  netstat: () => agent('netstat', {}),
  ps: () => agent('ps', {}),
  pwd: () => agent('pwd', {}),
  'reg query': (p) => agent('reg', { action: 'query', key: p.positionals[0], ...(p.positionals[1] !== undefined ? { value: p.positionals[1] } : {}) }),
  users: () => agent('getsid', {}),
  cp: (p) => agent('cp', { source: p.positionals[0], destination: p.positionals[1] }, 'command', LONG_MS),
  encrypt: (p) => {
    const key = optionText(p, 'Key') ?? p.positionals[1];
    return agent('encrypt', { path: p.positionals[0], ...(key !== undefined ? { key } : {}) }, 'command', LONG_MS);
  },
  get: (p) => agent('get', { path: p.positionals[0] }, 'get', LONG_MS),
  kill: (p) => agent('kill', { pid: positiveInt(p.positionals[0], 'PID') }),
  map: (p) => agent('map', { drive: p.positionals[0], path: p.positionals[1] }),
  memdump: (p) => agent('memdump', { pid: positiveInt(p.positionals[0], 'PID'), ...(p.positionals[1] !== undefined ? { destination: p.positionals[1] } : {}) }, 'memdump', LONG_MS),
  mkdir: (p) => agent('mkdir', { path: p.positionals[0], parents: true }),
  mv: (p) => agent('mv', { source: p.positionals[0], destination: p.positionals[1] }, 'command', LONG_MS),
  'reg set': (p) =>
    agent('reg', {
      action: 'set',
      key: p.positionals[0],
      ...(p.positionals[1] !== undefined ? { value: p.positionals[1] } : {}),
      type: optionText(p, 'ValueType') ?? 'REG_SZ',
      data: optionText(p, 'Value') ?? '',
    }),
  'reg delete': (p) => agent('reg', { action: 'delete', key: p.positionals[0], ...(p.positionals[1] !== undefined ? { value: p.positionals[1] } : {}) }),
  'reg load': (p) => agent('reg', { action: 'load', key: p.positionals[1], data: p.positionals[0] }),
  'reg unload': (p) => agent('reg', { action: 'unload', key: p.positionals[0] }),
  restart: (p) => {
    requireConfirm(p, 'restart');
    return agent('restart', {});
  },
  rm: (p) => agent('rm', { path: p.positionals[0], ...(p.options.Force === true ? { recursive: true, force: true } : {}) }, 'command', LONG_MS),
  runscript,
  falconscript,
  shutdown: (p) => {
    requireConfirm(p, 'shutdown');
    return agent('shutdown', {});
  },
  unmap: (p) => agent('unmap', { drive: p.positionals[0] }),
  'update history': () => agent('update', { action: 'history' }, 'command', LONG_MS),
  'update install': (p) => agent('update', { action: 'install', id: p.positionals[0] }, 'command', LONG_MS),
  'update list': () => agent('update', { action: 'list' }, 'command', LONG_MS),
  'update query': (p) => agent('update', { action: 'query', id: p.positionals[0] }, 'command', LONG_MS),
  xmemdump: (p) => agent('xmemdump', p.positionals[0] !== undefined ? { destination: p.positionals[0] } : {}, 'xmemdump', LONG_MS),
  zip: (p) => agent('zip', { source: p.positionals[0], destination: p.positionals[1] }, 'command', LONG_MS),
  put: async (p, ctx) => {
    const f = await putFile(p, ctx);
    return agent('put', { sha256: f.sha256, name: f.name, size: f.size }, 'put', LONG_MS);
  },
  'put-and-run': async (p, ctx) => {
    const f = await putFile(p, ctx);
    const wait = p.options.Wait === true;
    return {
      ...agent('put', { sha256: f.sha256, name: f.name, size: f.size, overwrite: true }, 'put-and-run', LONG_MS),
      then: { name: 'run', args: { args: commandLineArgs(p), wait }, timeout_ms: LONG_MS },
    };
  },
  run: (p) => agent('run', { executable: p.positionals[0], args: commandLineArgs(p), wait: p.options.Wait === true }, 'run', LONG_MS),
};

/** Each command's syntax with its translation; a command without one (or the reverse) stops the server at start-up. */
export const COMMAND_DEFS: readonly CommandDef[] = RTR_COMMANDS.map((syntax) => {
  const translate = TRANSLATIONS[syntax.command];
  if (!translate) throw new Error(`RTR command "${syntax.command}" has no translation`);
  return { ...syntax, translate };
});
for (const command of Object.keys(TRANSLATIONS)) {
  if (!RTR_COMMANDS.some((c) => c.command === command)) throw new Error(`translation for "${command}", which is not an RTR command`);
}
