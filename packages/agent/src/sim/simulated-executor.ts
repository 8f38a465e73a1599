// A virtual host behind the Executor interface: thousands of these run in one process for
// `riposte agent simulate`, so a fresh one holds only its identity and builds everything else on
// first use. Result `data` shapes match the real executor's (packages/agent/src/commands); where
// the simulation offers more (Windows updates, memdump on Windows, xmemdump), it keeps those shapes.

import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainmentOrder } from '../containment/index.ts';
import type {
  CommandErrorCode, CommandName, CommandRequest, CommandResult, ExecutionContext, Executor, Inventory, Platform,
} from '../commands/types.ts';
import { int, oneOf, optBool, optInt, optStr, optStrOrEmpty, str, strArray, type Args } from './args.ts';
import { contentBytes, contentSize, digests, isText } from './content.ts';
import { CommandError, fail, invalidArgument, notSupported } from './errors.ts';
import { exportLog, listLogs, viewLog } from './event-logs.ts';
import { kernelBuild } from './host-profile.ts';
import { fullMemoryDump, processDump } from './memory-dumps.ts';
import { interfaces } from './network.ts';
import { hash32 } from './prng.ts';
import { findProgram } from './programs.ts';
import { interpretScript, type ScriptResult } from './script.ts';
import { agentEnvironment, mounts, parseGroup, parsePasswd, windowsAccounts } from './system-info.ts';
import { updateState } from './updates.ts';
import { fromStamp } from './virtual-fs.ts';
import { VirtualHost } from './virtual-host.ts';
import { buildZip } from './zip-writer.ts';

export interface SimulatedExecutorOptions {
  /** Anything stable: the same seed (with the same platform and index) is the same host. */
  seed: number | string;
  platform: Platform;
  /** Position in a simulated fleet; makes hostname, IP and MAC unique across it. */
  index?: number;
  agentVersion?: string;
}

export const DEFAULT_AGENT_VERSION = '0.1.0';
/** Largest file a simulated host keeps in memory (put, zip and encrypt outputs). */
export const MAX_VIRTUAL_FILE_BYTES = 16 * 1024 * 1024;
/** The real executor's defaults. */
const CAT_MAX_BYTES = 1024 * 1024;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
const DEFAULT_LOG_LINES = 100;

const PLATFORMS: readonly Platform[] = ['windows', 'linux', 'mac'];

interface Call {
  host: VirtualHost;
  platform: Platform;
  args: Args;
  /** The session directory; `cd` changes it. */
  cwd: string;
  req: CommandRequest;
  ctx: ExecutionContext;
}

type Data = Record<string, unknown>;
type Handler = (c: Call) => Data | Promise<Data>;

export class SimulatedExecutor implements Executor {
  readonly platform: Platform;
  // Only these four fields exist until the first command: everything else is derived from them.
  readonly #seed: number;
  readonly #index: number | undefined;
  readonly #agentVersion: string | undefined;
  #host: VirtualHost | undefined;
  #contained = false;

  constructor(options: SimulatedExecutorOptions) {
    if (!PLATFORMS.includes(options.platform)) throw new TypeError(`platform must be one of ${PLATFORMS.join(', ')}`);
    if (options.index !== undefined && !(Number.isSafeInteger(options.index) && options.index >= 0)) {
      throw new TypeError('index must be a non-negative integer');
    }
    this.platform = options.platform;
    this.#index = options.index;
    this.#agentVersion = options.agentVersion;
    this.#seed = hash32(`${String(options.seed)}|${options.platform}|${options.index ?? ''}`);
  }

  /** The simulated host name (builds the host's profile; dispose() drops it again). */
  get hostname(): string {
    return this.#vhost().profile.hostname;
  }

  /** Set once `restart` or `shutdown` ran; the simulator decides what that means. */
  get pendingPowerAction(): 'restart' | 'shutdown' | null {
    return this.#host?.pendingPower ?? null;
  }

