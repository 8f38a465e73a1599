// A simulated fleet: thousands of virtual hosts in one process, each a real agent on the wire (its
// own enrolled identity, its own WebSocket through AgentClient, an at-most-once MemoryJournal)
// whose commands run on a SimulatedExecutor. `riposte agent simulate` drives this; tests and
// benches use it directly.
//
// What keeps 10,000 of them cheap: an idle SimulatedExecutor is its seed (the host is built on the
// first command), no inventory timer, one shared HTTP agent for file transfers, and bounded
// concurrency for enrollment and connection so the server sees a steady stream, not a herd.

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Inventory, Platform } from '../commands/types.ts';
import { AgentClient } from '../transport/agent-client.ts';
import { HttpFileTransfers } from '../transport/http-transfers.ts';
import { postJson, type AgentIdentity } from '../transport/identity.ts';
import { MemoryJournal } from '../transport/journal.ts';
import { httpsAgent, tlsRequestOptions, type AgentTls } from '../transport/tls.ts';
import { SimulatedExecutor } from './simulated-executor.ts';

export type FleetPlatform = Platform | 'mixed';

export const FLEET_PLATFORMS: readonly FleetPlatform[] = ['windows', 'linux', 'mac', 'mixed'];
export const DEFAULT_FLEET_SEED = 'riposte';
/** Enrollments, or first connections, in flight at once. */
export const DEFAULT_FLEET_CONCURRENCY = 150;
export const IDENTITIES_FILE = 'identities.json';

const MIXED: readonly Platform[] = ['windows', 'linux', 'mac'];

/** The platform of host `index` in a fleet: a mixed fleet cycles Windows, Linux, Mac. */
export function fleetPlatformAt(platform: FleetPlatform, index: number): Platform {
  return platform === 'mixed' ? MIXED[index % MIXED.length] : platform;
}

/** Indexes [first, end) of a fleet: the part one process runs. */
export interface FleetSlice {
  first: number;
  end: number;
}

