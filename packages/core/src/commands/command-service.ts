import crypto from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/index.ts';
import type { CommandStatus, CommandsTable } from '../db/schema.ts';
import type { Notifier } from '../notify/index.ts';
import { BatchWriter } from '../util/batch-writer.ts';
import { oneByOneOnFailure } from '../util/one-by-one.ts';
import type { CoreLog } from '../util/log.ts';
import { badRequest, notFound, ServiceError } from '../util/errors.ts';
import { nowIso, timeOrderedUuid, timeOrderedUuidBound } from '../util/ids.ts';
import { isOnline } from '../hosts/host-service.ts';
import { capabilityOf, type Capability, type ResponseGuard } from '../guard/index.ts';
import { RecentCommands } from './recent-commands.ts';
import { RowsStatement } from '../db/rows-statement.ts';

export const TERMINAL_STATUSES: readonly CommandStatus[] = ['complete', 'error', 'cancelled', 'timed_out'];
export const OPEN_STATUSES: readonly CommandStatus[] = ['queued', 'sent', 'running'];
/**
 * Every end of a command sets completed_at, so `completed_at is null` also means open: lookups of
 * open commands say so in these words, which is what lets them use the open-only indexes (0009).
 */
export const IS_OPEN = sql<boolean>`completed_at is null`;

const DEFAULT_TIMEOUT_MS = 30_000;
/** How many of a device's pending commands pendingFor reads at once. */
export const PENDING_PAGE = 1000;
const MAX_TIMEOUT_MS = 24 * 3600_000;
/** How long a command for an offline host waits when the caller asked to queue it (Falcon: 7 days). */
const DEFAULT_QUEUE_TTL_MS = 7 * 24 * 3600_000;
/** How often a waiter re-reads the database in case a notification never came. */
const WAIT_POLL_MS = 1000;
/**
 * Commands this process issued are re-read only every so many polls: their notification can be
 * lost only when a PostgreSQL listener reconnects, and re-reading a 10,000-host fan-out every
 * second would stall the very results it waits for.
 */
const OWN_POLL_EVERY = 5;
/** Slack after the agent-side timeout for the result to travel back. */
const RESULT_GRACE_MS = 15_000;
/**
 * 'sent' marks wait this long before they are written: most commands answer sooner, and their
 * mark is then dropped (a fan-out to 10,000 hosts saves 10,000 updates, which a fan-out still
 * answering after one second used to pay in full). A command that runs longer is reported
 * 'running' by its agent after 250 ms anyway. 'sent' only informs: nothing decides on it, and a
 * lost mark costs nothing — the command is re-sent and the agent's journal dedups it.
 */
const SENT_MARK_DELAY_MS = 5000;

const ONLINE = Object.freeze({ online: true });

/** Rows per statement on the bulk paths (SQLite allows 32,766 parameters in one; PostgreSQL 65,535). */
const CHUNK = 500;

/** The columns a new command has: binding the seven that are still null would cost time ×10,000. */
const NEW_COMMAND_COLUMNS = ['id', 'device_id', 'session_id', 'batch_id', 'name', 'args', 'cwd', 'status', 'queue_offline', 'timeout_ms', 'issued_by', 'created_at', 'expires_at'] as const;
const newCommandValues = (r: CommandsTable) => NEW_COMMAND_COLUMNS.map((c) => r[c]);
const insertCommands = new RowsStatement(`insert into commands (${NEW_COMMAND_COLUMNS.join(', ')}) values`, NEW_COMMAND_COLUMNS.length);

/**
 * Results in one statement per CHUNK: `WITH v(...) AS (VALUES …) UPDATE … FROM v`, which both
 * SQLite and PostgreSQL run, instead of one UPDATE per command. Only an open command of the same
 * device takes a result; its 'sent' time is kept if it was written already.
 */
