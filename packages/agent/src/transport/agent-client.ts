import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { AGENT_PROTOCOL_VERSION, RESULT_BLOB_MAX_BYTES, type GatewayMessage, type IdentityReportFrame } from '@riposte/spec';
import type { CommandRequest, CommandResult, Executor, FileTransfers, Inventory } from '../commands/index.ts';
import type { Journal } from './journal.ts';
import type { AgentIdentity } from './identity.ts';
import { resultJson } from './result-json.ts';
import { ResultOffload, boundResult, tooLargeInline } from './result-offload.ts';
import { isTimeout, RunningCommand } from './running-command.ts';
import type { ContainmentOrder } from '../containment/index.ts';
import { tlsRequestOptions, type AgentTls } from './tls.ts';

export interface AgentClientOptions {
  identity: AgentIdentity;
  executor: Executor;
  journal: Journal;
  /** File transfers for get/put, given a way to find a command's transfer token. */
  transfers(tokenFor: (commandId: string) => string | undefined): FileTransfers;
  /** How many commands run at once; the rest wait their turn. */
  maxConcurrent?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** No ping from the server for this long means the connection is dead. */
  deadAfterMs?: number;
  /** How often the inventory is re-read and re-sent when it changed (0: never). */
  inventoryEveryMs?: number;
  /** Where results too large for the control channel wait for their upload (default: a private temp dir). */
  spoolDir?: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  /** CA to trust for a wss:// server, or no checking at all (see tls.ts). */
  tls?: AgentTls;
}

/**
 * The agent's side of the control channel: one WebSocket, re-opened with exponential backoff and
 * jitter; commands run through the executor under the journal's at-most-once rule.
 * Emits 'connected', 'disconnected', 'result' (id), and 'unauthorized' when the server does not
 * accept this identity (revoked, or enrolled with another server): retrying cannot fix that.
 */
export class AgentClient extends EventEmitter {
  private ws?: WebSocket;
  private stopped = false;
  private attempt = 0;
  private deadTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private inventoryTimer?: NodeJS.Timeout;
  private lastInventory = '';
  private readonly running = new Map<string, RunningCommand>();
  private readonly waiting: (() => void)[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly transfers: FileTransfers;
  private active = 0;
  /** Sent for a command still running after STARTED_NOTICE_MS. */
  private readonly noticeStarted = (id: string) => this.send({ t: 'started', id });

  private readonly offload: ResultOffload;
  /** Commands waiting for the server's answer to an output upload request. */
  private readonly uploadWaiters = new Map<string, (answer: { token?: string; refused?: string }) => void>();
  /** Asks the server for a token to upload a command's whole output; resolves once it is in `tokens`. */
  private readonly requestUpload = (id: string, size: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (!this.connected) return reject(new Error('not connected to the server'));
      const timer = setTimeout(() => answer({ refused: 'the server did not answer the upload request' }), 60_000);
      const answer = (a: { token?: string; refused?: string }) => {
        clearTimeout(timer);
        this.uploadWaiters.delete(id);
        if (!a.token) return reject(new Error(a.refused ?? 'the server refused the upload'));
        this.tokens.set(id, a.token);
        resolve();
      };
      this.uploadWaiters.set(id, answer);
      this.send({ t: 'result_upload', id, size, purpose: 'output' });
    });
  /** Containment orders, applied one after another. */
  private containment: Promise<void> = Promise.resolve();

  constructor(private readonly opts: AgentClientOptions) {
    super();
    this.transfers = opts.transfers((id) => this.tokens.get(id));
    this.offload = new ResultOffload({
      transfers: this.transfers,
      setToken: (id, token) => this.tokens.set(id, token),
      send: (frame) => this.connected && this.ws!.send(frame),
      connected: () => this.connected,
      undeliverable: (id, result) => this.finish(id, result),
      log: (level, msg, extra) => this.log(level, msg, extra),
      spoolDir: opts.spoolDir,
    });
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    this.connect();
    const every = this.opts.inventoryEveryMs ?? 300_000;
    if (every > 0) {
      this.inventoryTimer = setInterval(() => void this.sendInventory('inventory'), every);
      this.inventoryTimer.unref();
    }
  }