/** Split `count` hosts into `parts` contiguous slices of (nearly) equal size. */
export function splitFleet(count: number, parts: number): FleetSlice[] {
  const n = Math.max(1, Math.min(parts, count));
  const out: FleetSlice[] = [];
  for (let i = 0; i < n; i++) out.push({ first: Math.floor((count * i) / n), end: Math.floor((count * (i + 1)) / n) });
  return out;
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

// ---- identities ----

interface IdentitiesFile {
  version: 1;
  /** `seed/platform/index` → credentials. */
  agents: Record<string, { device_id: string; agent_secret: string }>;
}

export function fleetIdentityKey(seed: string | number, platform: Platform, index: number): string {
  return `${seed}/${platform}/${index}`;
}

/**
 * identities.json: the credentials of every simulated host enrolled from this state directory,
 * so that a re-run reconnects the same hosts instead of enrolling new ones. One writer at a time
 * (the process that enrolls); worker processes only read it.
 */
export class FleetIdentities {
  private data: IdentitiesFile = { version: 1, agents: {} };
  readonly file: string | undefined;

  constructor(stateDir?: string) {
    this.file = stateDir ? path.join(path.resolve(stateDir), IDENTITIES_FILE) : undefined;
    if (!this.file) return;
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const parsed = JSON.parse(text) as IdentitiesFile;
    if (parsed?.version !== 1 || typeof parsed.agents !== 'object') throw new Error(`${this.file}: not a riposte identities file`);
    this.data = parsed;
  }

  get size(): number {
    return Object.keys(this.data.agents).length;
  }

  get(key: string): { device_id: string; agent_secret: string } | undefined {
    return this.data.agents[key];
  }

  set(key: string, id: { device_id: string; agent_secret: string }): void {
    this.data.agents[key] = { device_id: id.device_id, agent_secret: id.agent_secret };
  }

  delete(key: string): void {
    delete this.data.agents[key];
  }

  /** Written whole to a temp file and renamed over the old one: a crash never leaves half a file. */
  save(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

/** Run `fn` over `items` with at most `limit` calls in flight; the first failure stops the rest. */
async function bounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
}

function indexes(slice: FleetSlice): number[] {
  return Array.from({ length: Math.max(0, slice.end - slice.first) }, (_, i) => slice.first + i);
}

function sliceOf(opts: FleetIdentityOptions): FleetSlice {
  const slice = opts.slice ?? { first: 0, end: opts.count };
  if (!(Number.isSafeInteger(slice.first) && Number.isSafeInteger(slice.end) && slice.first >= 0 && slice.end <= opts.count && slice.first <= slice.end)) {
    throw new RangeError(`slice ${slice.first}:${slice.end} is not within a fleet of ${opts.count}`);
  }
  return slice;
}

/** A refusal that retrying cannot fix (wrong enrollment token, bad request). */
class EnrollRefused extends Error {}

/**
 * Every host of the slice that has no identity yet is enrolled (bounded concurrency; 429s are
 * waited out, network failures retried), and the identities file is kept current as it goes.
 * Answers the identities of the whole slice, by index.
 */
export async function enrollFleet(opts: FleetIdentityOptions, store = new FleetIdentities(opts.stateDir)): Promise<Map<number, AgentIdentity>> {
  const platform = opts.platform ?? 'mixed';
  const seed = opts.seed ?? DEFAULT_FLEET_SEED;
  const slice = sliceOf(opts);
  const out = new Map<number, AgentIdentity>();
  const missing: number[] = [];
  for (const i of indexes(slice)) {
    const id = store.get(fleetIdentityKey(seed, fleetPlatformAt(platform, i), i));
    if (id) out.set(i, { ...id, server_url: opts.serverUrl });
    else missing.push(i);
  }
  if (missing.length === 0) return out;
  if (!opts.enrollToken) throw new Error(`${missing.length} simulated hosts have no identity${store.file ? ` in ${store.file}` : ''} and no enrollment token was given`);

  const enroller = new Enroller(opts.serverUrl, opts.enrollToken, opts.spreadLoopback ?? true, opts.log, opts.tls);
  let done = 0;
  let lastSave = Date.now();
  opts.onProgress?.({ phase: 'enroll', done, total: missing.length });
  try {
    await bounded(missing, opts.concurrency ?? DEFAULT_FLEET_CONCURRENCY, async (i) => {
      const p = fleetPlatformAt(platform, i);
      const executor = new SimulatedExecutor({ seed, platform: p, index: i, agentVersion: opts.agentVersion });
      const inventory = await executor.inventory();
      executor.dispose();
      const id = await enroller.enroll(i, inventory);
      store.set(fleetIdentityKey(seed, p, i), id);
      out.set(i, { ...id, server_url: opts.serverUrl });
      done++;
      opts.onProgress?.({ phase: 'enroll', done, total: missing.length });
      // Saved as it goes: hosts enrolled before a crash are not enrolled again on the next run.
      if (Date.now() - lastSave > 2000) {
        store.save();
        lastSave = Date.now();
      }
    });
  } finally {
    store.save();
    enroller.close();
  }
  return out;
}

/** POST /agent/v1/enroll over keep-alive connections, optionally from per-host loopback addresses. */
class Enroller {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private spread: boolean;

  constructor(
    serverUrl: string,
    private readonly token: string,
    spreadLoopback: boolean,
    private readonly log?: FleetLog,
    tls?: AgentTls,
  ) {
    this.url = new URL('/agent/v1/enroll', serverUrl);
    if (this.url.protocol === 'ws:' || this.url.protocol === 'wss:') this.url.protocol = this.url.protocol === 'wss:' ? 'https:' : 'http:';
    this.agent = this.url.protocol === 'https:' ? httpsAgent(tls) : new http.Agent({ keepAlive: true });
    const host = this.url.hostname;
    this.spread = spreadLoopback && process.platform === 'linux' && net.isIPv4(host) && host.startsWith('127.');
  }

  close(): void {
    this.agent.destroy();
  }

  /** Hosts share a source address in groups of 32, so keep-alive connections get reused. */
  private sourceFor(index: number): string | undefined {
    if (!this.spread) return undefined;
    const group = Math.floor(index / 32);
    return `127.${1 + ((group >> 16) & 0x7f)}.${(group >> 8) & 0xff}.${group & 0xff}`;
  }

  async enroll(index: number, inventory: Inventory): Promise<{ device_id: string; agent_secret: string }> {
    const body = JSON.stringify({ enroll_token: this.token, inventory });
    for (let attempt = 0; ; attempt++) {
      let res: { status: number; headers: http.IncomingHttpHeaders; text: string };
      try {
        res = await this.post(body, this.sourceFor(index));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (this.spread && (code === 'EADDRNOTAVAIL' || code === 'EINVAL')) {
          this.log?.('warn', `cannot enroll from loopback address ${this.sourceFor(index)} (${code}); using the default address`);
          this.spread = false;
          continue;
        }
        if (attempt >= 8) throw new Error(`enrollment of simulated host ${index} failed: ${(err as Error).message}`);
        await sleep(Math.min(10_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2));
        continue;
      }
      if (res.status === 201) {
        const parsed = JSON.parse(res.text) as { device_id: string; agent_secret: string };
        return { device_id: parsed.device_id, agent_secret: parsed.agent_secret };
      }
      if (res.status === 429 || res.status >= 500) {
        if (attempt >= 30) throw new Error(`enrollment of simulated host ${index} failed: server answered ${res.status}`);
        const retryAfter = Number(res.headers['retry-after']);
        const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(10_000, 250 * 2 ** attempt);
        if (res.status === 429 && attempt === 0) this.log?.('warn', `the server is rate-limiting enrollment; waiting ${Math.round(wait / 1000)} s`);
        await sleep(wait * (0.5 + Math.random() / 2));
        continue;
      }
      let message = res.text;
      try {
        const parsed = JSON.parse(res.text);
        message = parsed.error?.message ?? parsed.errors?.[0]?.message ?? res.text;
      } catch {}
      throw new EnrollRefused(`enrollment refused (${res.status}): ${message}`);
    }
  }

  private post(body: string, localAddress: string | undefined): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    return postJson(new URL(this.url), body, { agent: this.agent, localAddress, timeoutMs: 30_000 });
  }
}

// ---- the running fleet ----

class FleetAgent implements SimulatedAgent {
  client!: AgentClient;
  executor!: SimulatedExecutor;
  connected = false;
  stopped = false;
  readonly journal = new MemoryJournal();

  constructor(
    readonly index: number,
    readonly platform: Platform,
    readonly identity: AgentIdentity,
    private readonly fleet: FleetRuntime,
  ) {
    this.boot();
  }

  get deviceId(): string {
    return this.identity.device_id;
  }

  /** A fresh host state (power-on); the journal survives, as the real agent's file does. */
  private boot(): void {
    const { opts, transfersAgent } = this.fleet;
    const executor = new SimulatedExecutor({ seed: opts.seed ?? DEFAULT_FLEET_SEED, platform: this.platform, index: this.index, agentVersion: opts.agentVersion });
    this.executor = executor;
    const onExecute = opts.onExecute;
    const client = new AgentClient({
      identity: this.identity,
      executor: onExecute
        ? {
            platform: executor.platform,
            inventory: () => executor.inventory(),
            execute: (req, ctx) => {
              onExecute(req.id, this.index);
              return executor.execute(req, ctx);
            },
          }
        : executor,
      journal: this.journal,
      transfers: (tokenFor) => new HttpFileTransfers({ serverUrl: this.identity.server_url, tokenFor, agent: transfersAgent }),
      // Nothing about a simulated host changes on its own: no inventory timer per agent.
      inventoryEveryMs: 0,
      maxConcurrent: 2,
      reconnectMinMs: this.fleet.reconnectMinMs,
      reconnectMaxMs: this.fleet.reconnectMaxMs,
      log: this.fleet.log,
      tls: opts.tls,
    });
    client.on('connected', () => this.fleet.setConnected(this, true));
    client.on('disconnected', () => this.fleet.setConnected(this, false));
    client.on('result', () => this.afterResult());
    this.client = client;
  }

  /** restart/shutdown ran: the host goes offline, and a restarting one comes back as a fresh boot. */
  private afterResult(): void {
    const action = this.executor.pendingPowerAction;
    if (!action || this.stopped) return;
    const client = this.client;
    // A moment for the result to be acknowledged; an unacknowledged one is re-sent from the journal.
    setTimeout(() => {
      if (this.client !== client || this.stopped) return;
      client.stop();
      this.fleet.setConnected(this, false);
      if (action === 'shutdown') return;
      setTimeout(() => {
        if (this.stopped || this.client !== client) return;
        this.boot();
        this.client.start();
      }, this.fleet.opts.restartDelayMs ?? 5000).unref();
    }, 500).unref();
  }
}

class FleetRuntime implements SimulatedFleet {
  readonly agents: FleetAgent[] = [];
  readonly transfersAgent: http.Agent;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  connected = 0;
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor(
    readonly opts: FleetOptions,
    readonly log: FleetLog | undefined,
  ) {
    const size = sliceOf(opts).end - sliceOf(opts).first;
    const secure = /^(https|wss):/.test(opts.serverUrl);
    this.transfersAgent = secure ? new https.Agent({ keepAlive: true, maxSockets: 64, ...tlsRequestOptions(opts.tls) }) : new http.Agent({ keepAlive: true, maxSockets: 64 });
    // After a server restart the whole slice reconnects; AgentClient spreads each wave over
    // [base/2, base], so a base of 2 ms per agent keeps it near 1,000 connections per second.
    this.reconnectMinMs = opts.reconnectMinMs ?? Math.max(500, 2 * size);
    this.reconnectMaxMs = opts.reconnectMaxMs ?? Math.max(30_000, 4 * this.reconnectMinMs);
  }

  setConnected(agent: FleetAgent, on: boolean): void {
    if (agent.connected === on) return;
    agent.connected = on;
    this.connected += on ? 1 : -1;
    if (on) {
      const ready = this.waiters.filter((w) => this.connected >= w.n);
      if (ready.length) {
        this.waiters = this.waiters.filter((w) => this.connected < w.n);
        for (const w of ready) w.resolve();
      }
    }
  }

  waitConnected(n = this.agents.length, timeoutMs?: number): Promise<void> {
    if (this.connected >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { n, resolve: () => (clearTimeout(timer), resolve()) };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.waiters = this.waiters.filter((w) => w !== waiter);
              reject(new Error(`${this.connected} of ${n} simulated agents connected after ${timeoutMs} ms`));
            }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    for (const a of this.agents) {
      a.stopped = true;
      a.client.stop();
      this.setConnected(a, false);
    }
    this.transfersAgent.destroy();
  }
}

/** Starts `agents`, at most `concurrency` first attempts in flight; answers those whose identity the server refused. */
async function connectFirst(fleet: FleetRuntime, agents: FleetAgent[], opts: FleetOptions, total: number): Promise<FleetAgent[]> {
  const refused: FleetAgent[] = [];
  await bounded(agents, opts.concurrency ?? DEFAULT_FLEET_CONCURRENCY, (agent) => {
    if (agent.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const unauthorized = () => refused.push(agent);
      const done = () => {
        agent.client.off('connected', done);
        agent.client.off('disconnected', done);
        agent.client.off('unauthorized', unauthorized);
        opts.onProgress?.({ phase: 'connect', done: fleet.connected, total });
        resolve();
      };
      agent.client.on('unauthorized', unauthorized);
      agent.client.on('connected', done);
      agent.client.on('disconnected', done);
      agent.client.start();
    });
  });
  return refused;
}

