import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

/**
 * What each command's successful result carries (`result.data` of a `result` frame), one schema
 * per result kind. An agent is untrusted: every field the server or a dialect reads is typed and
 * bounded here, and a result that does not fit is stored as the command's error instead. Fields
 * not listed are let through (a newer agent may add some) within the frame's depth and size
 * bounds. A new field is one line in its kind below.
 */

/** Deepest nesting of objects and arrays in a whole frame (a result's data sits three levels in). */
export const MAX_FRAME_DEPTH = 16;
/** Longest path an agent may report (Windows extended paths reach 32,767 characters). */
export const MAX_RESULT_PATH = 32_768;

const Path = Type.String({ maxLength: MAX_RESULT_PATH });
const Name = Type.String({ maxLength: 4096 });
const Short = Type.String({ maxLength: 256 });
const Text = Type.String();
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Count = Size;
const Pid = Type.Integer({ minimum: 0, maximum: 2 ** 32 });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Md5 = Type.String({ pattern: '^[0-9a-f]{32}$' });
const Time = Type.String({ maxLength: 64 });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Obj = <P extends Record<string, TSchema>>(props: P, optional: (keyof P)[] = []) =>
  Type.Object(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, optional.includes(k) ? Type.Optional(v) : v])) as P, {
    additionalProperties: true,
  });

const FileEntry = Obj({ name: Name, path: Path, type: Short, size: Size, mode: Short, mtime: Time, atime: Time, ctime: Time, birthtime: Time });
const ProcessInfo = Obj({
  pid: Pid, ppid: Pid, name: Name, path: Path, command_line: Text, user: Short, start_time: Time,
  cpu_percent: Type.Number({ minimum: 0 }), memory_bytes: Size,
});
const ProcessOutcome = Obj(
  { pid: Pid, exit_code: Nullable(Type.Integer()), signal: Nullable(Short), stdout: Text, stderr: Text, timed_out: Type.Boolean(), truncated: Type.Boolean() },
  ['pid', 'exit_code', 'signal', 'stdout', 'stderr', 'timed_out', 'truncated'],
);
const SourceDestination = Obj({ source: Path, destination: Path });
const JustPath = Obj({ path: Path });
const Cwd = Obj({ cwd: Path });

