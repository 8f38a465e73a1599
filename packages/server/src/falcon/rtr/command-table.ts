// The light subpath: the CLI's client bundle includes this table, and must not include all of core.
import { scriptUsableBy } from '@riposte/core/script-visibility';
import { falconscript } from './falconscript.ts';
import { CommandLineError, splitArgv, type OptionSpec, type ParsedArgs } from './command-line.ts';
import { agentTranslation, LONG_MS, TIER_RANK, type CommandDef, type PositionalSpec, type PutFileRef, type ScriptRef, type TranslateContext, type Translation } from './vocabulary.ts';

/**
 * Every Falcon RTR command (a table of data): its tier, syntax (for parsing and for `help`) and
 * its translation into one command of the internal vocabulary (`packages/agent/src/commands/types.ts`).
 */

/** runscript -Timeout: Falcon's default and ceiling, seconds. */
const SCRIPT_TIMEOUT_DEFAULT_S = 30;
const SCRIPT_TIMEOUT_MAX_S = 600;
/** Time after a script's own timeout for the agent to report back. */
const SCRIPT_GRACE_MS = 15_000;

const agent = agentTranslation;

const pos = (name: string, description: string, required = true): PositionalSpec => ({ name, required, description });
const opt = (name: string, description: string, value = true): OptionSpec => ({ name, value, description });

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

