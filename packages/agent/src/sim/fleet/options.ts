// The fleet's options and the contract of a running fleet (see ../fleet.ts).

import type { Platform } from '../../commands/index.ts';
import type { AgentClient, AgentTls } from '../../transport/index.ts';
import type { SimulatedExecutor } from '../simulated-executor.ts';

export type FleetPlatform = Platform | 'mixed';

export const FLEET_PLATFORMS: readonly FleetPlatform[] = ['windows', 'linux', 'mac', 'mixed'];
export const DEFAULT_FLEET_SEED = 'riposte';
/** Enrollments, or first connections, in flight at once. */
export const DEFAULT_FLEET_CONCURRENCY = 150;

/** Indexes [first, end) of a fleet: the part one process runs. */
export interface FleetSlice {
  first: number;
  end: number;
}

export type FleetLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface FleetProgress {
  phase: 'enroll' | 'connect';
  done: number;
  total: number;
}

export interface FleetIdentityOptions {
  serverUrl: string;
  /** Needed only for hosts that have no identity yet. */
  enrollToken?: string;
  /** Fleet size: hosts 0…count-1. */
  count: number;
  platform?: FleetPlatform;
  /** The same seed, platform and index are the same host, run after run. */
  seed?: string | number;
  /** Where identities.json lives; without it identities last as long as the process. */
  stateDir?: string;
  /** Which hosts to enroll; default all of them. */
  slice?: FleetSlice;
  /** Enrollments in flight at once. */
  concurrency?: number;
  /**
   * Enroll host i from its own loopback address (127.x.y.z) when the server is on a 127.x
   * address (Linux): a real fleet enrolls from many addresses, and the server limits enrollments
   * per address, which would otherwise cap a one-machine fleet at a few hosts per second.
   * Default true; falls back to the ordinary address where the OS refuses.
   */
  spreadLoopback?: boolean;
  agentVersion?: string;
  onProgress?(p: FleetProgress): void;
  log?: FleetLog;
  /** CA to trust for an https:// server (see transport/tls.ts). */
  tls?: AgentTls;
}

export interface FleetOptions extends FleetIdentityOptions {
  /** Hosts without an identity are enrolled first unless this is false (worker processes). */
  enroll?: boolean;
  /** Simulated power actions: how long a restarting host stays offline. Default 5 s. */
  restartDelayMs?: number;
  /** Passed to every AgentClient. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * Told each time a host's executor starts a command, before it runs: a bench checks the
   * at-most-once rule against these counts (by command id), not against what the server says.
   */
  onExecute?(commandId: string, index: number): void;
}

/** One virtual host of the fleet. `client` and `executor` change when the host "restarts". */
export interface SimulatedAgent {
  readonly index: number;
  readonly platform: Platform;
  readonly deviceId: string;
  readonly client: AgentClient;
  readonly executor: SimulatedExecutor;
  /** Welcomed by the server and not disconnected since. */
  readonly connected: boolean;
}

export interface SimulatedFleet {
  readonly agents: readonly SimulatedAgent[];
  /** Agents connected right now. */
  readonly connected: number;
  /** Resolves once `n` agents (default all) are connected at the same time. */
  waitConnected(n?: number, timeoutMs?: number): Promise<void>;
  /** Disconnect every agent and stop reconnecting. */
  stop(): Promise<void>;
}
