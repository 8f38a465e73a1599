import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentMessageSchema, AGENT_PROTOCOL_VERSION, type AgentMessage, type GatewayMessage, type IdentityReportFrame } from '@riposte/spec';
import { PENDING_PAGE, type AgentResult, type CommandRecord, type Core, type HostFacts } from '@riposte/core';
import type { FastifyBaseLogger } from 'fastify';
import { inventoryToFacts } from './inventory.ts';

const checkMessage = TypeCompiler.Compile(AgentMessageSchema);
/** An agent that keeps sending garbage is cut off. */
const MAX_BAD_MESSAGES = 20;

/**
 * Acknowledgements of results wait for the next frame the connection writes anyway: they ride
 * inside the next command's frame, or go out in the same write as the heartbeat ping. An agent
 * forgets a result only once it is acknowledged, so a late ack costs nothing but journal space; a
 * frame of its own per agent cost a fan-out to 10,000 hosts 10,000 more frames to write on the
 * server and to read on the agents, just while everyone waits for the results. An agent with this
 * many waiting gets them at once, which bounds both the frame and the agent's journal. A lost ack
 * (connection gone) makes the agent re-send the result on reconnect, which is stored once and
 * acknowledged again.
 */
const ACK_AT_ONCE = 256;

export interface ConnectionDeps {
  core: Core;
  log: FastifyBaseLogger;
  /** Stores a connecting agent's report and marks its host online, together with other agents' (welcomeMany). */
  welcome(conn: AgentConnection, facts: HostFacts): Promise<void>;
  /** Mints the token that lets this command move a file over HTTP; undefined when it needs none. */
  transferFor(command: CommandRecord): Promise<{ token: string }> | undefined;
  onClose(conn: AgentConnection): void;
}

/**
 * One agent's control channel. Kept small: 15,000 of these live in one server process.
 */
export class AgentConnection {
  alive = true;
  /** Its hello is processed: the host's facts are stored and it is marked online. */
  welcomed = false;
  private badMessages = 0;
  /** Commands sent on this socket and not yet answered, so one dispatch storm sends each once. */
  private inflight?: Set<string>;
  /** Results to acknowledge with the next frame written (ACK_AT_ONCE). */
  private acks?: string[];