const writeResultRows = new RowsStatement(
  'with v (id, device_id, status, sent_at, completed_at, result, result_cwd, error_code, error_message) as (values',
  9,
  `) update commands set status = v.status, sent_at = coalesce(commands.sent_at, v.sent_at), completed_at = v.completed_at, result = v.result,
      result_cwd = v.result_cwd, error_code = v.error_code, error_message = v.error_message
    from v
    where commands.id = v.id and commands.device_id = v.device_id and commands.status in (${OPEN_STATUSES.map((st) => `'${st}'`).join(', ')})
    returning commands.id, commands.sent_at`,
);

/**
 * 'sent' and 'running' marks, many per statement, each taken only by an open command of the device
 * that reported it: an agent cannot move another host's command.
 */
const markRows = (status: 'sent' | 'running', column: 'sent_at' | 'started_at', from: readonly CommandStatus[]) =>
  new RowsStatement(
    'with v (id, device_id, at) as (values',
    3,
    `) update commands set status = '${status}', ${column} = v.at from v
      where commands.id = v.id and commands.device_id = v.device_id and commands.status in (${from.map((st) => `'${st}'`).join(', ')})`,
  );
const writeMarkRows = { sent: markRows('sent', 'sent_at', ['queued']), running: markRows('running', 'started_at', ['queued', 'sent']) };

/** Result items wait in a batch already serialised: one that cannot be cannot fail the others. */
interface ResultItem {
  id: string;
  device_id: string;
  result: AgentResult;
  /** `result.data` as stored (null for a failure). */
  text: string | null;
  at: string;
  applied?: boolean;
  error?: unknown;
}

type StatusItem = { id: string; device_id: string; status: 'sent' | 'running'; at: string; error?: unknown };

export interface IssueInput {
  device_id: string;
  name: string;
  args?: Record<string, unknown>;
  cwd?: string;
  timeout_ms?: number;
  queue_offline?: boolean;
  queue_ttl_ms?: number;
  issued_by: string;
  session_id?: string;
  /** What response policies judge this command as; derived from `name` when absent. */
  capability?: Capability;
}

/** A command as services see it: its row, with JSON parsed, flags as booleans and the error as one object. */
export type CommandRecord = Omit<CommandsTable, 'args' | 'status' | 'queue_offline' | 'result' | 'error_code' | 'error_message'> & {
  args: Record<string, unknown>;
  status: CommandStatus;
  queue_offline: boolean;
  /** The agent's structured result data (complete) — null otherwise. */
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
};

export interface IssueManyResult {
  batch_id: string;
  commands: CommandRecord[];
  /** Hosts that got no command, and why. */
  refused: { device_id: string; error: ServiceError }[];
  /** Hosts that were offline when their command was stored (it waits for them). */
  offline: Set<string>;
}

/**
 * More rows a caller stores in the same transaction as the commands (a dialect's own log and
 * audit): a command is never stored without them, and one commit costs less than two.
 */
export type IssueAlsoWrite = (trx: Kysely<Database>, issued: Omit<IssueManyResult, 'batch_id'>) => Promise<void>;

/** Told of commands as soon as they are stored, in the process that stored them. */
export type IssuedListener = (commands: readonly CommandRecord[]) => void;

/** What an agent reports for a command. */
export type AgentResult =
  | { ok: true; data: Record<string, unknown>; cwd: string }
  | { ok: false; error: { code: string; message: string }; cwd: string };

type Row = Selectable<CommandsTable>;

