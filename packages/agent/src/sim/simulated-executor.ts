// A virtual host behind the Executor interface: thousands of these run in one process for
// `riposte agent simulate`, so a fresh one holds only its identity and builds everything else on
// first use. Result `data` shapes match the real executor's (packages/agent/src/commands); where
// the simulation offers more (Windows updates, memdump on Windows, xmemdump), it keeps those shapes.

import type { ContainmentOrder } from '../containment/index.ts';
import { type CommandName, type CommandRequest, type CommandResult, type ExecutionContext, type Executor, type Inventory, type Platform, describeError, invalidArgument } from '../commands/index.ts';
import { kernelBuild } from './host-profile.ts';
import { interfaces } from './network.ts';
import { hash32 } from './prng.ts';
import { VirtualHost } from './virtual-host.ts';
import type { Call, Handler } from './commands/call.ts';
import { encrypt, filehash } from './commands/crypto-commands.ts';
import { eventlog } from './commands/eventlog.ts';
import { cat, cd, cp, ls, mkdir, mv, pwd, rm } from './commands/fs-commands.ts';
import { memdump, xmemdump } from './commands/memdump.ts';
import { ipconfig, isolatedConnections, netstat } from './commands/network-commands.ts';
import { restart, shutdown } from './commands/power.ts';
import { kill, ps } from './commands/process-commands.ts';
import { run, runscript } from './commands/script-commands.ts';
import { env, getsid, mount } from './commands/system-commands.ts';
import { get, put } from './commands/transfer-commands.ts';
import { update } from './commands/update.ts';
import { map, reg, unmap } from './commands/windows-commands.ts';
import { zip } from './commands/zip.ts';

export interface SimulatedExecutorOptions {
  /** Anything stable: the same seed (with the same platform and index) is the same host. */
  seed: number | string;
  platform: Platform;
  /** Position in a simulated fleet; makes hostname, IP and MAC unique across it. */
  index?: number;
  agentVersion?: string;
}

export const DEFAULT_AGENT_VERSION = '0.1.0';

const PLATFORMS: readonly Platform[] = ['windows', 'linux', 'mac'];

/** One handler a command, by family in ./commands/ as the real executor's are in ../commands/. */
const HANDLERS: Record<CommandName, Handler> = {
  ls, cd, pwd, cat, cp, mv, rm, mkdir, ps, kill, netstat, ipconfig, env, filehash, getsid, mount, eventlog, zip,
  encrypt, get, put, run, runscript, memdump, xmemdump, restart, shutdown, update, reg, map, unmap,
};

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
      const call: Call = { host, platform: this.platform, args: args as Call['args'], cwd, req, ctx };
      const data = await HANDLERS[req.name](call);
      if (req.name === 'netstat' && this.#contained) return { ok: true, data: isolatedConnections(data, host.profile.server_address), cwd: call.cwd };
      return { ok: true, data, cwd: call.cwd };
    } catch (err) {
      return { ok: false, error: describeError(err, isAborted(ctx) ? ctx.signal : undefined), cwd };
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

/**
 * Whether the command was aborted (cancelled or timed out). The agent client's context makes its signal
 * only when asked (an AbortSignal costs as much as an ls), and says `aborted` without making one.
 */
function isAborted(ctx: ExecutionContext & { readonly aborted?: boolean }): boolean {
  return typeof ctx.aborted === 'boolean' ? ctx.aborted : !!ctx.signal?.aborted;
}
