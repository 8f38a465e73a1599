// The running fleet: one AgentClient per virtual host, connection bookkeeping, simulated power actions.

import http from 'node:http';
import https from 'node:https';
import type { Platform } from '../../commands/index.ts';
import { AgentClient, HttpFileTransfers, type AgentIdentity, MemoryJournal, tlsRequestOptions } from '../../transport/index.ts';
import { SimulatedExecutor } from '../simulated-executor.ts';
import { DEFAULT_FLEET_CONCURRENCY, DEFAULT_FLEET_SEED, type FleetLog, type FleetOptions, type SimulatedAgent, type SimulatedFleet } from './options.ts';
import { bounded, sliceOf } from './slices.ts';

export class FleetAgent implements SimulatedAgent {
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

export class FleetRuntime implements SimulatedFleet {
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
export async function connectFirst(fleet: FleetRuntime, agents: FleetAgent[], opts: FleetOptions, total: number): Promise<FleetAgent[]> {
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