  /**
   * Virtual containment: nothing is isolated (there is no real network), but the host's own
   * network commands show it: netstat lists only the connection to the server while contained.
   */
  async containment(order: ContainmentOrder): Promise<void> {
    this.#contained = order.action === 'contain';
  }

  /** Never throws: every outcome, including bad requests, is a CommandResult. */
  async execute(req: CommandRequest, ctx: ExecutionContext): Promise<CommandResult> {
    let cwd = '';
    try {
      const host = this.#vhost();
      const style = host.fs.style;
      if (typeof req.cwd !== 'string' || !style.isAbsolute(req.cwd)) throw invalidArgument('cwd must be an absolute path');
      cwd = style.resolve(style.root, req.cwd) ?? req.cwd;
      if (typeof req.name !== 'string' || !Object.hasOwn(HANDLERS, req.name)) throw invalidArgument(`unknown command: ${String(req.name)}`);
      const args: unknown = req.args ?? {};
      if (typeof args !== 'object' || Array.isArray(args)) throw invalidArgument('args must be an object');
      if (isAborted(ctx)) throw ctx.signal.reason;
      const call: Call = { host, platform: this.platform, args: args as Args, cwd, req, ctx };
      const data = await HANDLERS[req.name](call);
      if (req.name === 'netstat' && this.#contained) return { ok: true, data: isolatedConnections(data, host.profile.server_address), cwd: call.cwd };
      return { ok: true, data, cwd: call.cwd };
    } catch (err) {
      return { ok: false, error: describeError(err, ctx), cwd };
    }
  }

  async inventory(): Promise<Inventory> {
    const p = this.#vhost().profile;
    const nics = interfaces(p).slice(1); // without loopback, as the real agent reports
    return {
      hostname: p.hostname,
      platform: p.platform,
      os_version: p.os.version,
      os_product_name: p.os.product_name,
      os_build: kernelBuild(p),
      kernel_version: p.os.kernel,
      agent_version: p.agent_version,
      local_ip: p.nic.ipv4,
      mac_address: p.nic.mac,
      machine_domain: p.domain,
      system_manufacturer: p.hardware.manufacturer,
      system_product_name: p.hardware.model,
      cpu_vendor: p.hardware.cpu_vendor,
      pointer_size: '8',
      interfaces: nics.map((i) => ({ name: i.name, ip: i.addresses[0].address, mac: i.mac })),
      tags: ['SimulatedHost'],
    };
  }

  /** Drops every cache (regenerated from the seed on demand); changes made by commands are kept. */
  dispose(): void {
    // An unchanged host is entirely regenerable: forget it and go back to the bare identity.
    if (this.#host?.changed) this.#host.dispose();
    else this.#host = undefined;
  }

  #vhost(): VirtualHost {
    return (this.#host ??= new VirtualHost({
      seed: this.#seed,
      platform: this.platform,
      index: this.#index,
      agentVersion: this.#agentVersion ?? DEFAULT_AGENT_VERSION,
    }));
  }
}

