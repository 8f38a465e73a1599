import type { LoginRecord } from '../logins/index.ts';
import type { ContainmentOrder } from '../containment/index.ts';
/**
 * The internal command vocabulary. Both API dialects (Falcon RTR, Carbon Black Live Response)
 * translate their commands into these; agents (real or simulated) execute them and answer with
 * structured results. Rendering results as text is the dialects' job, not the agent's.
 */

export type Platform = 'linux' | 'windows' | 'mac';

export interface FileEntry {
  name: string;
  /** Absolute, normalised path. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Octal permission string on POSIX (`0644`); attribute list on Windows (`A`, `HR`, …). */
  mode: string;
  /** ISO-8601 times. */
  mtime: string;
  atime: string;
  ctime: string;
  birthtime: string;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
  /** Full path of the executable where known. */
  path: string;
  command_line: string;
  user: string;
  start_time: string;
  cpu_percent: number;
  memory_bytes: number;
}

/** One entry of `update history`; command_line is '' where the log has none (dpkg's). */
export interface UpdateHistoryEntry {
  /** Local time, `YYYY-MM-DD HH:MM:SS`, as apt's history log has it. */
  date: string;
  action: string;
  name: string;
  version: string;
  previous_version: string;
  command_line: string;
}

/** Arguments of each command. Paths may be relative to `cwd`. */
export interface CommandArgs {
  ls: { path?: string };
  cd: { path: string };
  pwd: Record<string, never>;
  cat: { path: string; max_bytes?: number };
  cp: { source: string; destination: string };
  mv: { source: string; destination: string };
  rm: { path: string; recursive?: boolean; force?: boolean };
  mkdir: { path: string; parents?: boolean };
  ps: Record<string, never>;
  kill: { pid: number; signal?: string };
  netstat: Record<string, never>;
  ipconfig: Record<string, never>;
  env: Record<string, never>;
  filehash: { path: string };
  getsid: Record<string, never>;
  mount: Record<string, never>;
  eventlog: { action: 'list' | 'view' | 'export'; name?: string; count?: number };
  zip: { source: string; destination: string };
  encrypt: { path: string; key?: string };
  get: { path: string };
  put: { sha256: string; name: string; size: number; destination?: string; overwrite?: boolean };
  run: { executable: string; args?: string[]; timeout_ms?: number; wait?: boolean; working_directory?: string };
  runscript: { interpreter?: string; script?: string; host_path?: string; args?: string[]; timeout_ms?: number };
  memdump: { pid: number; destination?: string };
  xmemdump: { destination?: string };
  restart: Record<string, never>;
  shutdown: Record<string, never>;
  update: { action: 'list' | 'history' | 'install' | 'query'; id?: string };
  reg: { action: 'query' | 'create' | 'set' | 'delete' | 'load' | 'unload'; key: string; value?: string; type?: string; data?: string };
  map: { path: string; drive: string };
  unmap: { drive: string };
}

export type CommandName = keyof CommandArgs;

export const COMMAND_NAMES: readonly CommandName[] = [
  'ls', 'cd', 'pwd', 'cat', 'cp', 'mv', 'rm', 'mkdir', 'ps', 'kill', 'netstat', 'ipconfig', 'env', 'filehash',
  'getsid', 'mount', 'eventlog', 'zip', 'encrypt', 'get', 'put', 'run', 'runscript', 'memdump', 'xmemdump',
  'restart', 'shutdown', 'update', 'reg', 'map', 'unmap',
];

/** One command as the agent receives it. */
export interface CommandRequest<N extends CommandName = CommandName> {
  /** Server-assigned id; the agent's at-most-once journal is keyed by it. */
  id: string;
  name: N;
  args: CommandArgs[N];
  /** The session's current directory (absolute). */
  cwd: string;
  /** Hard limit for the whole command, after which it is aborted. */
  timeout_ms: number;
}

/** Stable error codes, shared by every agent and mapped by the dialects. */
export type CommandErrorCode =
  | 'not_found'
  | 'permission_denied'
  | 'already_exists'
  | 'not_a_directory'
  | 'is_a_directory'
  | 'invalid_argument'
  | 'not_supported'
  | 'timeout'
  | 'too_large'
  | 'transfer_failed'
  | 'failed';

export interface CommandSuccess {
  ok: true;
  /** Structured result; shape depends on the command (see the executor's docs). */
  data: Record<string, unknown>;
  /** Directory the session is in after the command (cd changes it). */
  cwd: string;
}

export interface CommandFailure {
  ok: false;
  error: { code: CommandErrorCode; message: string };
  cwd: string;
}

export type CommandResult = CommandSuccess | CommandFailure;

/** How an executor moves file bytes; implemented over HTTP streaming by the agent's transport. */
export interface FileTransfers {
  /** Stream a local file to the server's blob store; resolves to what the server stored. */
  upload(localPath: string, commandId: string): Promise<{ sha256: string; size: number }>;
  /** Stream a blob from the server into `destPath` (written atomically). */
  download(sha256: string, destPath: string, commandId: string): Promise<{ size: number }>;
}

export interface ExecutionContext {
  transfers: FileTransfers;
  signal: AbortSignal;
  /**
   * Asks the server for a token to upload a file of `size` bytes for this command (a command's
   * whole output); `transfers.upload` then finds it. Absent when the agent cannot ask (simulator).
   */
  requestUpload?(size: number): Promise<void>;
}

/** Something that runs commands: the real OS, or a simulated host. */
export interface Executor {
  readonly platform: Platform;
  execute(req: CommandRequest, ctx: ExecutionContext): Promise<CommandResult>;
  /** Host facts reported on connect and whenever they change. */
  inventory(): Promise<Inventory>;
  /**
   * Isolate the host from the network but for the server (at `serverUrl`) and the allow-list, or
   * lift that; rejects with the reason it cannot. Absent: this agent cannot contain at all.
   */
  containment?(order: ContainmentOrder, serverUrl: string): Promise<void>;
}

export interface Inventory {
  hostname: string;
  platform: Platform;
  os_version: string;
  os_product_name: string;
  os_build: string;
  kernel_version: string;
  agent_version: string;
  local_ip: string;
  mac_address: string;
  machine_domain: string;
  system_manufacturer: string;
  system_product_name: string;
  cpu_vendor: string;
  pointer_size: string;
  /** Logins from the OS's own records; absent where the agent cannot read them. */
  logins?: LoginRecord[];
  chassis_type?: string;
  chassis_type_desc?: string;
  product_type?: string;
  product_type_desc?: string;
  last_reboot?: string;
  /** The agent's clock when it made this report. */
  agent_local_time?: string;
  host_utc_offset?: string;
  bios_manufacturer?: string;
  bios_version?: string;
  serial_number?: string;
  /** Windows, domain-joined: organizational units (innermost first) and AD site; see windows-directory.ts. */
  ou?: string[];
  site_name?: string;
  interfaces: { name: string; ip: string; mac: string }[];
  /** Tags the agent asks to carry (simulated agents add `SimulatedHost`). */
  tags: string[];
}
