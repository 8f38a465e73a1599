import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FastifyInstance } from 'fastify';
import { getOperation, MAX_AGENT_FRAME_BYTES } from '@riposte/spec';
import { CommandSweeper, constantTimeEqual, tokenDigest, type CommandRecord, type Core } from '@riposte/core';
import { AgentConnection, type ConnectionDeps } from './agent-connection.ts';
import type { EnrollLimits } from './enroll.ts';
import { startHeartbeat } from './heartbeat.ts';
import { HostPresence } from './presence.ts';
import { inventoryToFacts } from './inventory.ts';
import { agentTags, auditRefusedTags } from './agent-tags.ts';
import { resultBlobs } from './result-blobs.ts';

/**
 * The agent dialect: `startGateway` holds the agents' WebSockets (commands out, results in,
 * presence, the command sweeper); `agentPlugin` serves its HTTP side under AGENT_MOUNT
 * (enrollment with its `EnrollLimits`, file transfers), in the agent's own error envelope.
 */
export { agentPlugin, AGENT_MOUNT } from './plugin.ts';
export type { EnrollLimits } from './enroll.ts';

/** What the gateway needs from the transfer service (one-time tokens for get/put). */
export interface TransferMinter {
  mint(opts: { command_id: string; device_id: string; direction: 'upload' | 'download'; sha256?: string; size?: number }): Promise<{ id: string; token: string }>;
}

export interface GatewayOptions {
  heartbeatMs?: number;
  sweepMs?: number;
  /** After start, how long commands sent by an earlier run are spared from timing out (default AGENT_RECONNECT_GRACE_MS). */
  reconnectGraceMs?: number;
  transfers?: TransferMinter;
  /** Limits of the enrollment route (served by the agent dialect's plugin, gateway/plugin.ts). */
  enroll?: EnrollLimits;
}

export interface Gateway {
  /** Agents connected to this process. */
  connections: ReadonlyMap<string, AgentConnection>;
  close(): Promise<void>;
}

/** Commands whose file bytes move over HTTP, and in which direction. */
const TRANSFER_DIRECTION: Record<string, 'upload' | 'download'> = { get: 'upload', put: 'download' };

/**
 * The agent gateway: one WebSocket per agent, delivery of commands (pushed when
 * issued anywhere in the cluster, re-sent on reconnect), results back into the command service,
 * heartbeats, and the sweeper that times out expired commands.
 */