  /** Close the connection and stop reconnecting; commands already running finish in the background. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.deadTimer);
    clearInterval(this.inventoryTimer);
    this.ws?.close(1000, 'agent stopping');
    this.ws?.terminate();
    this.offload.close();
  }

  private connect(): void {
    const url = new URL('/agent/v1/connect', this.opts.identity.server_url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, {
      headers: { authorization: `Agent ${this.opts.identity.device_id}:${this.opts.identity.agent_secret}` },
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
      ...tlsRequestOptions(this.opts.tls),
    });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.watchdog();
      void this.sendInventory('hello');
    });
    ws.on('ping', () => this.watchdog());
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('unexpected-response', (_req, res) => {
      this.log('warn', `server refused the connection: ${res.statusCode}`);
      if (res.statusCode === 401) this.emit('unauthorized');
      ws.terminate();
    });
    ws.on('error', (err) => this.log('warn', `connection error: ${err.message}`));
    ws.on('close', () => {
      clearTimeout(this.deadTimer);
      if (this.ws === ws) this.ws = undefined;
      this.offload.disconnected();
      this.emit('disconnected');
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.opts.reconnectMinMs ?? 500;
    const max = this.opts.reconnectMaxMs ?? 30_000;
    const base = Math.min(max, min * 2 ** this.attempt++);
    // Full jitter: a fleet that lost its server does not come back in one wave.
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private watchdog(): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = setTimeout(() => this.ws?.terminate(), this.opts.deadAfterMs ?? 75_000);
  }

  private send(msg: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Inline when it fits a frame; otherwise as a blob over the transfer path (or an error when too large even for that). */
  private sendResult(id: string, result: CommandResult): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    const json = resultJson(result);
    const frame = `{"t":"result","id":${JSON.stringify(id)},"result":${json}}`;
    if (!tooLargeInline(frame)) return this.ws.send(frame);
    if (this.offload.offer(id, json)) return;
    this.finish(id, {
      ok: false,
      error: { code: 'too_large', message: `the result (${Buffer.byteLength(json)} bytes of JSON) exceeds the ${RESULT_BLOB_MAX_BYTES}-byte cap on results` },
      cwd: result.cwd,
    });
  }

  private async sendInventory(kind: 'hello' | 'inventory'): Promise<void> {
    let inventory: Inventory;
    try {
      inventory = await this.opts.executor.inventory();
    } catch (e) {
      this.log('error', `inventory failed: ${(e as Error).message}`);
      return;
    }
    const text = JSON.stringify(inventory);
    if (kind === 'inventory' && text === this.lastInventory) return;
    this.lastInventory = text;
    this.send(kind === 'hello' ? { t: 'hello', protocol: AGENT_PROTOCOL_VERSION, inventory } : { t: 'inventory', inventory });
  }

  /** Apply a containment order and say how it went. */
  private async onContainment(order: ContainmentOrder): Promise<void> {
    try {
      if (!this.opts.executor.containment) throw new Error('network containment is not supported by this agent');
      await this.opts.executor.containment(order, this.opts.identity.server_url);
      this.send({ t: 'containment_result', action: order.action, ok: true });
      this.log('info', `containment: ${order.action} applied`);
    } catch (err) {
      this.send({ t: 'containment_result', action: order.action, ok: false, error: (err as Error).message.slice(0, 1024) });
      this.log('error', `containment: ${order.action} failed`, { err: (err as Error).message });
    }
  }

  private onMessage(text: string): void {
    let msg: GatewayMessage;
    try {
      msg = JSON.parse(text);
    } catch {
      this.log('warn', 'unparseable message from server');
      return;
    }
    switch (msg.t) {
      case 'welcome':
        this.emit('connected');
        // Results produced while disconnected: the server may not have them.
        for (const [id, result] of this.opts.journal.unacknowledged()) this.sendResult(id, result);
        return;
      case 'command':
        if (msg.acks) this.acked(msg.acks);
        if (msg.transfer) this.tokens.set(msg.command.id, msg.transfer.token);
        void this.onCommand(msg.command as CommandRequest);
        return;
      case 'cancel':
        this.running.get(msg.id)?.abort(new Error('cancelled'));
        return;
      case 'containment':
        this.containment = this.containment.then(() => this.onContainment(msg.action === 'contain' ? { action: 'contain', allow: msg.allow } : { action: 'lift' }));
        return;
      case 'result_ack':
        for (const r of msg.refused ?? []) this.log('error', `the server refused the result of ${r.id}: ${r.reason}`, { command_id: r.id });
        this.acked(msg.ids);
        return;
      case 'result_upload': {
        const waiter = this.uploadWaiters.get(msg.id);
        if (waiter) waiter(msg);
        else if (msg.token) this.offload.granted(msg.id, msg.token);
        return;
      }
      case 'error':
        this.log('warn', `server: ${msg.message}`);
        return;
      case 'identity_blocks':
        this.emit('identity_blocks', msg.blocks);
        return;
    }
  }

  /** Identity sensors: one report frame; false when not connected (the sensor keeps it for later). */
  sendIdentity(report: IdentityReportFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ t: 'identity', report }));
    return true;
  }

  /** The server stored these results: the journal may forget them. */
  private acked(ids: string[]): void {
    for (const id of ids) {
      this.tokens.delete(id);
      this.offload.acked(id);
      try {
        this.opts.journal.acked(id);
      } catch (e) {
        // The result stays in the journal and is re-sent after a restart: stored once, acked again.
        this.log('error', `could not journal the acknowledgement of ${id}: ${(e as Error).message}`, { command_id: id });
      }
    }
  }

  private onCommand(cmd: CommandRequest): void {
    // Already here, waiting for a slot or running: its result will follow.
    if (this.running.has(cmd.id)) return;
    const entry = this.opts.journal.get(cmd.id);
    // The server stored its result already: this is a late copy, from a read made before that.
    if (entry?.state === 'acked') return;
    if (entry?.state === 'result') return this.sendResult(cmd.id, entry.result);
    if (entry?.state === 'started') {
      // Started before the agent stopped: it may have had effects, so it is not run again.
      return this.finish(cmd.id, {
        ok: false,
        error: { code: 'failed', message: 'the agent stopped while this command was running; it is not run again so that it runs at most once' },
        cwd: cmd.cwd,
      });
    }
    const run = new RunningCommand(cmd, this.transfers, this.requestUpload);
    this.running.set(cmd.id, run);
    // Taken synchronously when free: a fan-out's command starts within the frame that brought it.
    if (this.active < (this.opts.maxConcurrent ?? 4)) {
      this.active++;
      void this.run(run);
    } else {
      this.waiting.push(() => {
        this.active++;
        void this.run(run);
      });
    }
  }

  private async run(run: RunningCommand): Promise<void> {
    const cmd = run.req;
    if (run.aborted) {
      // Cancelled while waiting for a slot: it never ran.
      this.running.delete(cmd.id);
      return this.finishThenRelease(cmd.id, { ok: false, error: { code: 'failed', message: 'cancelled before it started' }, cwd: cmd.cwd });
    }
    // Journaled (and synced) only once it is about to run: a command still waiting when the agent
    // dies was never started, so it may safely run after the restart.
    try {
      this.opts.journal.started(cmd.id);
    } catch (e) {
      // Without its `started` line a command could run twice: it is not run at all.
      this.running.delete(cmd.id);
      const message = `the agent could not record this command in its journal (${(e as Error).message}); it was not run`;
      this.log('error', message, { command_id: cmd.id });
      this.sendResult(cmd.id, { ok: false, error: { code: 'failed', message }, cwd: cmd.cwd });
      this.emit('result', cmd.id);
      return this.release();
    }
    // Most commands finish in milliseconds: tell the server a command is running only when it
    // is still running a moment later, which spares a fan-out one message and one write per host.
    run.startTimer(this.noticeStarted);
    let result: CommandResult;
    try {
      result = await this.opts.executor.execute(cmd, run);
      // A cancel (not the timeout) that came while it ran: it did not complete as asked.
      if (run.aborted && result.ok && !isTimeout(run.reason)) result = { ok: false, error: { code: 'failed', message: 'cancelled' }, cwd: cmd.cwd };
    } catch (e) {
      result = { ok: false, error: { code: 'failed', message: (e as Error).message }, cwd: cmd.cwd };
    } finally {
      clearTimeout(run.timer);
      this.running.delete(cmd.id);
    }
    this.finishThenRelease(cmd.id, result);
  }

  /** The result goes out before the next waiting command starts (release() starts it synchronously). */
  private finishThenRelease(id: string, result: CommandResult): void {
    try {
      this.finish(id, result);
    } finally {
      this.release();
    }
  }

  private finish(id: string, produced: CommandResult): void {
    const result = boundResult(produced);
    try {
      this.opts.journal.result(id, result);
    } catch (e) {
      // Still sent: the server stores it; only a re-send after an agent restart is lost.
      this.log('error', `could not journal the result of ${id}: ${(e as Error).message}`, { command_id: id });
    }
    this.sendResult(id, result);
    this.emit('result', id);
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  private log(level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>): void {
    this.opts.log?.(level, msg, { device_id: this.opts.identity.device_id, ...extra });
  }
}