export const COMMAND_DEFS: readonly CommandDef[] = [
  // ---- read-only ----
  {
    command: 'cat', base: 'cat', tier: 'read', description: 'Read a file from disk and display as ASCII or hex',
    positionals: [pos('Path', 'File to read')], options: [opt('ShowHex', 'Show the results in hexadecimal format', false)],
    examples: ['cat C:\\Windows\\WindowsUpdate.log', 'cat /etc/hosts', 'cat C:\\Windows\\notepad.exe -ShowHex'],
    translate: (p) => agent('cat', { path: p.positionals[0] }),
  },
  {
    command: 'cd', base: 'cd', tier: 'read', description: 'Change the current working directory',
    positionals: [pos('Path', 'Directory to change to')], options: [], examples: ['cd C:\\Windows', 'cd /var/log', 'cd ..'],
    translate: (p) => agent('cd', { path: p.positionals[0] }),
  },
  {
    command: 'clear', base: 'clear', tier: 'read', description: 'Clear the screen', positionals: [], options: [], examples: ['clear'],
    translate: () => ({ kind: 'server', action: 'clear' }),
  },
  {
    command: 'env', base: 'env', tier: 'read', description: 'Print the environment variables', positionals: [], options: [], examples: ['env'],
    translate: () => agent('env', {}),
  },
  {
    command: 'eventlog list', base: 'eventlog', tier: 'read', description: 'List the event logs', positionals: [], options: [], examples: ['eventlog list'],
    translate: () => agent('eventlog', { action: 'list' }),
  },
  {
    command: 'eventlog view', base: 'eventlog', tier: 'read', description: 'View the most recent entries of an event log',
    positionals: [pos('Name', 'Log name (see eventlog list)'), pos('Count', 'Number of entries (default 100)', false), pos('SourceName', 'Event source to filter on', false)],
    options: [], examples: ['eventlog view System', 'eventlog view syslog 50'],
    translate: (p) => agent('eventlog', { action: 'view', name: p.positionals[0], ...(p.positionals[1] ? { count: positiveInt(p.positionals[1], 'Count', 10_000) } : {}) }),
  },
  {
    command: 'eventlog export', base: 'eventlog', tier: 'read', description: 'Export an event log to a file on the host',
    positionals: [pos('Name', 'Log name (see eventlog list)'), pos('Path', 'Ignored: the export goes to the agent output directory', false)],
    options: [], examples: ['eventlog export System'],
    translate: (p) => agent('eventlog', { action: 'export', name: p.positionals[0] }, 'command', LONG_MS),
  },
  {
    command: 'eventlog backup', base: 'eventlog', tier: 'read', description: 'Back up an event log to a file on the host (same as export)',
    positionals: [pos('Name', 'Log name (see eventlog list)'), pos('Path', 'Ignored: the backup goes to the agent output directory', false)],
    options: [], examples: ['eventlog backup System'],
    translate: (p) => agent('eventlog', { action: 'export', name: p.positionals[0] }, 'command', LONG_MS),
  },
  {
    command: 'filehash', base: 'filehash', tier: 'read', description: 'Generate the MD5 and SHA256 hashes of a file',
    positionals: [pos('Path', 'File to hash')], options: [], examples: ['filehash C:\\Windows\\System32\\cmd.exe'],
    translate: (p) => agent('filehash', { path: p.positionals[0] }, 'command', LONG_MS),
  },
  {
    command: 'getsid', base: 'getsid', tier: 'read', description: 'Enumerate local users and security identifiers (SID)', positionals: [], options: [], examples: ['getsid'],
    translate: () => agent('getsid', {}),
  },
  {
    command: 'help', base: 'help', tier: 'read', description: 'Get help on a specific command',
    positionals: [pos('Command', 'Command to describe', false), pos('SubCommand', 'Sub-command', false)], options: [], examples: ['help', 'help runscript', 'help reg set'],
    translate: (p) => ({ kind: 'server', action: 'help', topic: p.positionals.join(' ') || undefined }),
  },
  {
    command: 'history', base: 'history', tier: 'read', description: "Show this session's command history", positionals: [], options: [], examples: ['history'],
    translate: () => ({ kind: 'server', action: 'history' }),
  },
  {
    command: 'ipconfig', base: 'ipconfig', tier: 'read', description: 'Show network configuration information', positionals: [], options: [], examples: ['ipconfig'],
    translate: () => agent('ipconfig', {}),
  },
  {
    command: 'ifconfig', base: 'ifconfig', tier: 'read', description: 'Show network configuration information (same as ipconfig)', positionals: [], options: [], examples: ['ifconfig'],
    platforms: ['linux', 'mac'], translate: () => agent('ipconfig', {}),
  },
  {
    command: 'ls', base: 'ls', tier: 'read', description: 'Display the contents of a directory',
    positionals: [pos('Path', 'Directory or file (default: the current directory)', false)], options: [], examples: ['ls', 'ls C:\\Windows', 'ls /var/log'],
    translate: (p) => agent('ls', p.positionals[0] !== undefined ? { path: p.positionals[0] } : {}),
  },
  {
    command: 'mount', base: 'mount', tier: 'read', description: 'List mounted filesystem volumes', positionals: [], options: [], examples: ['mount'],
    translate: () => agent('mount', {}),
  },
  {
    command: 'netstat', base: 'netstat', tier: 'read', description: 'Display network connections', positionals: [], options: [], examples: ['netstat'],
    translate: () => agent('netstat', {}),
  },
  {
    command: 'ps', base: 'ps', tier: 'read', description: 'Display process information', positionals: [], options: [], examples: ['ps'],
    translate: () => agent('ps', {}),
  },
  {
    command: 'pwd', base: 'pwd', tier: 'read', description: 'Print the current working directory', positionals: [], options: [], examples: ['pwd'],
    translate: () => agent('pwd', {}),
  },
  {
    command: 'reg query', base: 'reg', tier: 'read', description: 'Query a registry subkey or value',
    positionals: [pos('Subkey', 'Registry key, e.g. HKLM\\Software\\Microsoft'), pos('Value', 'Value name', false)], options: [],
    examples: ['reg query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run'], platforms: ['windows'],
    translate: (p) => agent('reg', { action: 'query', key: p.positionals[0], ...(p.positionals[1] !== undefined ? { value: p.positionals[1] } : {}) }),
  },
  {
    command: 'users', base: 'users', tier: 'read', description: 'List local users (same as getsid)', positionals: [], options: [], examples: ['users'],
    translate: () => agent('getsid', {}),
  },

  // ---- active responder ----
  {
    command: 'cp', base: 'cp', tier: 'active', description: 'Copy a file or directory',
    positionals: [pos('Source', 'What to copy'), pos('Destination', 'Where to copy it')], options: [], examples: ['cp C:\\a.txt C:\\Temp\\'],
    translate: (p) => agent('cp', { source: p.positionals[0], destination: p.positionals[1] }, 'command', LONG_MS),
  },
  {
    command: 'encrypt', base: 'encrypt', tier: 'active', description: 'Encrypt a file with AES-256 (writes <file>.encrypted)',
    positionals: [pos('Path', 'File to encrypt'), pos('Key', 'Key: 64 hex digits, or a passphrase (default: random)', false)],
    options: [opt('Key', 'Key: 64 hex digits, or a passphrase (default: random)')], examples: ['encrypt C:\\evidence.doc', 'encrypt /tmp/x -Key=secret'],
    translate: (p) => {
      const key = optionText(p, 'Key') ?? p.positionals[1];
      return agent('encrypt', { path: p.positionals[0], ...(key !== undefined ? { key } : {}) }, 'command', LONG_MS);
    },
  },
  {
    command: 'get', base: 'get', tier: 'active', description: 'Retrieve a file from the host (download it with RTR_GetExtractedFileContents)',
    positionals: [pos('Path', 'File to retrieve')], options: [], examples: ['get C:\\Windows\\Temp\\malware.exe', 'get /var/log/auth.log'],
    translate: (p) => agent('get', { path: p.positionals[0] }, 'get', LONG_MS),
  },
  {
    command: 'kill', base: 'kill', tier: 'active', description: 'Kill a process', positionals: [pos('PID', 'Process id')], options: [], examples: ['kill 1234'],
    translate: (p) => agent('kill', { pid: positiveInt(p.positionals[0], 'PID') }),
  },
  {
    command: 'map', base: 'map', tier: 'active', description: 'Map an SMB (network) share drive',
    positionals: [pos('DriveLetter', 'Drive letter, e.g. X:'), pos('NetworkPath', 'UNC path, e.g. \\\\server\\share')], options: [],
    examples: ['map X: \\\\server\\share'], platforms: ['windows'],
    translate: (p) => agent('map', { drive: p.positionals[0], path: p.positionals[1] }),
  },
  {
    command: 'memdump', base: 'memdump', tier: 'active', description: "Dump a process's memory to a file on the host",
    positionals: [pos('PID', 'Process id'), pos('Filename', 'Dump file (default: the agent output directory)', false)], options: [],
    examples: ['memdump 1234 /tmp/1234.dmp'],
    translate: (p) => agent('memdump', { pid: positiveInt(p.positionals[0], 'PID'), ...(p.positionals[1] !== undefined ? { destination: p.positionals[1] } : {}) }, 'memdump', LONG_MS),
  },
  {
    command: 'mkdir', base: 'mkdir', tier: 'active', description: 'Create a new directory', positionals: [pos('Path', 'Directory to create')], options: [],
    examples: ['mkdir C:\\Temp\\evidence'],
    translate: (p) => agent('mkdir', { path: p.positionals[0], parents: true }),
  },
  {
    command: 'mv', base: 'mv', tier: 'active', description: 'Move a file or directory',
    positionals: [pos('Source', 'What to move'), pos('Destination', 'Where to move it')], options: [], examples: ['mv C:\\a.txt C:\\Temp\\'],
    translate: (p) => agent('mv', { source: p.positionals[0], destination: p.positionals[1] }, 'command', LONG_MS),
  },
  {
    command: 'reg set', base: 'reg', tier: 'active', description: 'Set a registry value',
    positionals: [pos('Subkey', 'Registry key'), pos('Value', 'Value name (default: the default value)', false)],
    options: [opt('ValueType', 'REG_SZ (default), REG_DWORD, REG_QWORD, REG_BINARY, REG_MULTI_SZ, REG_EXPAND_SZ'), opt('Value', 'Data to write')],
    examples: ['reg set HKLM\\Software\\Acme Setting -ValueType=REG_DWORD -Value=1'], platforms: ['windows'],
    translate: (p) =>
      agent('reg', {
        action: 'set',
        key: p.positionals[0],
        ...(p.positionals[1] !== undefined ? { value: p.positionals[1] } : {}),
        type: optionText(p, 'ValueType') ?? 'REG_SZ',
        data: optionText(p, 'Value') ?? '',
      }),
  },
  {
    command: 'reg delete', base: 'reg', tier: 'active', description: 'Delete a registry subkey or value',
    positionals: [pos('Subkey', 'Registry key'), pos('Value', 'Value name (default: the whole key)', false)], options: [],
    examples: ['reg delete HKLM\\Software\\Acme Setting'], platforms: ['windows'],
    translate: (p) => agent('reg', { action: 'delete', key: p.positionals[0], ...(p.positionals[1] !== undefined ? { value: p.positionals[1] } : {}) }),
  },
  {
    command: 'reg load', base: 'reg', tier: 'active', description: 'Load a registry hive from a file',
    positionals: [pos('Filename', 'Hive file'), pos('Subkey', 'Key to load it under, e.g. HKLM\\Loaded')], options: [],
    examples: ['reg load C:\\Users\\bob\\NTUSER.DAT HKLM\\bob'], platforms: ['windows'],
    translate: (p) => agent('reg', { action: 'load', key: p.positionals[1], data: p.positionals[0] }),
  },
  {
    command: 'reg unload', base: 'reg', tier: 'active', description: 'Unload a previously loaded registry hive',
    positionals: [pos('Subkey', 'Key the hive was loaded under')], options: [], examples: ['reg unload HKLM\\bob'], platforms: ['windows'],
    translate: (p) => agent('reg', { action: 'unload', key: p.positionals[0] }),
  },
  {
    command: 'restart', base: 'restart', tier: 'active', description: 'Restart the host', positionals: [], options: [opt('Confirm', 'Confirm the restart', false)],
    examples: ['restart -Confirm'],
    translate: (p) => {
      requireConfirm(p, 'restart');
      return agent('restart', {});
    },
  },
  {
    command: 'rm', base: 'rm', tier: 'active', description: 'Remove (delete) a file or directory',
    positionals: [pos('Path', 'File or directory')], options: [opt('Force', 'Remove a directory and everything in it', false)],
    examples: ['rm C:\\Temp\\x.exe', 'rm /tmp/dropper -Force'],
    translate: (p) => agent('rm', { path: p.positionals[0], ...(p.options.Force === true ? { recursive: true, force: true } : {}) }, 'command', LONG_MS),
  },
  {
    command: 'runscript', base: 'runscript', tier: 'active', description: 'Run a script: from the custom-scripts library, a path on the host, or given inline',
    positionals: [],
    options: [
      opt('CloudFile', 'Name of a custom script from the library'),
      opt('HostPath', 'Path of a script already on the host'),
      opt('Raw', 'Script text inside ```…```'),
      opt('CommandLine', 'Arguments for the script'),
      opt('Timeout', `Seconds the script may run (default ${SCRIPT_TIMEOUT_DEFAULT_S}, max ${SCRIPT_TIMEOUT_MAX_S})`),
    ],
    examples: ['runscript -CloudFile="Collect Logs" -CommandLine="-Days 7"', 'runscript -Raw=```Get-Process | Select -First 5```', 'runscript -HostPath="/opt/ir/triage.sh" -Timeout=120'],
    translate: runscript,
  },
  {
    command: 'falconscript', base: 'falconscript', tier: 'admin', description: "Run one of riposte's built-in Falcon scripts (RTR_ListFalconScripts) on the host",
    positionals: [],
    options: [opt('Name', 'Name of the Falcon script'), opt('JsonInput', 'The script\'s input as a JSON object')],
    examples: ['falconscript -Name=triage-linux -JsonInput=```{"Lines": 100}```'],
    translate: falconscript,
  },
  {
    command: 'shutdown', base: 'shutdown', tier: 'active', description: 'Shut the host down', positionals: [], options: [opt('Confirm', 'Confirm the shutdown', false)],
    examples: ['shutdown -Confirm'],
    translate: (p) => {
      requireConfirm(p, 'shutdown');
      return agent('shutdown', {});
    },
  },
  {
    command: 'unmap', base: 'unmap', tier: 'active', description: 'Unmap an SMB (network) share drive', positionals: [pos('DriveLetter', 'Drive letter, e.g. X:')], options: [],
    examples: ['unmap X:'], platforms: ['windows'],
    translate: (p) => agent('unmap', { drive: p.positionals[0] }),
  },
  {
    command: 'update history', base: 'update', tier: 'active', description: 'Show the update history', positionals: [], options: [], examples: ['update history'],
    translate: () => agent('update', { action: 'history' }, 'command', LONG_MS),
  },
  {
    command: 'update install', base: 'update', tier: 'active', description: 'Install an update', positionals: [pos('Id', 'Update id, e.g. KB4534310')], options: [],
    examples: ['update install KB4534310'],
    translate: (p) => agent('update', { action: 'install', id: p.positionals[0] }, 'command', LONG_MS),
  },
  {
    command: 'update list', base: 'update', tier: 'active', description: 'List available updates', positionals: [], options: [], examples: ['update list'],
    translate: () => agent('update', { action: 'list' }, 'command', LONG_MS),
  },
  {
    command: 'update query', base: 'update', tier: 'active', description: 'Query an update', positionals: [pos('Id', 'Update id')], options: [],
    examples: ['update query KB4534310'],
    translate: (p) => agent('update', { action: 'query', id: p.positionals[0] }, 'command', LONG_MS),
  },
  {
    command: 'xmemdump', base: 'xmemdump', tier: 'active', description: 'Dump the complete or kernel memory of the host',
    positionals: [pos('Destination', 'Dump file', false), pos('Mode', 'Kernel or Complete', false)], options: [], examples: ['xmemdump C:\\mem.dmp Complete'],
    translate: (p) => agent('xmemdump', p.positionals[0] !== undefined ? { destination: p.positionals[0] } : {}, 'xmemdump', LONG_MS),
  },
  {
    command: 'zip', base: 'zip', tier: 'active', description: 'Compress a file or directory into a zip archive',
    positionals: [pos('Source', 'File or directory'), pos('Destination', 'Archive to create')], options: [], examples: ['zip C:\\Temp\\evidence C:\\Temp\\evidence.zip'],
    translate: (p) => agent('zip', { source: p.positionals[0], destination: p.positionals[1] }, 'command', LONG_MS),
  },

  // ---- admin ----
  {
    command: 'put', base: 'put', tier: 'admin', description: 'Put a file from the put-files library into the current directory',
    positionals: [pos('FileName', 'Name of a put-file')], options: [], examples: ['put triage.exe'],
    translate: async (p, ctx) => {
      const f = await putFile(p, ctx);
      return agent('put', { sha256: f.sha256, name: f.name, size: f.size }, 'put', LONG_MS);
    },
  },
  {
    command: 'put-and-run', base: 'put-and-run', tier: 'admin', description: 'Put a file from the put-files library into the current directory and run it',
    positionals: [pos('FileName', 'Name of a put-file')], options: [opt('CommandLine', 'Arguments for the program'), opt('Wait', 'Wait for the program and show its output', false)],
    examples: ['put-and-run triage.exe -CommandLine="-quick"'],
    // As the vendor: response policies have PutAndRunCommand on Windows and Mac only.
    platforms: ['windows', 'mac'],
    translate: async (p, ctx) => {
      const f = await putFile(p, ctx);
      const wait = p.options.Wait === true;
      return {
        ...agent('put', { sha256: f.sha256, name: f.name, size: f.size, overwrite: true }, 'put-and-run', LONG_MS),
        then: { name: 'run', args: { args: commandLineArgs(p), wait }, timeout_ms: LONG_MS },
      };
    },
  },
  {
    command: 'run', base: 'run', tier: 'admin', description: 'Run an executable on the host',
    positionals: [pos('Executable', 'Program to run')], options: [opt('CommandLine', 'Arguments for the program'), opt('Wait', 'Wait for the program and show its output', false)],
    examples: ['run C:\\Windows\\System32\\ipconfig.exe -CommandLine="/all" -Wait', 'run /usr/bin/uptime -Wait'],
    translate: (p) => agent('run', { executable: p.positionals[0], args: commandLineArgs(p), wait: p.options.Wait === true }, 'run', LONG_MS),
  },
];