const HANDLERS: Record<CommandName, Handler> = {
  // The host's kept listing, frozen: answered as it is (see VirtualFs.listing).
  ls: (c) => c.host.fs.listing(c.host.fs.resolve(c.cwd, optStr(c.args, 'path') ?? '.')),

  cd(c) {
    const dir = c.host.fs.requireDir(c.host.fs.resolve(c.cwd, str(c.args, 'path')));
    c.cwd = dir.path;
    return { cwd: dir.path };
  },

  pwd: (c) => ({ cwd: c.cwd }),

  cat(c) {
    const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, str(c.args, 'path')));
    const cap = Math.min(optInt(c.args, 'max_bytes', 1) ?? Infinity, CAT_MAX_BYTES);
    const size = contentSize(file.value.content);
    const truncated = size > cap;
    const bytes = contentBytes(file.value.content, cap);
    const textBytes = truncated ? bytes.subarray(0, utf8Boundary(bytes)) : bytes;
    const utf8 = isText(textBytes);
    return { path: file.path, size, truncated, encoding: utf8 ? 'utf8' : 'base64', content: utf8 ? textBytes.toString('utf8') : bytes.toString('base64') };
  },

  cp: (c) => transfer(c, false),
  mv: (c) => transfer(c, true),

  rm(c) {
    const target = c.host.fs.resolve(c.cwd, str(c.args, 'path'));
    const removed = c.host.fs.remove(target, optBool(c.args, 'recursive'), optBool(c.args, 'force'));
    return { path: removed ?? target };
  },

  mkdir(c) {
    return { path: c.host.fs.mkdir(c.host.fs.resolve(c.cwd, str(c.args, 'path')), optBool(c.args, 'parents')).path };
  },

  // Cached rows are copied out: a caller mutating a result must not change the host.
  ps: (c) => ({ processes: c.host.processes.list().map((p) => ({ ...p })) }),

  kill(c) {
    const pid = int(c.args, 'pid', 1, 2 ** 31 - 1);
    const signal = parseSignal(optStr(c.args, 'signal') ?? 'SIGKILL');
    const { processes } = c.host;
    if (pid === processes.agent().pid) throw invalidArgument('refusing to signal the agent itself');
    // Stopping or continuing leaves the process in the table; every other signal ends it.
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
      if (!processes.get(pid)) throw fail('not_found', `process ${pid} not found`);
    } else {
      processes.kill(pid);
    }
    return { pid, signal };
  },

  netstat: (c) => ({ connections: c.host.processes.connections().map((x) => ({ ...x })) }),

  ipconfig(c) {
    const p = c.host.profile;
    return { interfaces: interfaces(p), dns_servers: [...p.dns_servers], default_gateway: p.gateway };
  },

  env: (c) => ({ variables: agentEnvironment(c.host.profile) }),

  filehash(c) {
    const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, str(c.args, 'path')));
    return { path: file.path, size: contentSize(file.value.content), ...digests(file.value.content) };
  },

  getsid(c) {
    if (c.platform === 'windows') return { ...windowsAccounts(c.host.profile) };
    const text = (path: string) => {
      const e = c.host.fs.stat(path);
      return e?.value.kind === 'file' ? contentBytes(e.value.content).toString('utf8') : '';
    };
    return { users: parsePasswd(text('/etc/passwd')), groups: parseGroup(text('/etc/group')) };
  },

  mount: (c) => ({ mounts: mounts(c.host.profile, c.host.mappedDrives) }),

  eventlog(c) {
    const action = oneOf(c.args, 'action', ['list', 'view', 'export'] as const);
    if (action === 'list') return { logs: listLogs(c.host) };
    const name = str(c.args, 'name');
    if (action === 'view') return { name, ...viewLog(c.host, name, optInt(c.args, 'count', 1, 10_000) ?? DEFAULT_LOG_LINES) };
    const { content, extension } = exportLog(c.host, name);
    const file = c.host.fs.writeFile(outputPath(c, `eventlog-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${fileTimestamp()}.${extension}`), content, false);
    return { name, path: file.path, size: contentSize(content) };
  },

  zip(c) {
    const { fs } = c.host;
    const source = fs.require(fs.resolve(c.cwd, str(c.args, 'source'), 'source'));
    const destination = fs.resolve(c.cwd, str(c.args, 'destination'), 'destination');
    const base = fs.style.parent(source.path) ?? source.path;
    const member = (path: string) => path.slice(base.length).replace(/^[\\/]+/, '').split(fs.style.sep).join('/');
    const entries = source.value.kind === 'file' ? [source] : [source, ...fs.descendants(source.path)];
    if (entries.reduce((n, e) => n + (e.value.kind === 'file' ? contentSize(e.value.content) : 0), 0) >= MAX_VIRTUAL_FILE_BYTES) {
      throw tooLarge(source.path);
    }
    const members = entries.map((e) => e.value.kind === 'file'
      ? { name: member(e.path), data: contentBytes(e.value.content), mtime: fromStamp(e.value.mtime) }
      : { name: `${member(e.path)}/`, data: Buffer.alloc(0), mtime: fromStamp(e.value.mtime) });
    const archive = buildZip(members.filter((m) => m.name !== '/'));
    if (archive.length >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(destination);
    const written = fs.writeFile(destination, archive, false);
    const files = entries.filter((e) => e.value.kind === 'file').length;
    return { source: source.path, destination: written.path, size: archive.length, files, skipped: 0 };
  },

  encrypt(c) {
    const { fs } = c.host;
    const source = fs.requireFile(fs.resolve(c.cwd, str(c.args, 'path')));
    if (contentSize(source.value.content) >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(source.path);
    const given = optStr(c.args, 'key');
    const key = given === undefined ? crypto.randomBytes(32)
      : /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex')
      : crypto.createHash('sha256').update(given, 'utf8').digest();
    const iv = crypto.randomBytes(16);
    const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
    // The real agent's layout: IV, then AES-256-CBC ciphertext, next to the original as .encrypted.
    const output = Buffer.concat([iv, cipher.update(contentBytes(source.value.content)), cipher.final()]);
    const written = fs.writeFile(`${source.path}.encrypted`, output, false);
    return { path: source.path, output_path: written.path, algorithm: 'aes-256-cbc', key: key.toString('hex'), iv: iv.toString('hex'), size: output.length };
  },

  async get(c) {
    const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, str(c.args, 'path')));
    // FileTransfers uploads local files, so the virtual bytes pass through a private temp file.
    const tmp = nodePath.join(os.tmpdir(), `riposte-sim-${crypto.randomUUID()}`);
    await fsp.writeFile(tmp, contentBytes(file.value.content), { mode: 0o600 });
    try {
      const stored = await transferred(() => c.ctx.transfers.upload(tmp, c.req.id));
      return { path: file.path, name: c.host.fs.style.basename(file.path), size: stored.size, sha256: stored.sha256 };
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  },

  async put(c) {
    const { fs } = c.host;
    const sha256 = str(c.args, 'sha256').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalidArgument('sha256 must be 64 hex digits');
    const name = str(c.args, 'name');
    if (/[/\\]/.test(name) || name === '.' || name === '..') throw invalidArgument('name must be a plain file name');
    const declared = int(c.args, 'size', 0);
    const overwrite = optBool(c.args, 'overwrite');

    let dest = fs.resolve(c.cwd, optStr(c.args, 'destination') ?? name, 'destination');
    let existing = fs.stat(dest);
    if (existing?.value.kind === 'directory') {
      dest = fs.style.join(existing.path, name);
      existing = fs.stat(dest);
    }
    if (existing?.value.kind === 'directory') throw fail('is_a_directory', `${existing.path}: is a directory`);
    if (existing && !overwrite) throw fail('already_exists', `${existing.path}: already exists (set overwrite to replace it)`);
    fs.requireDir(fs.style.parent(dest) ?? dest); // missing parent: not_found naming the directory
    if (declared >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(dest);

    const tmp = nodePath.join(os.tmpdir(), `riposte-sim-${crypto.randomUUID()}`);
    try {
      await transferred(() => c.ctx.transfers.download(sha256, tmp, c.req.id));
      if ((await fsp.stat(tmp)).size >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(dest); // before reading it in
      const bytes = await fsp.readFile(tmp);
      if (crypto.createHash('sha256').update(bytes).digest('hex') !== sha256) throw fail('transfer_failed', 'transfer failed: downloaded bytes do not match sha256');
      const written = fs.writeFile(dest, bytes, overwrite);
      return { path: written.path, size: bytes.length, sha256 };
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  },

  async run(c) {
    const { fs, profile, processes } = c.host;
    const executable = str(c.args, 'executable');
    const argv = strArray(c.args, 'args');
    const wait = optBool(c.args, 'wait', true);
    const timeoutMs = effectiveTimeout(c);
    const workdir = optStr(c.args, 'working_directory');
    if (workdir !== undefined) fs.requireDir(fs.resolve(c.cwd, workdir, 'working_directory'));
    const isPath = /[\\/]/.test(executable);
    const path = isPath ? fs.resolve(c.cwd, executable, 'executable') : executable;
    const program = findProgram(c.platform, executable);
    // Unknown programs that exist on the virtual disk run and print nothing; others don't exist.
    if (!program && !(isPath && fs.stat(path)?.value.kind === 'file')) throw fail('not_found', `executable not found: ${executable}`);
    if (!wait) {
      const user = c.platform === 'windows' ? 'NT AUTHORITY\\SYSTEM' : 'root';
      const name = fs.style.basename(path);
      return { pid: processes.spawn(name, isPath ? path : '', [executable, ...argv].join(' '), user, processes.agent().pid).pid };
    }
    const result = program ? program(profile, argv, timeoutMs) : interpretScript('', c.platform === 'windows', timeoutMs);
    return finish(c, result);
  },

  async runscript(c) {
    const script = optStr(c.args, 'script');
    const hostPath = optStr(c.args, 'host_path');
    if ((script === undefined) === (hostPath === undefined)) throw invalidArgument('give exactly one of script or host_path');
    optStr(c.args, 'interpreter'); // any interpreter runs the same tiny dialect
    strArray(c.args, 'args');
    const text = script ?? contentBytes(c.host.fs.requireFile(c.host.fs.resolve(c.cwd, hostPath, 'host_path')).value.content).toString('utf8');
    return finish(c, interpretScript(text, c.platform === 'windows', effectiveTimeout(c)));
  },

  memdump(c) {
    if (c.platform === 'mac') throw notSupported('memdump', c.platform);
    const pid = int(c.args, 'pid', 1, 2 ** 31 - 1);
    const proc = c.host.processes.get(pid);
    if (!proc) throw fail('not_found', `process ${pid} not found`);
    const destination = optStr(c.args, 'destination');
    const path = destination ? c.host.fs.resolve(c.cwd, destination, 'destination') : outputPath(c, `memdump-${pid}-${fileTimestamp()}.dmp`);
    const { content, regions } = processDump(c.host.profile, proc, new Date().toISOString());
    const written = c.host.fs.writeFile(path, content, false);
    return { pid, path: written.path, size: content.size, regions, sha256: digests(content).sha256 };
  },

  xmemdump(c) {
    if (c.platform !== 'windows') throw fail('not_supported', `xmemdump (full system memory dump) is not supported on ${c.platform}`);
    const destination = optStr(c.args, 'destination');
    const path = destination ? c.host.fs.resolve(c.cwd, destination, 'destination') : outputPath(c, `xmemdump-${fileTimestamp()}.dmp`);
    const content = fullMemoryDump(c.host.profile, new Date().toISOString());
    const written = c.host.fs.writeFile(path, content, false);
    return { path: written.path, size: content.size };
  },

  restart: (c) => power(c, 'restart'),
  shutdown: (c) => power(c, 'shutdown'),

  update(c) {
    const action = oneOf(c.args, 'action', ['list', 'history', 'install', 'query'] as const);
    const { profile, installedUpdates } = c.host;
    const state = updateState(profile, installedUpdates);
    if (c.platform === 'linux') {
      // As the real agent: apt/dnf lists and the apt history, nothing else.
      if (action === 'install' || action === 'query') throw fail('not_supported', `update ${action} is not supported on linux (use run with the package manager)`);
      if (action === 'history' && !state.history_source) throw fail('not_supported', 'update history needs /var/log/apt/history.log or /var/log/dpkg.log, and neither is readable');
    }
    if (action === 'list') return { manager: state.manager, updates: state.pending };
    if (action === 'history') return { source: state.history_source, entries: state.history };
    const id = str(c.args, 'id');
    const pending = state.pending.find((u) => u.name.toLowerCase() === id.toLowerCase());
    const installed = state.history.find((h) => h.name.toLowerCase() === id.toLowerCase());
    if (!pending && !installed) throw fail('not_found', `update ${id} not found`);
    if (action === 'query') {
      return { name: pending?.name ?? installed!.name, installed: !pending, installed_on: pending ? null : installed!.date, reboot_required: pending?.reboot_required ?? false };
    }
    if (!pending) throw fail('already_exists', `update ${installed!.name} is already installed`);
    (c.host.installedUpdates ??= new Map()).set(pending.name, Date.now());
    return { name: pending.name, installed: true, reboot_required: pending.reboot_required };
  },

  reg(c) {
    requireWindows(c, 'reg');
    const action = oneOf(c.args, 'action', ['query', 'create', 'set', 'delete', 'load', 'unload'] as const);
    const registry = c.host.registry;
    const key = registry.normalise(c.args.key);
    const value = optStrOrEmpty(c.args, 'value');
    switch (action) {
      case 'query': {
        const found = registry.query(key, value);
        return { ...found, values: found.values.map((v) => ({ ...v })) };
      }
      case 'create':
        return { action, key: registry.create(key).key };
      case 'set': {
        const set = registry.set(key, value, optStr(c.args, 'type'), typeof c.args.data === 'string' ? c.args.data : '');
        return { action, key: set.key, value: value ?? '', type: set.value.type, data: set.value.data };
      }
      case 'delete':
        return { action, key: registry.delete(key, value).key, value: value ?? null };
      case 'load': {
        const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, str(c.args, 'data'), 'data'));
        return { action, key: registry.load(key, file.path).key, file: file.path };
      }
      case 'unload':
        return { action, key: registry.unload(key).key };
    }
  },

  map(c) {
    requireWindows(c, 'map');
    const drive = driveLetter(str(c.args, 'drive'));
    const share = str(c.args, 'path');
    if (!/^\\\\[^\\]+\\[^\\]+/.test(share)) throw invalidArgument('path must be a network share such as \\\\server\\share');
    if (drive === 'C:' || c.host.mappedDrives?.has(drive)) throw fail('already_exists', `${drive}: the local device name is already in use`);
    (c.host.mappedDrives ??= new Map()).set(drive, share);
    c.host.fs.addRoot(`${drive}\\`);
    return { drive, path: share };
  },

  unmap(c) {
    requireWindows(c, 'unmap');
    const drive = driveLetter(str(c.args, 'drive'));
    const share = c.host.mappedDrives?.get(drive);
    if (share === undefined) throw fail('not_found', `${drive}: the network connection could not be found`);
    c.host.mappedDrives!.delete(drive);
    c.host.fs.removeRoot(`${drive}\\`);
    return { drive, path: share };
  },
};

function transfer(c: Call, move: boolean): Data {
  const { fs } = c.host;
  return fs.transfer(fs.resolve(c.cwd, str(c.args, 'source'), 'source'), fs.resolve(c.cwd, str(c.args, 'destination'), 'destination'), move);
}

/** restart/shutdown only mark the host: the real agent's data plus `scheduled`. */
function power(c: Call, action: 'restart' | 'shutdown'): Data {
  c.host.pendingPower = action;
  const command = c.platform === 'windows' ? `shutdown ${action === 'restart' ? '/r' : '/s'} /t 0` : `shutdown ${action === 'restart' ? '-r' : '-h'} now`;
  return { action, command, scheduled: true };
}

/** Waits out the script's simulated run time (abortable), then shapes its outcome like run's. */
async function finish(c: Call, r: ScriptResult): Promise<Data> {
  if (r.elapsed_ms > 0) await sleep(r.elapsed_ms, undefined, { signal: c.ctx.signal });
  const [stdout, cutOut] = cap(r.stdout);
  const [stderr, cutErr] = cap(r.stderr);
  return {
    pid: c.host.processes.allocatePid(),
    exit_code: r.exit_code,
    signal: r.timed_out ? 'SIGKILL' : null,
    stdout,
    stderr,
    timed_out: r.timed_out,
    truncated: cutOut || cutErr,
  };
}

function cap(text: string): [string, boolean] {
  const bytes = Buffer.from(text);
  return bytes.length > MAX_OUTPUT_BYTES ? [bytes.subarray(0, MAX_OUTPUT_BYTES).toString('utf8'), true] : [text, false];
}

/** A per-command timeout never outlives the request's hard limit. */
function effectiveTimeout(c: Call): number {
  const limit = typeof c.req.timeout_ms === 'number' && c.req.timeout_ms > 0 ? c.req.timeout_ms : Infinity;
  return Math.min(optInt(c.args, 'timeout_ms', 1) ?? Infinity, limit);
}

/** A file in the agent's output directory (os.tmpdir()/riposte-agent, as the real agent), created on demand. */
function outputPath(c: Call, name: string): string {
  const { fs } = c.host;
  const dir = fs.mkdir(c.platform === 'windows' ? 'C:\\Windows\\Temp\\riposte-agent' : '/tmp/riposte-agent', true);
  return fs.style.join(dir.path, name);
}

/** A timestamp safe in file names: 20240131T120000Z. */
function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Accepts `SIGTERM`, `term`, `TERM` or a number such as `9`; returns the canonical name. */
function parseSignal(raw: string): string {
  const signals = os.constants.signals as Record<string, number>;
  if (/^\d+$/.test(raw)) {
    const name = Object.keys(signals).find((k) => signals[k] === Number(raw));
    if (name) return name;
  }
  const name = raw.toUpperCase().startsWith('SIG') ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`;
  if (!(name in signals)) throw invalidArgument(`unknown signal: ${raw}`);
  return name;
}

function driveLetter(raw: string): string {
  if (!/^[A-Za-z]:?$/.test(raw)) throw invalidArgument('drive must be a drive letter such as Z:');
  return `${raw[0].toUpperCase()}:`;
}

function requireWindows(c: Call, what: string): void {
  if (c.platform !== 'windows') throw notSupported(what, c.platform);
}

const tooLarge = (path: string) => fail('too_large', `${path}: over the simulated host's ${MAX_VIRTUAL_FILE_BYTES / 1024 / 1024} MiB file limit`);

/** Transport failures are transfer_failed; our own errors keep their codes. */
async function transferred<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw fail('transfer_failed', `transfer failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Whether the command was aborted (cancelled or timed out). The agent client's context makes its signal
 * only when asked (an AbortSignal costs as much as an ls), and says `aborted` without making one.
 */
function isAborted(ctx: ExecutionContext & { readonly aborted?: boolean }): boolean {
  return typeof ctx.aborted === 'boolean' ? ctx.aborted : !!ctx.signal?.aborted;
}

function describeError(err: unknown, ctx: ExecutionContext | undefined): { code: CommandErrorCode; message: string } {
  if (err instanceof CommandError) return { code: err.code, message: err.message };
  if (ctx && isAborted(ctx)) {
    const reason = ctx.signal.reason as { name?: string; code?: string; message?: string } | undefined;
    if (reason?.name === 'TimeoutError' || reason?.code === 'timeout') return { code: 'timeout', message: 'command timed out' };
    return { code: 'failed', message: 'command was cancelled' };
  }
  return { code: 'failed', message: err instanceof Error ? err.message : String(err) };
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence (a cap can cut a character in half). */
function utf8Boundary(buf: Buffer): number {
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}


/** A contained host's sockets: only those to the server survive the isolation. */
function isolatedConnections(data: Record<string, unknown>, server: string): Record<string, unknown> {
  const connections = (data.connections as { remote_address: string }[]).filter((c) => c.remote_address === server);
  return { ...data, connections };
}