export class CommandService {
  /** Names this process in 'dispatch' notices, so that it skips those it delivered itself. */
  readonly origin = crypto.randomUUID();
  private readonly statusWriter: BatchWriter<StatusItem>;
  private readonly resultWriter: BatchWriter<ResultItem>;
  private readonly recent = new RecentCommands();
  private readonly issuedListeners = new Set<IssuedListener>();
  /** 'sent' marks not yet written, by command id. */
  private readonly sentMarks = new Map<string, { id: string; device_id: string; status: 'sent'; at: string }>();
  private sentTimer?: NodeJS.Timeout;
  private connected?: (deviceId: string) => boolean;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly notifier: Notifier,
    private readonly guard: ResponseGuard,
    log?: CoreLog,
  ) {
    this.statusWriter = new BatchWriter((items) => oneByOneOnFailure(items, (some) => this.writeStatuses(some)), { name: 'command status changes', log });
    this.resultWriter = new BatchWriter((items) => oneByOneOnFailure(items, (some) => this.writeResults(some)), { name: 'command results', log });
    notifier.subscribe('command_done', ({ ids }) => this.recent.endedElsewhere(ids));
  }

  /**
   * Hear of commands the moment this process has stored them (the gateway sends them to the
   * agents it holds without reading them back); other replicas learn of them through 'dispatch'.
   */
  onIssued(listener: IssuedListener): () => void {
    this.issuedListeners.add(listener);
    return () => this.issuedListeners.delete(listener);
  }

  /**
   * Told by the gateway which hosts have a welcomed agent connected to this process: those exist
   * and are online without reading their rows (a fan-out to 10,000 such hosts read 10,000 rows
   * for it). Hosts are never deleted, so a connected agent's host always has its row.
   */
  setPresence(connected: ((deviceId: string) => boolean) | undefined): void {
    this.connected = connected;
  }

  // ---- issuing (dialects) ----

  /** Store a command for one host and hand it to whoever holds the agent. Stored before this resolves. */
  async issue(input: IssueInput): Promise<CommandRecord> {
    const result = await this.issueMany([input]);
    if (result.refused.length) throw result.refused[0].error;
    return result.commands[0];
  }

  /**
   * Fan out: one command per input, in one transaction, announced with one notification.
   * Unknown hosts, and offline hosts when not queueing, are refused per host.
   */
  async issueMany(inputs: IssueInput[], batchId = '', alsoWrite?: IssueAlsoWrite): Promise<IssueManyResult> {
    const now = Date.now();
    const hostState = await this.hostStates(inputs.map((i) => i.device_id));
    const refusals = await this.policyRefusals(inputs, hostState);
    const refused: IssueManyResult['refused'] = [];
    const rows: CommandsTable[] = [];
    const records: CommandRecord[] = [];
    const offline = new Set<string>();
    const times = new IssueTimes(now);
    for (const input of inputs) {
      const state = hostState.get(input.device_id);
      if (!state) {
        refused.push({ device_id: input.device_id, error: new ServiceError('not_found', `host ${input.device_id} not found`) });
        continue;
      }
      if (!state.online && !input.queue_offline) {
        refused.push({ device_id: input.device_id, error: new ServiceError('host_offline', 'Sensor appears to be offline') });
        continue;
      }
      // Response policies are enforced here, on every command of every dialect.
      const refusal = refusals.get(input.capability ?? capabilityOf(input.name))?.get(input.device_id);
      if (refusal) {
        refused.push({ device_id: input.device_id, error: refusal });
        continue;
      }
      if (!state.online) offline.add(input.device_id);
      const row = this.newRow(input, batchId, times);
      rows.push(row);
      records.push(toRecord(row, input.args ?? {}));
    }
    if (rows.length) {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += CHUNK) await insertCommands.execute(trx, rows.slice(i, i + CHUNK).map(newCommandValues));
        await alsoWrite?.(trx, { commands: records, refused, offline });
      });
      this.recent.remember(records, rows.map((r) => r.args.length));
      for (const listener of this.issuedListeners) listener(records);
      const origin = this.issuedListeners.size ? this.origin : undefined;
      await this.notifier.publish('dispatch', batchId ? { batch_id: batchId, origin } : { device_ids: [...new Set(rows.map((r) => r.device_id))], origin });
    }
    return { batch_id: batchId, commands: records, refused, offline };
  }

  private newRow(input: IssueInput, batchId: string, times: IssueTimes): CommandsTable {
    const timeout = input.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_MS) throw badRequest(`timeout must be between 1 ms and ${MAX_TIMEOUT_MS} ms`);
    const queueFor = input.queue_offline ? (input.queue_ttl_ms ?? DEFAULT_QUEUE_TTL_MS) : 0;
    return {
      id: timeOrderedUuid(),
      device_id: input.device_id,
      session_id: input.session_id ?? '',
      batch_id: batchId,
      name: input.name,
      args: JSON.stringify(input.args ?? {}),
      cwd: input.cwd ?? '',
      status: 'queued',
      queue_offline: input.queue_offline ? 1 : 0,
      timeout_ms: timeout,
      issued_by: input.issued_by,
      created_at: times.at(0),
      expires_at: times.at(queueFor + timeout + Math.min(RESULT_GRACE_MS, timeout)),
      sent_at: null,
      started_at: null,
      completed_at: null,
      result: null,
      result_cwd: null,
      error_code: null,
      error_message: null,
    };
  }

  /** Guard refusals of a fan-out, asked in bulk per capability (one per host would serialise 10,000 lookups). */
  private async policyRefusals(inputs: IssueInput[], hostState: Map<string, { online: boolean }>): Promise<Map<Capability, Map<string, ServiceError>>> {
    const byCapability = new Map<Capability, string[]>();
    for (const i of inputs) {
      const state = hostState.get(i.device_id);
      if (!state || (!state.online && !i.queue_offline)) continue;
      const cap = i.capability ?? capabilityOf(i.name);
      const ids = byCapability.get(cap);
      if (ids) ids.push(i.device_id);
      else byCapability.set(cap, [i.device_id]);
    }
    const out = new Map<Capability, Map<string, ServiceError>>();
    for (const [cap, ids] of byCapability) out.set(cap, await this.guard.refusals(ids, cap));
    return out;
  }

  private async hostStates(ids: string[]): Promise<Map<string, { online: boolean }>> {
    const out = new Map<string, { online: boolean }>();
    const unique: string[] = [];
    for (const id of new Set(ids)) {
      if (this.connected?.(id)) out.set(id, ONLINE);
      else unique.push(id);
    }
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('hosts')
        .select(['device_id', 'online', 'last_seen'])
        .where('device_id', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(r.device_id, { online: isOnline(r) });
    }
    return out;
  }

  // ---- reading and waiting ----

  async get(id: string): Promise<CommandRecord | undefined> {
    const row = await this.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Records in the order asked (unknown ids left out); ends this process wrote come from memory. */
  async getMany(ids: readonly string[]): Promise<CommandRecord[]> {
    const unique = [...new Set(ids)];
    const byId = new Map<string, CommandRecord>();
    const read: string[] = [];
    for (const id of unique) {
      const known = this.recent.final(id);
      if (known) byId.set(id, known);
      else read.push(id);
    }
    for (let i = 0; i < read.length; i += CHUNK) {
      const rows = await this.db.selectFrom('commands').selectAll().where('id', 'in', read.slice(i, i + CHUNK)).execute();
      for (const r of rows) byId.set(r.id, toRecord(r));
    }
    return unique.map((id) => byId.get(id)).filter((c): c is CommandRecord => !!c);
  }

  async listForSession(sessionId: string): Promise<CommandRecord[]> {
    const rows = await this.db.selectFrom('commands').selectAll().where('session_id', '=', sessionId).orderBy('created_at').execute();
    return rows.map((r) => toRecord(r));
  }

  /** Wait until every command is terminal or `timeoutMs` passes; answers their latest records. */
  async waitAll(ids: readonly string[], timeoutMs: number): Promise<CommandRecord[]> {
    const pending = new Set(ids);
    let wake: () => void = () => {};
    const done = new Promise<void>((resolve) => (wake = resolve));
    const unsubscribe = this.notifier.subscribe('command_done', ({ ids: finished }) => {
      for (const id of finished) pending.delete(id);
      if (pending.size === 0) wake();
    });
    const timer = setTimeout(wake, Math.max(0, timeoutMs));
    let looks = 0;
    const look = async () => {
      // Commands this process issued and has not seen end will be announced when they do: most
      // looks leave them to the notification (every OWN_POLL_EVERY-th reads them, in case it is lost).
      let ids = [...pending];
      const readOwn = looks > 0 && looks % OWN_POLL_EVERY === 0;
      looks++;
      if (!readOwn) {
        for (const id of ids) if (this.recent.hasEnded(id)) pending.delete(id);
        ids = ids.filter((id) => pending.has(id) && !this.recent.isOpenHere(id));
      }
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await this.db.selectFrom('commands').select(['id', 'status']).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
        for (const r of rows) if (TERMINAL_STATUSES.includes(r.status as CommandStatus)) pending.delete(r.id);
      }
      if (pending.size === 0) wake();
    };
    // Notifications are the fast path; a slow poll covers one that was lost (a LISTEN connection
    // re-established, or a writer in another process on SQLite).
    const poll = setInterval(() => void look().catch(() => {}), WAIT_POLL_MS);
    try {
      // Subscribed first, then looked: nothing can finish unseen in between.
      await look();
      if (pending.size) await done;
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
    }
    return this.getMany(ids);
  }

  async wait(id: string, timeoutMs: number): Promise<CommandRecord> {
    const [c] = await this.waitAll([id], timeoutMs);
    if (!c) throw notFound(`command ${id} not found`);
    return c;
  }

  /** Cancel a command that has not ended. A sent one is also aborted on its agent, if it is still running there. */
  async cancel(id: string): Promise<CommandRecord> {
    const current = await this.get(id);
    if (!current) throw notFound(`command ${id} not found`);
    if (TERMINAL_STATUSES.includes(current.status)) throw new ServiceError('conflict', `command ${id} has already ended (${current.status})`);
    const now = nowIso();
    const res = await this.db
      .updateTable('commands')
      .set({ status: 'cancelled', completed_at: now, error_code: 'cancelled', error_message: 'cancelled by request' })
      .where('id', '=', id)
      .where('status', 'in', OPEN_STATUSES)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return (await this.get(id))!;
    // Told to the agent even when the command still reads 'queued': its 'sent' mark may not be written yet.
    await this.notifier.publish('cancel', { id, device_id: current.device_id });
    await this.notifier.publish('command_done', { ids: [id] });
    return (await this.get(id))!;
  }

  // ---- delivery (agent gateway) ----

  /**
   * Open, unexpired commands for a device, oldest first: what to (re)send when its agent connects.
   * A page at a time: the next page starts after the last command of the one before.
   */
  async pendingFor(deviceId: string, after?: Pick<CommandRecord, 'created_at' | 'id'>): Promise<CommandRecord[]> {
    let query = this.db
      .selectFrom('commands')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where(IS_OPEN)
      .where('status', 'in', OPEN_STATUSES)
      .where('expires_at', '>', nowIso());
    if (after) query = query.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
    const rows = await query.orderBy('created_at').orderBy('id').limit(PENDING_PAGE).execute();
    return rows.map((r) => toRecord(r));
  }

  /**
   * Queued commands older than `ageMs` for hosts that are online: a notification for them may have
   * been missed, since an online host's commands are normally sent within milliseconds. Commands
   * waiting for offline hosts (queue_offline keeps them up to a week) are left out: a fleet with
   * many of those would otherwise have them read every sweep, and past `limit` they would hide
   * the missed ones. With `madeSince`, only commands made since then, read through the index of
   * open commands by (time-ordered) id instead of every open command.
   */
  async queuedOlderThan(ageMs: number, opts: { madeSince?: number; limit?: number } = {}): Promise<CommandRecord[]> {
    const before = Date.now() - ageMs;
    let query = this.db
      .selectFrom('commands')
      .innerJoin('hosts', 'hosts.device_id', 'commands.device_id')
      .selectAll('commands')
      .where(IS_OPEN)
      .where('commands.status', '=', 'queued')
      .where('commands.created_at', '<', new Date(before).toISOString())
      .where('commands.expires_at', '>', nowIso())
      .where('hosts.online', '=', 1);
    if (opts.madeSince !== undefined) query = query.where('commands.id', '>=', timeOrderedUuidBound(opts.madeSince));
    const rows = await query.orderBy('commands.created_at').limit(opts.limit ?? 5000).execute();
    return rows.map((r) => toRecord(r));
  }

  /** Queued commands of a fan-out, for the replica that holds some of its agents. */
  async queuedInBatch(batchId: string): Promise<CommandRecord[]> {
    const rows = await this.db.selectFrom('commands').selectAll().where('batch_id', '=', batchId).where(IS_OPEN).where('status', '=', 'queued').execute();
    return rows.map((r) => toRecord(r));
  }

  /** Recorded a moment later, unless the command has answered by then (SENT_MARK_DELAY_MS). */
  markSent(id: string, deviceId: string): void {
    this.sentMarks.set(id, { id, device_id: deviceId, status: 'sent', at: nowIso() });
    this.sentTimer ??= setTimeout(() => {
      // Results already received but not yet written take their marks with them: write those first.
      void this.resultWriter.flush().then(() => {
        this.sentTimer = undefined;
        const marks = [...this.sentMarks.values()];
        this.sentMarks.clear();
        for (const m of marks) void this.statusWriter.add(m).catch(() => {});
      });
    }, SENT_MARK_DELAY_MS);
    this.sentTimer.unref();
  }

  /** Only an open command of that same device is marked. */
  markRunning(id: string, deviceId: string): Promise<void> {
    const item: StatusItem = { id, device_id: deviceId, status: 'running', at: nowIso() };
    return this.statusWriter.add(item).then(() => {
      if (item.error) throw item.error;
    });
  }

  /**
   * Record an agent's result. Only an open command of that same device takes it: a late result
   * for a cancelled or timed-out command, or one naming another host's command, changes nothing.
   * Resolves once the result is durable (the agent may then forget it); answers whether it applied.
   */
  complete(id: string, deviceId: string, result: AgentResult): Promise<boolean> {
    result = withoutNul(result);
    let text: string | null = null;
    if (result.ok) {
      try {
        text = JSON.stringify(result.data);
      } catch (e) {
        result = { ok: false, error: { code: 'invalid_result', message: `the agent's result could not be stored: ${(e as Error).message}` }, cwd: result.cwd };
      }
    }
    const item: ResultItem = { id, device_id: deviceId, result, text, at: nowIso(), applied: false };
    return this.resultWriter.add(item).then(() => {
      if (item.error) throw item.error;
      return item.applied!;
    });
  }

  /** End commands whose time ran out; answers how many. */
  async expireDue(): Promise<number> {
    const rows = await this.db
      .updateTable('commands')
      .set({ status: 'timed_out', completed_at: nowIso(), error_code: 'timeout', error_message: 'the command did not complete in time' })
      .where(IS_OPEN)
      .where('status', 'in', OPEN_STATUSES)
      .where('expires_at', '<=', nowIso())
      .returning('id')
      .execute();
    if (rows.length) await this.notifier.publish('command_done', { ids: rows.map((r) => r.id) });
    return rows.length;
  }

  private async writeStatuses(items: StatusItem[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const status of ['sent', 'running'] as const) {
        const group = items.filter((i) => i.status === status);
        for (let i = 0; i < group.length; i += CHUNK) {
          await writeMarkRows[status].execute(trx, group.slice(i, i + CHUNK).map((c) => [c.id, c.device_id, c.at]));
        }
      }
    });
  }

  /** Results of many commands at once (a 10,000-host fan-out answers within a few milliseconds of itself). */
  private async writeResults(items: ResultItem[]): Promise<void> {
    const done: string[] = [];
    const first = new Map<string, (typeof items)[number]>();
    // A result proves the command was sent: its unwritten 'sent' mark rides along.
    const sentAt = new Map<string, string>();
    for (const item of items) {
      const mark = this.sentMarks.get(item.id);
      if (mark) {
        sentAt.set(item.id, mark.at);
        this.sentMarks.delete(item.id);
      }
      if (!first.has(item.id)) first.set(item.id, item);
    }
    const unique = [...first.values()];
    const resultBytes = new Map<string, number>();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < unique.length; i += CHUNK) {
        const values = unique.slice(i, i + CHUNK).map((item) => {
          const r = item.result;
          if (item.text) resultBytes.set(item.id, item.text.length);
          return [item.id, item.device_id, r.ok ? 'complete' : 'error', sentAt.get(item.id) ?? item.at, item.at, item.text, r.cwd, r.ok ? null : r.error.code, r.ok ? null : r.error.message];
        });
        for (const row of await writeResultRows.execute<{ id: string; sent_at: string }>(trx, values)) {
          done.push(row.id);
          sentAt.set(row.id, row.sent_at);
        }
      }
    });
    const applied = new Set(done);
    for (const item of items) item.applied = first.get(item.id) === item && applied.has(item.id);
    for (const id of done) {
      const { result: r, at } = first.get(id)!;
      this.recent.ended(id, { status: r.ok ? 'complete' : 'error', sent_at: sentAt.get(id)!, completed_at: at, result: r.ok ? r.data : null, result_cwd: r.cwd, error: r.ok ? null : r.error }, resultBytes.get(id));
    }
    if (done.length) await this.notifier.publish('command_done', { ids: done });
  }

  async flush(): Promise<void> {
    if (this.sentTimer) {
      clearTimeout(this.sentTimer);
      this.sentTimer = undefined;
      for (const m of this.sentMarks.values()) void this.statusWriter.add(m).catch(() => {});
      this.sentMarks.clear();
    }
    await this.statusWriter.flush();
    await this.resultWriter.flush();
  }
}

