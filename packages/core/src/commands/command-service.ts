import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import type { ResponseGuard } from '../guard/index.ts';
import type { Notifier } from '../notify/index.ts';
import type { CoreLog } from '../util/log.ts';
import { CommandDelivery } from './delivery.ts';
import type { AgentResult, CommandRecord, IssueAlsoWrite, IssuedListener, IssueInput, IssueManyResult } from './index.ts';
import { CommandIssuer } from './issuing.ts';
import { RecentCommands } from './recent-commands.ts';
import type { CommandsShared } from './shared.ts';
import { CommandReader } from './waiting.ts';

/**
 * Commands: the dialects issue and wait (issuing.ts, waiting.ts), the agent gateway delivers them
 * and reports back (delivery.ts). One instance per process.
 */
export class CommandService {
  /** Names this process in 'dispatch' notices, so that it skips those it delivered itself. */
  readonly origin: string;
  private readonly issuer: CommandIssuer;
  private readonly reader: CommandReader;
  private readonly delivery: CommandDelivery;

  constructor(db: Kysely<Database>, notifier: Notifier, guard: ResponseGuard, log?: CoreLog) {
    const shared: CommandsShared = { db, notifier, recent: new RecentCommands(), origin: crypto.randomUUID() };
    this.origin = shared.origin;
    this.issuer = new CommandIssuer(shared, guard);
    this.reader = new CommandReader(shared);
    this.delivery = new CommandDelivery(shared, log);
    notifier.subscribe('command_done', ({ ids }) => shared.recent.endedElsewhere(ids));
  }

  // ---- issuing (dialects) ----

  /**
   * Hear of commands the moment this process has stored them (the gateway sends them to the
   * agents it holds without reading them back); other replicas learn of them through 'dispatch'.
   */
  onIssued(listener: IssuedListener): () => void {
    return this.issuer.onIssued(listener);
  }

  /** Told by the gateway which hosts have a welcomed agent connected to this process. */
  setPresence(connected: ((deviceId: string) => boolean) | undefined): void {
    this.issuer.setPresence(connected);
  }

  /** Store a command for one host and hand it to whoever holds the agent. Stored before this resolves. */
  issue(input: IssueInput): Promise<CommandRecord> {
    return this.issuer.issue(input);
  }

  /** Fan out: one command per input, in one transaction; unknown, offline (unless queued) and refused hosts answered per host. */
  issueMany(inputs: IssueInput[], batchId = '', alsoWrite?: IssueAlsoWrite): Promise<IssueManyResult> {
    return this.issuer.issueMany(inputs, batchId, alsoWrite);
  }

  // ---- reading and waiting ----

  get(id: string): Promise<CommandRecord | undefined> {
    return this.reader.get(id);
  }

  /** Records in the order asked (unknown ids left out). */
  getMany(ids: readonly string[]): Promise<CommandRecord[]> {
    return this.reader.getMany(ids);
  }

  listForSession(sessionId: string): Promise<CommandRecord[]> {
    return this.reader.listForSession(sessionId);
  }

  /** Wait until every command is terminal or `timeoutMs` passes; answers their latest records. */
  waitAll(ids: readonly string[], timeoutMs: number): Promise<CommandRecord[]> {
    return this.reader.waitAll(ids, timeoutMs);
  }

  wait(id: string, timeoutMs: number): Promise<CommandRecord> {
    return this.reader.wait(id, timeoutMs);
  }

  /** Cancel a command that has not ended; a sent one is also aborted on its agent. */
  cancel(id: string): Promise<CommandRecord> {
    return this.reader.cancel(id);
  }

  // ---- delivery (agent gateway) ----

  /** Open, unexpired commands for a device, oldest first, a page at a time after `after`. */
  pendingFor(deviceId: string, after?: Pick<CommandRecord, 'created_at' | 'id'>): Promise<CommandRecord[]> {
    return this.delivery.pendingFor(deviceId, after);
  }

  /** Queued commands older than `ageMs` for hosts that are online (a notification may have been missed). */
  queuedOlderThan(ageMs: number, opts: { madeSince?: number; limit?: number } = {}): Promise<CommandRecord[]> {
    return this.delivery.queuedOlderThan(ageMs, opts);
  }

  /** Queued commands of a fan-out, for the replica that holds some of its agents. */
  queuedInBatch(batchId: string): Promise<CommandRecord[]> {
    return this.delivery.queuedInBatch(batchId);
  }

  markSent(id: string, deviceId: string): void {
    this.delivery.markSent(id, deviceId);
  }

  markRunning(id: string, deviceId: string): Promise<void> {
    return this.delivery.markRunning(id, deviceId);
  }

  /** Record an agent's result (only an open command of that device takes it); answers whether it applied. */
  complete(id: string, deviceId: string, result: AgentResult): Promise<boolean> {
    return this.delivery.complete(id, deviceId, result);
  }

  /** End commands whose time ran out (sparing sent or running ones made before `spareSentBefore`); answers how many. */
  expireDue(opts: { spareSentBefore?: string } = {}): Promise<number> {
    return this.delivery.expireDue(opts);
  }

  /** Write every mark and result still waiting in a batch. */
  flush(): Promise<void> {
    return this.delivery.flush();
  }
}
