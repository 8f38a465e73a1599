import type { Capability } from '../guard/index.ts';
import type { RtrPlatform } from '../rtr/index.ts';
import { badRequest } from '../util/errors.ts';
import type { CbCommandInput, CbFile } from './index.ts';

/**
 * The vendor's 15 live response commands and how each maps onto an internal command: the RBAC
 * grant it needs, the response-policy capability it is judged as (so the guard names the Falcon
 * setting that refuses it), the fields it requires, and the agent command it becomes.
 */
export interface CbCommandSpec {
  grant: string;
  capability: Capability;
  /** Registry commands exist on Windows only (the vendor lists 9 commands for Linux and macOS). */
  windowsOnly?: boolean;
  /** Fields the body must carry. */
  requires: readonly ('path' | 'pid' | 'file_id')[];
  timeoutMs: number;
  /** The internal command. `file` is the uploaded file a put file names. */
  build(input: CbCommandInput, platform: RtrPlatform, file?: CbFile): { name: string; args: Record<string, unknown> };
}

const SHORT_MS = 60_000;
const LONG_MS = 30 * 60_000;

/** `HKLM\Software\Key\Value` → key and value name. */
function splitRegistryPath(path: string): { key: string; value: string } {
  const at = path.lastIndexOf('\\');
  if (at <= 0 || at === path.length - 1) throw badRequest(`path "${path.slice(0, 200)}" must be a registry key followed by \\ and a value name`);
  return { key: path.slice(0, at), value: path.slice(at + 1) };
}

function baseName(path: string): string {
  const name = path.split(/[\\/]/).filter(Boolean).pop() ?? '';
  if (!name || name === '.' || name === '..') throw badRequest(`path "${path.slice(0, 200)}" must end with a file name`);
  return name;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `create process` takes a command line, as the vendor's Windows sensor passes it to
 * CreateProcess; here it goes to the platform's command interpreter (sh -c, cmd.exe /c), which also
 * redirects its output into `output_file` when one is asked for.
 */
function processCommand(input: CbCommandInput, platform: RtrPlatform): { name: string; args: Record<string, unknown> } {
  const line = input.path!;
  const out = input.output_file;
  const wait = input.wait ?? false;
  const args: Record<string, unknown> = { wait };
  if (input.working_directory) args.working_directory = input.working_directory;
  if (platform === 'windows') {
    const redirected = out ? `(${line}) > "${out.replace(/"/g, '')}" 2>&1` : line;
    return { name: 'run', args: { ...args, executable: 'cmd.exe', args: ['/c', redirected] } };
  }
  // A group, so that the output of every command of the line lands in the file.
  const redirected = out ? `{ ${line}\n} > ${shellQuote(out)} 2>&1` : line;
  return { name: 'run', args: { ...args, executable: '/bin/sh', args: ['-c', redirected] } };
}

function registryData(input: CbCommandInput): string {
  const d = input.value_data;
  if (d === undefined) return '';
  // reg.exe takes REG_MULTI_SZ items separated by \0.
  return Array.isArray(d) ? d.join('\\0') : String(d);
}

/** A registry command: Windows only, on the key (or key\value) its path names, judged as an ordinary command. */
function registryCommand(operation: 'READ' | 'CREATE' | 'UPDATE' | 'DELETE', build: CbCommandSpec['build']): CbCommandSpec {
  return { grant: `org.liveresponse.registry:${operation}`, capability: 'command', windowsOnly: true, requires: ['path'], timeoutMs: SHORT_MS, build };
}

export const CB_COMMANDS: Readonly<Record<string, CbCommandSpec>> = {
  'directory list': { grant: 'org.liveresponse.file:READ', capability: 'command', requires: ['path'], timeoutMs: SHORT_MS, build: (i) => ({ name: 'ls', args: { path: i.path!.replace(/[\\/]\*$/, '') || i.path! } }) },
  'process list': { grant: 'org.liveresponse.process:READ', capability: 'command', requires: [], timeoutMs: SHORT_MS, build: () => ({ name: 'ps', args: {} }) },
  'create process': { grant: 'org.liveresponse.process:EXECUTE', capability: 'run', requires: ['path'], timeoutMs: LONG_MS, build: processCommand },
  kill: { grant: 'org.liveresponse.process:DELETE', capability: 'command', requires: ['pid'], timeoutMs: SHORT_MS, build: (i) => ({ name: 'kill', args: { pid: i.pid } }) },
  'delete file': { grant: 'org.liveresponse.file:DELETE', capability: 'command', requires: ['path'], timeoutMs: SHORT_MS, build: (i) => ({ name: 'rm', args: { path: i.path } }) },
  'get file': { grant: 'org.liveresponse.file:READ', capability: 'get', requires: ['path'], timeoutMs: LONG_MS, build: (i) => ({ name: 'get', args: { path: i.path } }) },
  'put file': {
    grant: 'org.liveresponse.file:CREATE',
    capability: 'put',
    requires: ['path', 'file_id'],
    timeoutMs: LONG_MS,
    // A path ending in a separator names a directory: the file keeps its upload name there.
    build: (i, _p, f) => ({ name: 'put', args: { sha256: f!.sha256, size: f!.size, name: /[\\/]$/.test(i.path!) ? f!.file_name : baseName(i.path!), destination: i.path } }),
  },
  'create directory': { grant: 'org.liveresponse.file:CREATE', capability: 'command', requires: ['path'], timeoutMs: SHORT_MS, build: (i) => ({ name: 'mkdir', args: { path: i.path } }) },
  'reg enum key': registryCommand('READ', (i) => ({ name: 'reg', args: { action: 'query', key: i.path } })),
  'reg query value': registryCommand('READ', (i) => ({ name: 'reg', args: { action: 'query', ...splitRegistryPath(i.path!) } })),
  'reg create key': registryCommand('CREATE', (i) => ({ name: 'reg', args: { action: 'create', key: i.path } })),
  'reg delete key': registryCommand('DELETE', (i) => ({ name: 'reg', args: { action: 'delete', key: i.path } })),
  'reg set value': registryCommand('UPDATE', (i) => {
    // reg.exe replaces a value unconditionally; refusing is better than overwriting against the caller's word.
    if (i.overwrite === false) throw badRequest('overwrite: false is not supported; a value is always replaced');
    return { name: 'reg', args: { action: 'set', ...splitRegistryPath(i.path!), type: i.value_type ?? 'REG_SZ', data: registryData(i) } };
  }),
  'reg delete value': registryCommand('DELETE', (i) => ({ name: 'reg', args: { action: 'delete', ...splitRegistryPath(i.path!) } })),
  // A full memory dump of the device (Falcon's xmemdump), judged by MemDumpCommand.
  memdump: { grant: 'org.liveresponse.memdump:READ', capability: 'memdump', requires: ['path'], timeoutMs: LONG_MS, build: (i) => ({ name: 'xmemdump', args: { path: i.path, compress: i.compress ?? false } }) },
};

/** The commands a session on `platform` lists in `supported_commands`. */
export function supportedCommands(platform: RtrPlatform): string[] {
  return Object.entries(CB_COMMANDS)
    .filter(([, s]) => platform === 'windows' || !s.windowsOnly)
    .map(([name]) => name);
}

/** The command's spec, or a 400 naming the commands there are. */
export function commandSpec(name: string): CbCommandSpec {
  const spec = Object.hasOwn(CB_COMMANDS, name) ? CB_COMMANDS[name] : undefined;
  if (!spec) throw badRequest(`unknown command "${name.slice(0, 64)}"; commands are: ${Object.keys(CB_COMMANDS).join(', ')}`);
  return spec;
}