/**
 * The texts stored as they are (cwd, error) with any NUL character replaced: PostgreSQL text
 * cannot hold one, and one agent's NUL would otherwise fail the write of its whole batch. (NULs
 * inside `data` are escaped by JSON.)
 */
function withoutNul(r: AgentResult): AgentResult {
  const clean = (s: string) => (s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s);
  if (r.ok) return r.cwd.includes('\0') ? { ...r, cwd: clean(r.cwd) } : r;
  return { ok: false, cwd: clean(r.cwd), error: { code: clean(r.error.code), message: clean(r.error.message) } };
}

/** ISO times at offsets from one moment, each formatted once: a fan-out's commands share them. */
class IssueTimes {
  private readonly texts = new Map<number, string>();
  constructor(private readonly now: number) {}
  at(offsetMs: number): string {
    let text = this.texts.get(offsetMs);
    if (text === undefined) this.texts.set(offsetMs, (text = new Date(this.now + offsetMs).toISOString()));
    return text;
  }
}

/** `args` when the caller has them parsed already. */
function toRecord(r: Row | CommandsTable, args?: Record<string, unknown>): CommandRecord {
  return {
    id: r.id,
    device_id: r.device_id,
    session_id: r.session_id,
    batch_id: r.batch_id,
    name: r.name,
    args: args ?? JSON.parse(r.args),
    cwd: r.cwd,
    status: r.status as CommandStatus,
    queue_offline: !!r.queue_offline,
    timeout_ms: r.timeout_ms,
    issued_by: r.issued_by,
    created_at: r.created_at,
    expires_at: r.expires_at,
    sent_at: r.sent_at,
    started_at: r.started_at,
    completed_at: r.completed_at,
    result: r.result ? JSON.parse(r.result) : null,
    result_cwd: r.result_cwd,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
  };
}