/** Result data by command name (the internal vocabulary both dialects translate into). */
export const RESULT_DATA_SCHEMAS: Record<string, TSchema> = {
  ls: Obj({ path: Path, entries: Type.Array(FileEntry) }),
  cd: Cwd,
  pwd: Cwd,
  cat: Obj({ path: Path, size: Size, truncated: Type.Boolean(), encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]), content: Text }),
  cp: SourceDestination,
  mv: SourceDestination,
  rm: JustPath,
  mkdir: JustPath,
  ps: Obj({ processes: Type.Array(ProcessInfo) }),
  kill: Obj({ pid: Pid, signal: Short }),
  netstat: Obj({
    connections: Type.Array(
      Obj({
        protocol: Short, local_address: Short, local_port: Nullable(Type.Integer({ minimum: 0, maximum: 65535 })), remote_address: Short,
        remote_port: Nullable(Type.Integer({ minimum: 0, maximum: 65535 })), state: Short, pid: Nullable(Pid), process_name: Name,
      }),
    ),
  }),
  ipconfig: Obj({
    interfaces: Type.Array(Obj({ name: Name, mac: Short, addresses: Type.Array(Obj({ family: Short, address: Short, netmask: Short, cidr: Nullable(Short) })) })),
    dns_servers: Type.Array(Short),
    default_gateway: Short,
  }),
  env: Obj({ variables: Type.Record(Type.String(), Text) }),
  filehash: Obj({ path: Path, size: Size, md5: Md5, sha256: Sha256 }),
  getsid: Obj({
    users: Type.Array(Obj({ name: Name, uid: Nullable(Type.Integer()), gid: Nullable(Type.Integer()), home: Path, shell: Path, sid: Nullable(Short) })),
    groups: Type.Array(Obj({ name: Name, gid: Nullable(Type.Integer()), members: Type.Array(Name), sid: Nullable(Short) })),
  }),
  mount: Obj({ mounts: Type.Array(Obj({ device: Path, mount_point: Path, fs_type: Short, options: Text })) }),
  // list, view and export answer differently: each field is checked where present.
  eventlog: Obj(
    {
      logs: Type.Array(Obj({ name: Name, source: Short, path: Nullable(Path), size: Nullable(Size) })),
      name: Name, lines: Type.Array(Text), truncated: Type.Boolean(), path: Path, size: Size,
    },
    ['logs', 'name', 'lines', 'truncated', 'path', 'size'],
  ),
  zip: Obj({ source: Path, destination: Path, size: Size, files: Count, skipped: Count }),
  encrypt: Obj({ path: Path, output_path: Path, algorithm: Short, key: Type.String({ pattern: '^[0-9a-f]{64}$' }), iv: Type.String({ pattern: '^[0-9a-f]{32}$' }), size: Size }),
  // What the server stored is read from the transfer, never from these; they are shown as text.
  get: Obj({ path: Path, name: Name, size: Size, sha256: Sha256 }),
  put: Obj({ path: Path, size: Size, sha256: Sha256 }),
  run: ProcessOutcome,
  runscript: ProcessOutcome,
  memdump: Obj({ pid: Pid, path: Path, size: Size, regions: Count, sha256: Sha256 }),
  xmemdump: Obj({ path: Path, size: Size }, ['path', 'size']),
  restart: Obj({ action: Short, command: Text, scheduled: Type.Boolean() }, ['action', 'command', 'scheduled']),
  shutdown: Obj({ action: Short, command: Text, scheduled: Type.Boolean() }, ['action', 'command', 'scheduled']),
  update: Obj(
    {
      manager: Short, updates: Type.Array(Obj({ name: Name, version: Short, current_version: Short, arch: Short, source: Name })),
      source: Path, entries: Type.Array(Obj({ date: Time, action: Short, name: Name, version: Short, previous_version: Short, command_line: Text })),
      name: Name, installed: Type.Boolean(), reboot_required: Type.Boolean(),
    },
    ['manager', 'updates', 'source', 'entries', 'name', 'installed', 'reboot_required'],
  ),
  reg: Obj(
    {
      action: Short, key: Path, value: Nullable(Name), type: Short, file: Path, subkeys: Type.Array(Path),
      values: Type.Array(Obj({ name: Name, type: Short, data: Type.Union([Text, Type.Number(), Type.Array(Text)]) })),
    },
    ['action', 'value', 'type', 'file', 'subkeys', 'values'],
  ),
  map: Obj({ drive: Short, path: Path }),
  unmap: Obj({ drive: Short }, ['drive']),
};

/** Any other command (a newer vocabulary than this server's): bounded only by the frame's depth and size. */
const ANY_DATA = Type.Record(Type.String(), Type.Unknown());

const compiled = new Map<string, TypeCheck<TSchema>>();
const checkerFor = (name: string): TypeCheck<TSchema> => {
  let check = compiled.get(name);
  if (!check) compiled.set(name, (check = TypeCompiler.Compile(RESULT_DATA_SCHEMAS[name] ?? ANY_DATA)));
  return check;
};

/**
 * Why a command's result data is not what its kind allows, in one line naming the field; undefined
 * when it is fine.
 */
export function resultDataProblem(name: string, data: unknown): string | undefined {
  const check = checkerFor(Object.hasOwn(RESULT_DATA_SCHEMAS, name) ? name : '');
  if (check.Check(data)) return undefined;
  const first = check.Errors(data).First();
  return first ? `${first.path || '/'}: ${first.message}` : 'invalid result data';
}

/**
 * Whether a JSON text nests objects and arrays deeper than `max`. Read byte by byte without
 * parsing, and stopped at the first level too deep, so a frame nested 10,000 levels costs little
 * and never reaches JSON.parse or JSON.stringify.
 */
export function jsonDeeperThan(text: Buffer, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const b = text[i];
    if (b === 0x22) {
      // Skip the string at native speed: to the next quote not escaped by an odd run of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf(0x22, end + 1);
        if (end < 0) return false; // unterminated: JSON.parse refuses it
        let backslashes = 0;
        while (text[end - 1 - backslashes] === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
    } else if (b === 0x7b || b === 0x5b) {
      if (++depth > max) return true;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return false;
}
