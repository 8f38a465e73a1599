/**
 * The Falcon RTR command language, as the `command_string` of RTR_ExecuteCommand and its siblings
 * accepts it (a table of data): each command's tier, platforms and syntax (positionals, -Options,
 * examples), which the server parses against and the CLI completes and explains offline. What a
 * command does on a host (its translation into the agent's vocabulary) is the server's.
 */

/** Falcon's three RTR roles, lowest first; each endpoint accepts its own tier and those below. */
export type RtrTier = 'read' | 'active' | 'admin';
export const RTR_TIER_RANK: Record<RtrTier, number> = { read: 0, active: 1, admin: 2 };
export const RTR_TIER_LABEL: Record<RtrTier, string> = { read: 'read-only', active: 'active-responder', admin: 'admin' };

/** A host's platform, in core's spelling. */
export type RtrPlatform = 'windows' | 'linux' | 'mac';

export interface RtrOptionSpec {
  /** Canonical spelling, e.g. `CommandLine`; matched case-insensitively. */
  name: string;
  /** Takes a value (`-Name=v` or `-Name v`); otherwise it is a switch. */
  value: boolean;
  description: string;
}

export interface RtrPositionalSpec {
  name: string;
  required: boolean;
  description: string;
}

export interface RtrCommandSyntax {
  /** `ls`, or `reg query` for commands with sub-commands. */
  command: string;
  base: string;
  tier: RtrTier;
  description: string;
  positionals: RtrPositionalSpec[];
  options: RtrOptionSpec[];
  examples: string[];
  /** Platforms the command exists on (default: all). */
  platforms?: RtrPlatform[];
}

/** runscript -Timeout: Falcon's default and ceiling, seconds. */
export const SCRIPT_TIMEOUT_DEFAULT_S = 30;
export const SCRIPT_TIMEOUT_MAX_S = 600;

const pos = (name: string, description: string, required = true): RtrPositionalSpec => ({ name, required, description });
const opt = (name: string, description: string, value = true): RtrOptionSpec => ({ name, value, description });

