import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_PROTOCOL_VERSION, resultDataProblem, type AgentMessage, type GatewayMessage, type IdentityReportFrame } from '@riposte/spec';
import { PENDING_PAGE, ServiceError, type AgentResult, type CommandRecord, type Core, type HostFacts } from '@riposte/core';
import type { FastifyBaseLogger } from 'fastify';
import { RefusedResult, type ResultBlobs } from './result-blobs.ts';
import { readAgentFrame } from './agent-frames.ts';
import { PendingAcks } from './pending-acks.ts';

/** An agent that keeps sending garbage (or frames about other hosts' commands) is cut off. */
const MAX_BAD_MESSAGES = 20;
/** A transfer token that could not be minted (database busy) is tried this many times before the command fails. */
const MINT_ATTEMPTS = 3;
const MINT_RETRY_MS = 500;

export interface ConnectionDeps {
  core: Core;
  log: FastifyBaseLogger;
  /** Stores a connecting agent's report and marks its host online, together with other agents' (welcomeMany). */
  welcome(conn: AgentConnection, facts: HostFacts): Promise<void>;
  /** Mints the token that lets this command move a file over HTTP; undefined when it needs none. */
  transferFor(command: CommandRecord): Promise<{ token: string }> | undefined;
  /** Host facts from the agent's inventory report (its tags filtered, refusals audited). */
  facts(conn: AgentConnection, inventory: Extract<AgentMessage, { t: 'inventory' }>['inventory']): Promise<HostFacts>;
  /** Results that travel as blobs over the transfer path. */
  results: ResultBlobs;
  onClose(conn: AgentConnection): void;
}

/** The command a frame names: this host's (with its name), another host's, or none. */
type OwnCommand = { name: string } | 'foreign' | undefined;

/**
 * One agent's control channel. Kept small: 15,000 of these live in one server process.
 */
export class AgentConnection {
  alive = true;
  /** Its hello is processed: the host's facts are stored and it is marked online. */
  welcomed = false;
  private badMessages = 0;
  /** Cut off for misbehaving: whatever else it sends is dropped. */
  private cutOff = false;
  /** Commands sent on this socket and not yet answered (id → command name), so one dispatch storm sends each once. */
  private inflight?: Map<string, string>;
  /** Results to acknowledge with the next frame written. */
  private readonly acks = new PendingAcks();

  constructor(
    readonly deviceId: string,
    private readonly ws: WebSocket,
    readonly remoteIp: string,
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
    return this.acks.take();
  }

  private ack(id: string): void {
    if (this.acks.add(id)) this.flushAcks();
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
    this.inflight ??= new Map();
    if (this.inflight.has(c.id)) return;
    this.inflight.set(c.id, c.name);
    const transfer = this.deps.transferFor(c);
    if (!transfer) {
      this.deliver(c);
      return;
    }
    return this.deliverWithTransfer(c, transfer);
  }

