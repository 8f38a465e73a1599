import path from 'node:path';
import type { CommandContext, Handler, HandlerTable, Settings } from './context.ts';
import { encrypt, filehash } from './crypto-commands.ts';
import { CommandError, describeError, invalidArgument } from './errors.ts';
import { eventlog } from './eventlog.ts';
import { guardPaths } from './guard-paths.ts';
import { hostPlatform } from './host-platform.ts';
import { ProtectedPaths } from './protected-paths.ts';
import { cat, cd, cp, ls, mkdir, mv, pwd, rm } from './fs-commands.ts';
import { collectInventory } from './inventory.ts';
import type { LoginSources } from '../logins/index.ts';
import { Containment, type ContainmentOrder } from '../containment/index.ts';
import { memdump, xmemdump } from './memdump.ts';
import { ipconfig, netstat } from './network-commands.ts';
import { restart, shutdown } from './power.ts';
import { kill, ps } from './process-commands.ts';
import { run, runscript } from './script-commands.ts';
import { env, getsid, mount } from './system-commands.ts';
import { get, put } from './transfer-commands.ts';
import type { CommandName, CommandRequest, CommandResult, ExecutionContext, Executor, Inventory, Platform } from './types.ts';
import { update } from './update.ts';
import { map, reg, unmap } from './windows-commands.ts';
import { zip } from './zip.ts';

/** Each command's `data` shape is documented at the top of the file that implements it. */
const HANDLERS: HandlerTable = {
  ls, cd, pwd, cat, cp, mv, rm, mkdir, ps, kill, netstat, ipconfig, env, filehash, getsid, mount, eventlog, zip,
  encrypt, get, put, run, runscript, memdump, xmemdump, restart, shutdown, update, reg, map, unmap,
};

export interface OsExecutorOptions {
  agentVersion: string;
  /** Permit restart/shutdown (default false). */
  allowPower?: boolean;
  /** Cap for each of stdout/stderr of run/runscript (default 4 MiB). */
  maxOutputBytes?: number;
  /** Largest whole stdout of run/runscript delivered as a file when it passes the cap (default 1 GiB). */
  fullOutputMaxBytes?: number;
  /** Cap for cat (default 1 MiB). */
  catMaxBytes?: number;
  /** Cap for ls entries (default 20,000). */
  lsMaxEntries?: number;
  /** Where dumps, exports and temporary scripts go (default: a directory under os.tmpdir()). */
  stateDir?: string;
  /** Where login records are read (default: the OS's own; tests point at fixtures). */
  loginSources?: LoginSources;
  /** Where containment keeps its rules (default: stateDir); a protected directory, out of commands' reach. */
  containmentDir?: string;
  /** Paths no command may touch (riposte's own secrets); none by default. */
  protect?: ProtectedPaths;
  /** Values `env` never shows (the agent's secret, its enrollment token). */
  secretValues?: readonly string[];
}

/** setTimeout's ceiling; longer limits would fire immediately. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After the hard limit, how long a command gets to wind down (kill children, clean up) before we answer anyway. */
const ABANDON_AFTER_MS = 2_000;

/** Runs commands on the machine the agent runs on. */
export class OsExecutor implements Executor {
  readonly platform: Platform = hostPlatform();
  private readonly settings: Settings;
  private readonly loginSources?: LoginSources;
  /** nftables containment; its state lives in the state directory. */
  readonly containmentControl: Containment;
  private readonly protect: ProtectedPaths;

  constructor(options: OsExecutorOptions) {
    this.loginSources = options.loginSources;
    this.containmentControl = new Containment(this.platform, options.containmentDir ?? options.stateDir);
    this.settings = {
      agentVersion: options.agentVersion,
      allowPower: options.allowPower ?? false,
      maxOutputBytes: options.maxOutputBytes ?? 4 * 1024 * 1024,
      fullOutputMaxBytes: options.fullOutputMaxBytes ?? 1024 ** 3,
      catMaxBytes: options.catMaxBytes ?? 1024 * 1024,
      lsMaxEntries: options.lsMaxEntries ?? 20_000,
      stateDir: options.stateDir,
      secretValues: (options.secretValues ?? []).filter((v) => v.length > 0),
    };
    this.protect = options.protect ?? new ProtectedPaths({ roots: [] });
  }

  /** Never throws: every outcome, including bad requests and crashes, is a CommandResult. */
  async execute(req: CommandRequest, ctx: ExecutionContext): Promise<CommandResult> {
    const cwd = typeof req.cwd === 'string' ? path.resolve(req.cwd) : '';
    const limit = new AbortController();
    const signal = AbortSignal.any([ctx.signal, limit.signal]);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (typeof req.cwd !== 'string' || !path.isAbsolute(req.cwd)) throw invalidArgument('cwd must be an absolute path');
      if (typeof req.name !== 'string' || !Object.hasOwn(HANDLERS, req.name)) {
        throw invalidArgument(`unknown command: ${String(req.name)}`);
      }
      if (typeof req.timeout_ms !== 'number' || !(req.timeout_ms > 0)) throw invalidArgument('timeout_ms must be a positive number');
      const args: unknown = req.args ?? {};
      if (typeof args !== 'object' || Array.isArray(args)) throw invalidArgument('args must be an object');

      const timeoutMs = Math.min(req.timeout_ms, MAX_TIMER_MS);
      timer = setTimeout(() => limit.abort(new CommandError('timeout', `${req.name} timed out after ${timeoutMs} ms`)), timeoutMs);
      const commandCtx: CommandContext = {
        id: req.id,
        cwd,
        platform: this.platform,
        signal,
        timeoutMs,
        transfers: ctx.transfers,
        requestUpload: ctx.requestUpload?.bind(ctx),
        settings: this.settings,
      };
      await guardPaths(req.name, args as Record<string, unknown>, cwd, this.protect);
      const handler = HANDLERS[req.name] as Handler<CommandName>;
      const outcome = await settleOrAbandon(handler(args as Record<string, unknown>, commandCtx), signal);
      return { ok: true, data: outcome.data, cwd: outcome.cwd ?? cwd };
    } catch (err) {
      return { ok: false, error: describeError(err, signal), cwd };
    } finally {
      clearTimeout(timer);
    }
  }

  containment(order: ContainmentOrder, serverUrl: string): Promise<void> {
    return this.containmentControl.apply(order, serverUrl);
  }

  inventory(): Promise<Inventory> {
    return collectInventory(this.platform, this.settings.agentVersion, this.loginSources);
  }
}

/**
 * Waits for the command, but once the signal has fired gives it only a short grace period: a
 * command stuck in a system call (a hung NFS read, say) must not hold the session past its limit.
 */
function settleOrAbandon<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      grace = setTimeout(() => reject(signal.reason), ABANDON_AFTER_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(grace);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