export const RTR_COMMANDS: readonly RtrCommandSyntax[] = [
  // ---- read-only ----
  {
    command: 'cat', base: 'cat', tier: 'read', description: 'Read a file from disk and display as ASCII or hex',
    positionals: [pos('Path', 'File to read')], options: [opt('ShowHex', 'Show the results in hexadecimal format', false)],
    examples: ['cat C:\\Windows\\WindowsUpdate.log', 'cat /etc/hosts', 'cat C:\\Windows\\notepad.exe -ShowHex'],
  },
  {
    command: 'cd', base: 'cd', tier: 'read', description: 'Change the current working directory',
    positionals: [pos('Path', 'Directory to change to')], options: [], examples: ['cd C:\\Windows', 'cd /var/log', 'cd ..'],
  },
  {
    command: 'clear', base: 'clear', tier: 'read', description: 'Clear the screen', positionals: [], options: [], examples: ['clear'],
  },
  {
    command: 'env', base: 'env', tier: 'read', description: 'Print the environment variables', positionals: [], options: [], examples: ['env'],
  },
  {
    command: 'eventlog list', base: 'eventlog', tier: 'read', description: 'List the event logs', positionals: [], options: [], examples: ['eventlog list'],
  },
  {
    command: 'eventlog view', base: 'eventlog', tier: 'read', description: 'View the most recent entries of an event log',
    positionals: [pos('Name', 'Log name (see eventlog list)'), pos('Count', 'Number of entries (default 100)', false), pos('SourceName', 'Event source to filter on', false)],
    options: [], examples: ['eventlog view System', 'eventlog view syslog 50'],
  },
  {
    command: 'eventlog export', base: 'eventlog', tier: 'read', description: 'Export an event log to a file on the host',
    positionals: [pos('Name', 'Log name (see eventlog list)'), pos('Path', 'Ignored: the export goes to the agent output directory', false)],
    options: [], examples: ['eventlog export System'],
  },
  {
    command: 'eventlog backup', base: 'eventlog', tier: 'read', description: 'Back up an event log to a file on the host (same as export)',
    positionals: [pos('Name', 'Log name (see eventlog list)'), pos('Path', 'Ignored: the backup goes to the agent output directory', false)],
    options: [], examples: ['eventlog backup System'],
  },
  {
    command: 'filehash', base: 'filehash', tier: 'read', description: 'Generate the MD5 and SHA256 hashes of a file',
    positionals: [pos('Path', 'File to hash')], options: [], examples: ['filehash C:\\Windows\\System32\\cmd.exe'],
  },
  {
    command: 'getsid', base: 'getsid', tier: 'read', description: 'Enumerate local users and security identifiers (SID)', positionals: [], options: [], examples: ['getsid'],
  },
  {
    command: 'help', base: 'help', tier: 'read', description: 'Get help on a specific command',
    positionals: [pos('Command', 'Command to describe', false), pos('SubCommand', 'Sub-command', false)], options: [], examples: ['help', 'help runscript', 'help reg set'],
  },
  {
    command: 'history', base: 'history', tier: 'read', description: "Show this session's command history", positionals: [], options: [], examples: ['history'],
  },
  {
    command: 'ipconfig', base: 'ipconfig', tier: 'read', description: 'Show network configuration information', positionals: [], options: [], examples: ['ipconfig'],
  },
  {
    command: 'ifconfig', base: 'ifconfig', tier: 'read', description: 'Show network configuration information (same as ipconfig)', positionals: [], options: [], examples: ['ifconfig'],
    platforms: ['linux', 'mac'],
  },
  {
    command: 'ls', base: 'ls', tier: 'read', description: 'Display the contents of a directory',
    positionals: [pos('Path', 'Directory or file (default: the current directory)', false)], options: [], examples: ['ls', 'ls C:\\Windows', 'ls /var/log'],
  },
  {
    command: 'mount', base: 'mount', tier: 'read', description: 'List mounted filesystem volumes', positionals: [], options: [], examples: ['mount'],
  },
  {
    command: 'netstat', base: 'netstat', tier: 'read', description: 'Display network connections', positionals: [], options: [], examples: ['netstat'],
  },
  {
    command: 'ps', base: 'ps', tier: 'read', description: 'Display process information', positionals: [], options: [], examples: ['ps'],
  },
  {
    command: 'pwd', base: 'pwd', tier: 'read', description: 'Print the current working directory', positionals: [], options: [], examples: ['pwd'],
  },
  {
    command: 'reg query', base: 'reg', tier: 'read', description: 'Query a registry subkey or value',
    positionals: [pos('Subkey', 'Registry key, e.g. HKLM\\Software\\Microsoft'), pos('Value', 'Value name', false)], options: [],
    examples: ['reg query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run'], platforms: ['windows'],
  },
  {
    command: 'users', base: 'users', tier: 'read', description: 'List local users (same as getsid)', positionals: [], options: [], examples: ['users'],
  },

  // ---- active responder ----
  {
    command: 'cp', base: 'cp', tier: 'active', description: 'Copy a file or directory',
    positionals: [pos('Source', 'What to copy'), pos('Destination', 'Where to copy it')], options: [], examples: ['cp C:\\a.txt C:\\Temp\\'],
  },
  {
    command: 'encrypt', base: 'encrypt', tier: 'active', description: 'Encrypt a file with AES-256 (writes <file>.encrypted)',
    positionals: [pos('Path', 'File to encrypt'), pos('Key', 'Key: 64 hex digits, or a passphrase (default: random)', false)],
    options: [opt('Key', 'Key: 64 hex digits, or a passphrase (default: random)')], examples: ['encrypt C:\\evidence.doc', 'encrypt /tmp/x -Key=secret'],
  },
  {
    command: 'get', base: 'get', tier: 'active', description: 'Retrieve a file from the host (download it with RTR_GetExtractedFileContents)',
    positionals: [pos('Path', 'File to retrieve')], options: [], examples: ['get C:\\Windows\\Temp\\malware.exe', 'get /var/log/auth.log'],
  },
  {
    command: 'kill', base: 'kill', tier: 'active', description: 'Kill a process', positionals: [pos('PID', 'Process id')], options: [], examples: ['kill 1234'],
  },
  {
    command: 'map', base: 'map', tier: 'active', description: 'Map an SMB (network) share drive',
    positionals: [pos('DriveLetter', 'Drive letter, e.g. X:'), pos('NetworkPath', 'UNC path, e.g. \\\\server\\share')], options: [],
    examples: ['map X: \\\\server\\share'], platforms: ['windows'],
  },
  {
    command: 'memdump', base: 'memdump', tier: 'active', description: "Dump a process's memory to a file on the host",
    positionals: [pos('PID', 'Process id'), pos('Filename', 'Dump file (default: the agent output directory)', false)], options: [],
    examples: ['memdump 1234 /tmp/1234.dmp'],
  },
  {
    command: 'mkdir', base: 'mkdir', tier: 'active', description: 'Create a new directory', positionals: [pos('Path', 'Directory to create')], options: [],
    examples: ['mkdir C:\\Temp\\evidence'],
  },
  {
    command: 'mv', base: 'mv', tier: 'active', description: 'Move a file or directory',
    positionals: [pos('Source', 'What to move'), pos('Destination', 'Where to move it')], options: [], examples: ['mv C:\\a.txt C:\\Temp\\'],
  },
  {
    command: 'reg set', base: 'reg', tier: 'active', description: 'Set a registry value',
    positionals: [pos('Subkey', 'Registry key'), pos('Value', 'Value name (default: the default value)', false)],
    options: [opt('ValueType', 'REG_SZ (default), REG_DWORD, REG_QWORD, REG_BINARY, REG_MULTI_SZ, REG_EXPAND_SZ'), opt('Value', 'Data to write')],
    examples: ['reg set HKLM\\Software\\Acme Setting -ValueType=REG_DWORD -Value=1'], platforms: ['windows'],
  },
  {
    command: 'reg delete', base: 'reg', tier: 'active', description: 'Delete a registry subkey or value',
    positionals: [pos('Subkey', 'Registry key'), pos('Value', 'Value name (default: the whole key)', false)], options: [],
    examples: ['reg delete HKLM\\Software\\Acme Setting'], platforms: ['windows'],
  },
  {
    command: 'reg load', base: 'reg', tier: 'active', description: 'Load a registry hive from a file',
    positionals: [pos('Filename', 'Hive file'), pos('Subkey', 'Key to load it under, e.g. HKLM\\Loaded')], options: [],
    examples: ['reg load C:\\Users\\bob\\NTUSER.DAT HKLM\\bob'], platforms: ['windows'],
  },
  {
    command: 'reg unload', base: 'reg', tier: 'active', description: 'Unload a previously loaded registry hive',
    positionals: [pos('Subkey', 'Key the hive was loaded under')], options: [], examples: ['reg unload HKLM\\bob'], platforms: ['windows'],
  },
  {
    command: 'restart', base: 'restart', tier: 'active', description: 'Restart the host', positionals: [], options: [opt('Confirm', 'Confirm the restart', false)],
    examples: ['restart -Confirm'],
  },
  {
    command: 'rm', base: 'rm', tier: 'active', description: 'Remove (delete) a file or directory',
    positionals: [pos('Path', 'File or directory')], options: [opt('Force', 'Remove a directory and everything in it', false)],
    examples: ['rm C:\\Temp\\x.exe', 'rm /tmp/dropper -Force'],
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
  },
  {
    command: 'falconscript', base: 'falconscript', tier: 'admin', description: "Run one of riposte's built-in Falcon scripts (RTR_ListFalconScripts) on the host",
    positionals: [],
    options: [opt('Name', 'Name of the Falcon script'), opt('JsonInput', 'The script\'s input as a JSON object')],
    examples: ['falconscript -Name=triage-linux -JsonInput=```{"Lines": 100}```'],
  },
  {
    command: 'shutdown', base: 'shutdown', tier: 'active', description: 'Shut the host down', positionals: [], options: [opt('Confirm', 'Confirm the shutdown', false)],
    examples: ['shutdown -Confirm'],
  },
  {
    command: 'unmap', base: 'unmap', tier: 'active', description: 'Unmap an SMB (network) share drive', positionals: [pos('DriveLetter', 'Drive letter, e.g. X:')], options: [],
    examples: ['unmap X:'], platforms: ['windows'],
  },
  {
    command: 'update history', base: 'update', tier: 'active', description: 'Show the update history', positionals: [], options: [], examples: ['update history'],
  },
  {
    command: 'update install', base: 'update', tier: 'active', description: 'Install an update', positionals: [pos('Id', 'Update id, e.g. KB4534310')], options: [],
    examples: ['update install KB4534310'],
  },
  {
    command: 'update list', base: 'update', tier: 'active', description: 'List available updates', positionals: [], options: [], examples: ['update list'],
  },
  {
    command: 'update query', base: 'update', tier: 'active', description: 'Query an update', positionals: [pos('Id', 'Update id')], options: [],
    examples: ['update query KB4534310'],
  },
  {
    command: 'xmemdump', base: 'xmemdump', tier: 'active', description: 'Dump the complete or kernel memory of the host',
    positionals: [pos('Destination', 'Dump file', false), pos('Mode', 'Kernel or Complete', false)], options: [], examples: ['xmemdump C:\\mem.dmp Complete'],
  },
  {
    command: 'zip', base: 'zip', tier: 'active', description: 'Compress a file or directory into a zip archive',
    positionals: [pos('Source', 'File or directory'), pos('Destination', 'Archive to create')], options: [], examples: ['zip C:\\Temp\\evidence C:\\Temp\\evidence.zip'],
  },

  // ---- admin ----
  {
    command: 'put', base: 'put', tier: 'admin', description: 'Put a file from the put-files library into the current directory',
    positionals: [pos('FileName', 'Name of a put-file')], options: [], examples: ['put triage.exe'],
  },
  {
    command: 'put-and-run', base: 'put-and-run', tier: 'admin', description: 'Put a file from the put-files library into the current directory and run it',
    positionals: [pos('FileName', 'Name of a put-file')], options: [opt('CommandLine', 'Arguments for the program'), opt('Wait', 'Wait for the program and show its output', false)],
    examples: ['put-and-run triage.exe -CommandLine="-quick"'],
    // As the vendor: response policies have PutAndRunCommand on Windows and Mac only.
    platforms: ['windows', 'mac'],
  },
  {
    command: 'run', base: 'run', tier: 'admin', description: 'Run an executable on the host',
    positionals: [pos('Executable', 'Program to run')], options: [opt('CommandLine', 'Arguments for the program'), opt('Wait', 'Wait for the program and show its output', false)],
    examples: ['run C:\\Windows\\System32\\ipconfig.exe -CommandLine="/all" -Wait', 'run /usr/bin/uptime -Wait'],
  },
];