/**
 * Enroll what needs enrolling, then connect every host of the slice, at most `concurrency`
 * first connections in flight. Resolves once every agent's first attempt has settled (most are
 * connected by then; the rest keep retrying with backoff): use `waitConnected()` for all of them.
 */
export async function startFleet(opts: FleetOptions): Promise<SimulatedFleet> {
  const platform = opts.platform ?? 'mixed';
  if (!FLEET_PLATFORMS.includes(platform)) throw new TypeError(`platform must be one of ${FLEET_PLATFORMS.join(', ')}`);
  if (!(Number.isSafeInteger(opts.count) && opts.count >= 0)) throw new TypeError('count must be a non-negative integer');
  const slice = sliceOf(opts);
  const store = new FleetIdentities(opts.stateDir);
  let identities: Map<number, AgentIdentity>;
  if (opts.enroll === false) {
    identities = new Map();
    const seed = opts.seed ?? DEFAULT_FLEET_SEED;
    for (const i of indexes(slice)) {
      const id = store.get(fleetIdentityKey(seed, fleetPlatformAt(platform, i), i));
      if (!id) throw new Error(`simulated host ${i} has no identity${store.file ? ` in ${store.file}` : ''}`);
      identities.set(i, { ...id, server_url: opts.serverUrl });
    }
  } else {
    identities = await enrollFleet(opts, store);
  }

  const fleet = new FleetRuntime(opts, opts.log);
  for (const i of indexes(slice)) fleet.agents.push(new FleetAgent(i, fleetPlatformAt(platform, i), identities.get(i)!, fleet));

  const total = fleet.agents.length;
  opts.onProgress?.({ phase: 'connect', done: 0, total });
  let refused = await connectFirst(fleet, fleet.agents, opts, total);
  if (refused.length > 0) {
    // Identities this server does not know: the state directory came from another server, or
    // the hosts were revoked. Retrying cannot fix that; enrolling them again can, given a token.
    const where = store.file ?? 'memory';
    if (opts.enroll === false || !opts.enrollToken) {
      await fleet.stop();
      const remedy = opts.enroll === false ? 'run once with --processes 1 and --enroll-token to enroll them again' : 'give --enroll-token to enroll them again';
      throw new Error(
        `the server refused ${refused.length} of ${total} simulated hosts' identities from ${where} (enrolled with another server, or revoked): ` +
          `${remedy}, or use a fresh --state directory`,
      );
    }
    opts.log?.('warn', `the server does not know ${refused.length} simulated hosts' identities from ${where}; enrolling them again`);
    const seed = opts.seed ?? DEFAULT_FLEET_SEED;
    for (const agent of refused) {
      agent.stopped = true;
      agent.client.stop();
      store.delete(fleetIdentityKey(seed, agent.platform, agent.index));
    }
    const renewed = await enrollFleet({ ...opts, onProgress: undefined }, store);
    const replacements = refused.map((old) => new FleetAgent(old.index, old.platform, renewed.get(old.index)!, fleet));
    for (const agent of replacements) fleet.agents[fleet.agents.findIndex((a) => a.index === agent.index)] = agent;
    refused = await connectFirst(fleet, replacements, opts, total);
    if (refused.length > 0) {
      await fleet.stop();
      throw new Error(`the server refused ${refused.length} freshly enrolled simulated hosts`);
    }
  }
  return fleet;
}
