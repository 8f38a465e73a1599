import { BatchWriter, type Core, type HostFacts, type WelcomeItem } from '@riposte/core';
import type { AgentConnection } from './agent-connection.ts';

/**
 * Hosts' online state as their agents come and go, written in batches: a network cut drops
 * thousands of agents within a moment and a restarted server gets its whole fleet back within
 * seconds, and a write each (a transaction for the facts, another for the flag) kept the server
 * busy for seconds. What is written is checked against the connections held at that moment, so an
 * agent that came back is not marked offline, nor one that left again marked online.
 */
export class HostPresence {
  private readonly arrivals: BatchWriter<{ conn: AgentConnection; item: WelcomeItem }>;
  private readonly departures: BatchWriter<string>;

  constructor(
    private readonly core: Core,
    private readonly connections: ReadonlyMap<string, AgentConnection>,
  ) {
    this.arrivals = new BatchWriter((batch) => core.hosts.welcomeMany(batch.filter(({ conn }) => connections.get(conn.deviceId) === conn).map(({ item }) => item)), {
      name: 'agent arrivals',
      log: core.log,
    });
    this.departures = new BatchWriter((ids) => core.hosts.markOffline(ids, (id) => !connections.has(id)), { name: 'agent departures', log: core.log });
  }

  /** A connected agent's report stored and its host online; rejects when its facts are refused. */
  async arrived(conn: AgentConnection, facts: HostFacts): Promise<void> {
    const item: WelcomeItem = { device_id: conn.deviceId, facts };
    await this.arrivals.add({ conn, item });
    if (item.error) throw item.error;
  }

  /** Hosts whose connections answered the heartbeat, seen now; one whose agent left meanwhile is left offline. */
  seen(deviceIds: string[]): Promise<void> {
    return this.core.hosts.touchMany(deviceIds, (id) => this.connections.has(id));
  }

  /** The agent's host marked offline, unless another connection of it is held by then. */
  left(deviceId: string): Promise<void> {
    return this.departures.add(deviceId);
  }

  async flush(): Promise<void> {
    await this.arrivals.flush();
    await this.departures.flush();
  }
}