  /**
   * A command that moves a file goes out with its token. A token that could not be minted is
   * tried again a few times when the cause may pass; otherwise (or at last) the command fails with
   * the reason, rather than waiting in this connection's in-flight set until it times out.
   */
  private async deliverWithTransfer(c: CommandRecord, transfer: Promise<{ token: string }>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.deliver(c, await transfer);
      } catch (err) {
        if (!this.isOpen) {
          // Gone meanwhile: the command is sent again (with a new token) when the agent reconnects.
          this.inflight?.delete(c.id);
          return;
        }
        const lasting = err instanceof ServiceError && err.status < 500;
        if (!lasting && attempt < MINT_ATTEMPTS) {
          this.deps.log.warn({ device_id: this.deviceId, command_id: c.id, err }, 'transfer token not minted; trying again');
          await sleep(MINT_RETRY_MS * attempt);
          transfer = this.deps.transferFor(c)!;
          continue;
        }
        this.inflight?.delete(c.id);
        this.deps.log.warn({ device_id: this.deviceId, command_id: c.id, err }, 'transfer token not minted; the command fails');
        const message = `the server could not authorise this command's file transfer: ${(err as Error).message}`;
        await this.deps.core.commands.complete(c.id, c.device_id, { ok: false, error: { code: 'transfer_failed', message }, cwd: c.cwd });
        return;
      }
    }
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

  /** Tell the agent what its host's containment should be, if it is (to be) contained or lifted. */
  async sendContainment(): Promise<void> {
    if (!this.welcomed) return;
    const order = await this.deps.core.containment.orderFor(this.deviceId);
    if (order) this.send({ t: 'containment', ...order });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.cutOff) return;
    const frame = readAgentFrame(data, isBinary);
    if (!frame.ok) {
      this.refuse('agent.frame_refused', frame.message);
      // A result that can never be accepted is refused once, or the agent would re-send it forever.
      if (frame.resultId) this.refuseResult(frame.resultId, frame.message);
      return;
    }
    const msg = frame.msg;
    if (msg.t === 'result') return 'result' in msg ? this.onResult(msg.id, msg.result) : this.onResultBlob(msg.id, msg.result_blob);
    if (msg.t === 'result_upload') return this.onResultUpload(msg.id, msg.size, msg.purpose ?? 'result');
    this.handle(msg).catch((e) => this.failed(e));
  }

  /**
   * A frame the gateway will not act on: told to the agent, logged and audited; past
   * MAX_BAD_MESSAGES the agent is disconnected (and that is audited too).
   */
  private refuse(action: string, message: string, details: Record<string, unknown> = {}): void {
    if (this.cutOff) return;
    this.badMessages++;
    this.deps.log.warn({ device_id: this.deviceId, err: message, ...details }, 'agent frame refused');
    this.send({ t: 'error', message });
    this.audit(action, { reason: message, ...details });
    if (this.badMessages > MAX_BAD_MESSAGES) {
      this.cutOff = true;
      this.audit('agent.disconnected', { reason: `more than ${MAX_BAD_MESSAGES} refused frames` });
      this.close(1008, 'too many refused messages');
    }
  }

  private audit(action: string, details: Record<string, unknown>): void {
    const commandId = typeof details.command_id === 'string' ? details.command_id : undefined;
    this.deps.core.audit
      .record({ actor: { id: `agent:${this.deviceId}`, name: 'agent' }, action, target_type: commandId ? 'command' : 'host', target_id: commandId ?? this.deviceId, device_id: this.deviceId, details })
      .catch((err) => this.deps.log.error({ device_id: this.deviceId, err }, 'audit of a refused agent frame failed'));
  }

  /** A frame about a command of another host: refused, never applied. */
  private foreign(frame: string, id: string): void {
    this.refuse('agent.foreign_command', `command ${id} is not a command of this host`, { frame, command_id: id });
  }

  /**
   * The command a frame names, if it is this host's: from memory when it was sent on this socket,
   * otherwise read (a result re-sent from the agent's journal after a reconnect). Another host's
   * command is refused here ('foreign'); undefined when no such command exists.
   */
  private ownCommand(id: string, frame: string): { name: string } | Promise<OwnCommand> {
    const name = this.inflight?.get(id);
    if (name !== undefined) return { name };
    return this.deps.core.commands.get(id).then((c) => {
      if (!c) return undefined;
      if (c.device_id === this.deviceId) return c;
      this.foreign(frame, id);
      return 'foreign';
    });
  }

  /** A result: checked against its command's kind, stored, then acknowledged. Mostly synchronous: a fan-out's 10,000 arrive within moments. */
  private onResult(id: string, result: AgentResult): void {
    const own = this.ownCommand(id, 'result');
    if (!(own instanceof Promise)) return this.storeResult(id, own.name, result);
    own
      .then((c) => {
        if (c === 'foreign') return;
        if (c) return this.storeResult(id, c.name, result);
        // No such command: acknowledged all the same, so the agent stops re-sending it.
        this.ack(id);
      })
      .catch((e) => this.failed(e));
  }

  private storeResult(id: string, name: string, result: AgentResult): void {
    const problem = result.ok ? resultDataProblem(name, result.data) : undefined;
    if (problem) {
      const message = `the agent's ${name} result was refused: ${problem}`;
      this.refuse('agent.result_refused', message, { command_id: id, command: name });
      result = { ok: false, error: { code: 'invalid_result', message }, cwd: result.cwd };
    }
    // A run whose whole output was uploaded, or a retrieved file: checked against what this host
    // uploaded for the command before the result is stored (evidence is never the agent's word).
    if (result.ok) {
      const { results } = this.deps;
      const checked =
        result.data.full_output !== undefined ? results.withOutput(id, this.deviceId, result)
        : name === 'get' ? results.withRetrievedFile(id, this.deviceId, result)
        : undefined;
      if (checked) {
        checked.then((c) => this.store(id, c), (e) => this.failed(e));
        return;
      }
    }
    this.store(id, result);
  }

  /** The agent asks to upload a result too large to send inline, or a run's whole output. */
  private onResultUpload(id: string, size: number, purpose: 'result' | 'output'): void {
    this.deps.results.mintUpload(id, this.deviceId, size, purpose).then(
      (token) => this.send({ t: 'result_upload', id, token }),
      (e) => {
        if (!(e instanceof RefusedResult)) {
          this.failed(e);
          e = new RefusedResult('the server could not prepare the upload');
        }
        // A refused output upload leaves the command running (its capped output still comes).
        if (purpose === 'output') this.send({ t: 'result_upload', id, refused: (e as Error).message });
        else this.refuseResult(id, (e as Error).message);
      },
    );
  }

  /** A result uploaded over the transfer path: read from what the server received, then stored like any other. */
  private onResultBlob(id: string, ref: { sha256: string; size: number }): void {
    this.deps.results.read(id, this.deviceId, ref).then(
      (result) => this.onResult(id, result),
      // Anything else (storage down) is not acknowledged: the agent sends it again after a reconnect.
      (e) => (e instanceof RefusedResult ? this.refuseResult(id, e.message) : this.failed(e)),
    );
  }

  /**
   * Ends the command with an error saying why its result was refused, and acknowledges it with
   * the reason so the agent drops it. Only a command open for this host is touched.
   */
  private refuseResult(id: string, reason: string): void {
    this.deps.log.warn({ device_id: this.deviceId, command_id: id, reason }, 'agent result refused');
    this.audit('agent.result_refused', { reason, command_id: id });
    const message = `the host's result could not be accepted: ${reason}`.slice(0, 4096);
    this.deps.core.commands
      .complete(id, this.deviceId, { ok: false, error: { code: 'result_refused', message }, cwd: '' })
      .then(() => {
        this.inflight?.delete(id);
        this.send({ t: 'result_ack', ids: [id], refused: [{ id, reason: message }] });
      })
      .catch((e) => this.failed(e));
  }

  private store(id: string, result: AgentResult): void {
    this.deps.core.commands
      .complete(id, this.deviceId, result)
      .then((applied) => {
        this.inflight?.delete(id);
        if (!applied) this.deps.log.info({ device_id: this.deviceId, command_id: id }, 'result for a command that is not open for this host; ignored');
        // Durable (or not open any more): either way the agent may forget it.
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

  private async handle(msg: Exclude<AgentMessage, { t: 'result' | 'result_upload' }>): Promise<void> {
    const { core } = this.deps;
    switch (msg.t) {
      case 'hello':
        if (msg.protocol !== AGENT_PROTOCOL_VERSION) {
          this.send({ t: 'error', message: `unsupported protocol ${msg.protocol}; this server speaks ${AGENT_PROTOCOL_VERSION}` });
          this.close(1002, 'protocol version');
          return;
        }
        await this.deps.welcome(this, await this.deps.facts(this, msg.inventory));
        // Gone while waiting (its host is marked offline again): nothing more to send it.
        if (!this.isOpen) return;
        this.welcomed = true;
        this.send({ t: 'welcome', device_id: this.deviceId, protocol: AGENT_PROTOCOL_VERSION });
        await this.sendPending();
        await this.sendContainment();
        return;
      case 'inventory':
        await core.hosts.updateFacts(this.deviceId, await this.deps.facts(this, msg.inventory));
        return;
      case 'started':
        const own = await this.ownCommand(msg.id, 'started');
        if (own && own !== 'foreign') await core.commands.markRunning(msg.id, this.deviceId);
        return;
      case 'containment_result':
        await core.containment.answered(this.deviceId, msg);
        return;
      case 'identity':
        // In arrival order: a directory frame is stored before the authentications that name its users.
        this.identityQueue = this.identityQueue.then(() => this.onIdentity(msg.report)).catch((e) => this.failed(e));
        return this.identityQueue;
    }
  }
}