  constructor(
    readonly deviceId: string,
    private readonly ws: WebSocket,
    private readonly remoteIp: string,
    private readonly deps: ConnectionDeps,
  ) {
    ws.on('message', (data, isBinary) => void this.onMessage(data as Buffer, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => deps.onClose(this));
    ws.on('error', () => {});
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(msg: GatewayMessage): void {
    if (this.isOpen) this.ws.send(JSON.stringify(msg));
  }

  /** Sends the waiting acknowledgements now (before closing). */
  flushAcks(): void {
    this.withAcks(() => {});
  }

  /** Runs `write` after the waiting acknowledgements, the two in one write to the socket. */
  private withAcks(write: () => void): void {
    const ids = this.takeAcks();
    if (!ids) return write();
    // ws writes each frame with its own cork/uncork; an outer cork joins them into one writev.
    const socket = (this.ws as unknown as { _socket?: Duplex })._socket;
    socket?.cork();
    try {
      this.send({ t: 'result_ack', ids });
      write();
    } finally {
      socket?.uncork();
    }
  }

  private takeAcks(): string[] | undefined {
    const ids = this.acks;
    this.acks = undefined;
    return ids;
  }

  private ack(id: string): void {
    (this.acks ??= []).push(id);
    if (this.acks.length >= ACK_AT_ONCE) this.flushAcks();
  }

  /** Heartbeat: a socket that did not answer the previous ping is dead. */
  ping(): boolean {
    if (!this.alive) {
      this.ws.terminate();
      return false;
    }
    this.alive = false;
    this.withAcks(() => this.ws.ping());
    return true;
  }

  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  /**
   * Sends at once, answering nothing (a fan-out's 10,000 sends make and wait for no promise),
   * unless the command needs a transfer token first: then a promise of its sending.
   */
  sendCommand(c: CommandRecord): Promise<void> | undefined {
    this.inflight ??= new Set();
    if (this.inflight.has(c.id)) return;
    this.inflight.add(c.id);
    const transfer = this.deps.transferFor(c);
    if (!transfer) {
      this.deliver(c);
      return;
    }
    return transfer.then((t) => this.deliver(c, t));
  }

  /**
   * Everything still open for this host, oldest first: new work, and anything sent before a
   * disconnect (the agent answers those from its journal instead of running them again).
   */
  async sendPending(): Promise<void> {
    let after: CommandRecord | undefined;
    while (this.isOpen) {
      const page = await this.deps.core.commands.pendingFor(this.deviceId, after);
      for (const c of page) await this.sendCommand(c);
      if (page.length < PENDING_PAGE) return;
      after = page[page.length - 1];
    }
  }

  private deliver(c: CommandRecord, transfer?: { token: string }): void {
    const acks = this.takeAcks();
    this.send({
      t: 'command',
      command: { id: c.id, name: c.name, args: c.args, cwd: c.cwd, timeout_ms: c.timeout_ms },
      ...(transfer ? { transfer } : {}),
      ...(acks ? { acks } : {}),
    });
    if (c.status === 'queued') this.deps.core.commands.markSent(c.id, this.deviceId);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    let msg: AgentMessage;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      if (!checkMessage.Check(parsed)) {
        const first = checkMessage.Errors(parsed).First();
        throw new Error(`invalid message${first ? ` at ${first.path}: ${first.message}` : ''}`);
      }
      msg = parsed;
    } catch (e) {
      this.badMessages++;
      this.deps.log.warn({ device_id: this.deviceId, err: (e as Error).message }, 'malformed agent message rejected');
      this.send({ t: 'error', message: (e as Error).message });
      if (this.badMessages > MAX_BAD_MESSAGES) this.close(1008, 'too many malformed messages');
      return;
    }
    if (msg.t === 'result') return this.onResult(msg.id, msg.result);
    this.handle(msg).catch((e) => this.failed(e));
  }

  /** A result: stored, then acknowledged. No async function: a fan-out's 10,000 arrive within moments. */
  private onResult(id: string, result: AgentResult): void {
    this.deps.core.commands
      .complete(id, this.deviceId, result)
      .then((applied) => {
        this.inflight?.delete(id);
        if (!applied) this.deps.log.info({ device_id: this.deviceId, command_id: id }, 'result for a command that is not open for this host; ignored');
        // Durable (or not ours): either way the agent may forget it.
        this.ack(id);
      })
      .catch((e) => this.failed(e));
  }

  private failed(e: unknown): void {
    this.deps.log.error({ device_id: this.deviceId, err: e }, 'agent message failed');
  }

  private identityQueue: Promise<void> = Promise.resolve();

  /** An identity sensor's report; enforcing BLOCK matches go back to the sensor to refuse. */
  private async onIdentity(report: IdentityReportFrame): Promise<void> {
    const host = await this.deps.core.hosts.get(this.deviceId);
    if (!host) return;
    const blocks = await this.deps.core.identity.ingest(host, report);
    if (blocks.length) this.send({ t: 'identity_blocks', blocks });
  }

  private async handle(msg: Exclude<AgentMessage, { t: 'result' }>): Promise<void> {
    const { core } = this.deps;
    switch (msg.t) {
      case 'hello':
        if (msg.protocol !== AGENT_PROTOCOL_VERSION) {
          this.send({ t: 'error', message: `unsupported protocol ${msg.protocol}; this server speaks ${AGENT_PROTOCOL_VERSION}` });
          this.close(1002, 'protocol version');
          return;
        }
        await this.deps.welcome(this, inventoryToFacts(msg.inventory, this.remoteIp));
        // Gone while waiting (its host is marked offline again): nothing more to send it.
        if (!this.isOpen) return;
        this.welcomed = true;
        this.send({ t: 'welcome', device_id: this.deviceId, protocol: AGENT_PROTOCOL_VERSION });
        await this.sendPending();
        return;
      case 'inventory':
        await core.hosts.updateFacts(this.deviceId, inventoryToFacts(msg.inventory, this.remoteIp));
        return;
      case 'started':
        await core.commands.markRunning(msg.id, this.deviceId);
        return;
      case 'identity':
        // In arrival order: a directory frame is stored before the authentications that name its users.
        this.identityQueue = this.identityQueue.then(() => this.onIdentity(msg.report)).catch((e) => this.failed(e));
        return this.identityQueue;
    }
  }
}
