import type { AgentRevocations } from '../hosts/index.ts';
import type { CommandService } from './command-service.ts';
import type { CommandRecord } from './index.ts';

/** A queued command of an online host still unsent after this long had its notification missed. */
const MISSED_AFTER_MS = 2000;
/** How far a sweep looks back past the previous one's end: a large fan-out commits some seconds after its ids were made. */
const SWEEP_OVERLAP_MS = 30_000;
/** How often a sweep looks at every open command, not just recent ones. */
const FULL_SWEEP_EVERY_MS = 5 * 60_000;
/** How far before the newest revocation seen each look for revoked agents starts. */
const REVOCATION_LOOKBACK_MS = 30_000;
/**
 * After the sweeper starts, how long commands that an earlier run of the server sent to agents
 * (status sent or running) are not timed out even if their time ran out: the server may have been
 * down, and an agent that finished such a command meanwhile re-sends the result it journaled once
 * it reconnects. Agents back off to at most 30 s between attempts (AgentClient), so a minute lets
 * the whole fleet back in. Queued commands, never sent, expire as usual.
 */
export const AGENT_RECONNECT_GRACE_MS = 60_000;

/** What the sweeper asks of the process that holds agents' connections (the agent gateway). */
export interface SweptAgents {
  /** Whether this process holds any agent: missed commands and revocations matter only then. */
  holdsAgents(): boolean;
  /** Send a queued command whose notification was missed to its agent, if it is held here. */
  resend(command: CommandRecord): Promise<void>;
  /** Close the connection of an agent whose identity was revoked, if it is held here. */
  revoked(deviceId: string): void;
}

export interface SweeperOptions {
  /** Time between sweeps (default 1 s). */
  intervalMs?: number;
  /** Reconnect grace after start for commands sent before it (default AGENT_RECONNECT_GRACE_MS). */
  reconnectGraceMs?: number;
  /** Told of a sweep that failed; the next one runs as usual. */
  onError(err: unknown): void;
}

/**
 * Times out expired commands (after a reconnect grace for those an earlier run of the server had
 * sent to agents: see AGENT_RECONNECT_GRACE_MS), re-sends queued ones whose notification was
 * missed (issued by another process on SQLite, or while a LISTEN connection was re-established),
 * and closes revoked agents' connections. A missed command was made moments ago, so most sweeps look only at
 * commands made since the previous one (with an overlap for slow commits); now and then a sweep
 * looks at all of them. Revocations are read from the database (the CLI or another replica may
 * have revoked), looking back a while past the newest one seen so that a revoker whose clock is a
 * little behind is not missed.
 */
export class CommandSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private sweptUpTo: number | undefined;
  private lastFullSweep = 0;
  private newestRevocation = new Date().toISOString();
  /** When this sweeper was made: commands made before then were sent, if at all, by an earlier run. */
  private readonly madeAt = Date.now();

  constructor(
    private readonly commands: CommandService,
    private readonly revocations: AgentRevocations,
    private readonly agents: SweptAgents,
    private readonly opts: SweeperOptions,
  ) {}

  /** Sweep every interval from now on; a sweep still running when the next is due is not doubled. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err) => this.opts.onError(err))
        .finally(() => (this.running = undefined));
    }, this.opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** Stop sweeping; resolves once a sweep in progress has finished. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep. */
  async sweep(): Promise<void> {
    await this.closeRevoked();
    await this.commands.expireDue(this.inReconnectGrace() ? { spareSentBefore: new Date(this.madeAt).toISOString() } : {});
    if (!this.agents.holdsAgents()) return;
    const now = Date.now();
    const full = this.sweptUpTo === undefined || now - this.lastFullSweep >= FULL_SWEEP_EVERY_MS;
    const missed = await this.commands.queuedOlderThan(MISSED_AFTER_MS, full ? {} : { madeSince: this.sweptUpTo! - SWEEP_OVERLAP_MS });
    if (full) this.lastFullSweep = now;
    this.sweptUpTo = now - MISSED_AFTER_MS;
    for (const c of missed) await this.agents.resend(c);
  }

  private inReconnectGrace(): boolean {
    return Date.now() - this.madeAt < (this.opts.reconnectGraceMs ?? AGENT_RECONNECT_GRACE_MS);
  }

  private async closeRevoked(): Promise<void> {
    if (!this.agents.holdsAgents()) return;
    const lookBack = new Date(Date.parse(this.newestRevocation) - REVOCATION_LOOKBACK_MS).toISOString();
    const { device_ids, latest } = await this.revocations.since(lookBack);
    if (latest > this.newestRevocation) this.newestRevocation = latest;
    for (const id of device_ids) this.agents.revoked(id);
  }
}