export function startGateway(app: FastifyInstance, core: Core, opts: GatewayOptions = {}): Gateway {
  const connections = new Map<string, AgentConnection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_AGENT_FRAME_BYTES, perMessageDeflate: false });
  const connectPath = getOperation('AgentConnect').path;

  const transferFor = (c: CommandRecord) => {
    const direction = TRANSFER_DIRECTION[c.name];
    const transfers = opts.transfers;
    if (!direction || !transfers) return undefined;
    const sha256 = direction === 'download' ? String(c.args.sha256 ?? '') : undefined;
    const size = direction === 'download' ? Number(c.args.size ?? 0) : undefined;
    return transfers.mint({ command_id: c.id, device_id: c.device_id, direction, sha256, size }).then(({ token }) => ({ token }));
  };

  const facts: ConnectionDeps['facts'] = async (conn, inventory) => {
    const { refused } = agentTags(inventory.tags);
    if (refused.length) {
      app.log.warn({ device_id: conn.deviceId, tags: refused.slice(0, 10) }, 'agent reported tags outside SensorGroupingTags; left out');
      // The host is welcomed even if the audit cannot be written.
      await auditRefusedTags(core, conn.deviceId, refused).catch((err) => app.log.error({ err, device_id: conn.deviceId }, 'audit of refused agent tags failed'));
    }
    return inventoryToFacts(inventory, conn.remoteIp);
  };

  const results = resultBlobs(core);
  const presence = new HostPresence(core, connections);
  const onClose = (conn: AgentConnection) => {
    if (connections.get(conn.deviceId) !== conn) return;
    connections.delete(conn.deviceId);
    presence.left(conn.deviceId).catch((err) => app.log.error({ err }, 'presence update failed'));
  };

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== connectPath) return refuse(socket, 404, 'Not Found');
    const m = /^agent\s+([0-9a-f]{32}):(\S{1,512})$/i.exec(req.headers.authorization ?? '');
    const ip = req.socket.remoteAddress ?? '';
    if (!m) {
      app.log.warn({ ip }, 'agent connection refused: no agent credentials');
      return refuse(socket, 401, 'Unauthorized');
    }
    const [, deviceId, secret] = m;
    let stored: string | undefined;
    try {
      stored = await core.hosts.agentSecretHash(deviceId);
    } catch (err) {
      app.log.error({ err }, 'agent authentication failed');
      return refuse(socket, 503, 'Service Unavailable');
    }
    if (!stored || !constantTimeEqual(tokenDigest(secret), stored)) {
      app.log.warn({ ip, device_id: deviceId }, 'agent connection refused: bad agent secret');
      return refuse(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const previous = connections.get(deviceId);
      const conn = new AgentConnection(deviceId, ws, ip, { core, log: app.log, welcome: (c, f) => presence.arrived(c, f), transferFor, facts, results, onClose });
      connections.set(deviceId, conn);
      // A second connection for the same host replaces the first (agent restarted, stale socket).
      previous?.close(4000, 'replaced by a newer connection');
    });
  };
  app.server.on('upgrade', (req, socket, head) => void onUpgrade(req, socket, head));

  // Commands stored by this process are sent from memory at once; 'dispatch' notices bring those
  // stored by other processes (read back from the database).
  const sendLocal = (commands: readonly CommandRecord[]) => {
    const failed = (c: CommandRecord, err: unknown) => app.log.error({ err, command_id: c.id }, 'dispatch failed');
    for (const c of commands) {
      try {
        connections.get(c.device_id)?.sendCommand(c)?.catch((err) => failed(c, err));
      } catch (err) {
        failed(c, err);
      }
    }
  };
  core.commands.setPresence((id) => connections.get(id)?.welcomed === true);
  const unsubscribe = [
    () => core.commands.setPresence(undefined),
    core.commands.onIssued(sendLocal),
    core.notifier.subscribe('dispatch', ({ device_ids, batch_id, origin }) => {
      if (origin !== core.commands.origin) void dispatch(device_ids, batch_id);
    }),
    core.notifier.subscribe('cancel', ({ id, device_id }) => connections.get(device_id)?.send({ t: 'cancel', id })),
    core.notifier.subscribe('containment', ({ device_ids }) => {
      for (const id of device_ids) connections.get(id)?.sendContainment().catch((err) => app.log.error({ err, device_id: id }, 'containment order failed'));
    }),
  ];

  async function dispatch(deviceIds?: string[], batchId?: string): Promise<void> {
    try {
      if (batchId) {
        for (const c of await core.commands.queuedInBatch(batchId)) {
          const conn = connections.get(c.device_id);
          if (conn) await conn.sendCommand(c);
        }
      }
      for (const id of deviceIds ?? []) {
        const conn = connections.get(id);
        if (!conn) continue;
        await conn.sendPending();
      }
    } catch (err) {
      app.log.error({ err }, 'dispatch failed');
    }
  }

  const stopHeartbeat = startHeartbeat(connections, opts.heartbeatMs ?? 30_000, (alive) =>
    presence.seen(alive).catch((err) => app.log.error({ err }, 'presence update failed')),
  );

  const sweeper = new CommandSweeper(
    core.commands,
    core.agentRevocations,
    {
      holdsAgents: () => connections.size > 0,
      resend: async (c) => {
        await connections.get(c.device_id)?.sendCommand(c);
      },
      revoked: (id) => {
        const conn = connections.get(id);
        if (!conn) return;
        app.log.warn({ device_id: id }, 'agent identity revoked: closing its connection');
        conn.close(4003, 'agent identity revoked');
      },
    },
    { intervalMs: opts.sweepMs, reconnectGraceMs: opts.reconnectGraceMs, onError: (err) => app.log.error({ err }, 'command sweep failed') },
  );
  sweeper.start();

  return {
    connections,
    async close() {
      stopHeartbeat();
      await sweeper.close();
      for (const u of unsubscribe) u();
      const ids = [...connections.keys()];
      for (const conn of connections.values()) {
        conn.flushAcks();
        conn.close(1001, 'server shutting down');
      }
      connections.clear();
      wss.close();
      // The agents still connected leave the way any agent does.
      for (const id of ids) presence.left(id).catch(() => {});
      await presence.flush();
    },
  };
}
