import { BatchWriter } from '../util/batch-writer.ts';
import { chunks, RowsStatement, type CommandStatus } from '../db/index.ts';
import type { CoreLog } from '../util/log.ts';
import { nowIso, timeOrderedUuidBound } from '../util/ids.ts';
import { oneByOneOnFailure } from '../util/one-by-one.ts';
import type { AgentResult, CommandRecord } from './index.ts';
import { toRecord, withoutNul } from './records.ts';
import type { CommandsShared } from './shared.ts';
import { IS_OPEN, OPEN_STATUSES } from './statuses.ts';

/** How many of a device's pending commands pendingFor reads at once. */
export const PENDING_PAGE = 1000;
/**
 * 'sent' marks wait this long before they are written: most commands answer sooner, and their
 * mark is then dropped (a fan-out to 10,000 hosts that answers within a few seconds saves 10,000
 * updates). A command that runs longer is reported
 * 'running' by its agent after 250 ms anyway. 'sent' only informs: nothing decides on it, and a
 * lost mark costs nothing — the command is re-sent and the agent's journal dedups it.
 */
const SENT_MARK_DELAY_MS = 5000;

/**
 * Results in one statement per chunk of rows: `WITH v(...) AS (VALUES …) UPDATE … FROM v`, which both
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

/** Delivery (the agent gateway's side): what to send, and the marks and results agents report, written in batches. */
export class CommandDelivery {
  private readonly statusWriter: BatchWriter<StatusItem>;
  private readonly resultWriter: BatchWriter<ResultItem>;
  /** 'sent' marks not yet written, by command id. */
  private readonly sentMarks = new Map<string, { id: string; device_id: string; status: 'sent'; at: string }>();
  private sentTimer?: NodeJS.Timeout;

  constructor(
    private readonly shared: CommandsShared,
    log?: CoreLog,
  ) {
    this.statusWriter = new BatchWriter((items) => oneByOneOnFailure(items, (some) => this.writeStatuses(some)), { name: 'command status changes', log });
    this.resultWriter = new BatchWriter((items) => oneByOneOnFailure(items, (some) => this.writeResults(some)), { name: 'command results', log });
  }

  /**
   * Open, unexpired commands for a device, oldest first: what to (re)send when its agent connects.
   * A page at a time: the next page starts after the last command of the one before.
   */
  async pendingFor(deviceId: string, after?: Pick<CommandRecord, 'created_at' | 'id'>): Promise<CommandRecord[]> {
    let query = this.shared.db
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
    let query = this.shared.db
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
    const rows = await this.shared.db.selectFrom('commands').selectAll().where('batch_id', '=', batchId).where(IS_OPEN).where('status', '=', 'queued').execute();
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

  /**
   * End commands whose time ran out; answers how many. With `spareSentBefore`, commands made
   * before then that were sent to (or are running on) their agent are left open for now.
   */
  async expireDue(opts: { spareSentBefore?: string } = {}): Promise<number> {
    let query = this.shared.db
      .updateTable('commands')
      .set({ status: 'timed_out', completed_at: nowIso(), error_code: 'timeout', error_message: 'the command did not complete in time' })
      .where(IS_OPEN)
      .where('status', 'in', OPEN_STATUSES)
      .where('expires_at', '<=', nowIso());
    const spare = opts.spareSentBefore;
    if (spare !== undefined) query = query.where((eb) => eb.or([eb('status', '=', 'queued'), eb('created_at', '>=', spare)]));
    const rows = await query.returning('id').execute();
    if (rows.length) await this.shared.notifier.publish('command_done', { ids: rows.map((r) => r.id) });
    return rows.length;
  }

  private async writeStatuses(items: StatusItem[]): Promise<void> {
    await this.shared.db.transaction().execute(async (trx) => {
      for (const status of ['sent', 'running'] as const) {
        const group = items.filter((i) => i.status === status);
        for (const chunk of chunks(group)) {
          await writeMarkRows[status].execute(trx, chunk.map((c) => [c.id, c.device_id, c.at]));
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
    await this.shared.db.transaction().execute(async (trx) => {
      for (const chunk of chunks(unique)) {
        const values = chunk.map((item) => {
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
      this.shared.recent.ended(id, { status: r.ok ? 'complete' : 'error', sent_at: sentAt.get(id)!, completed_at: at, result: r.ok ? r.data : null, result_cwd: r.cwd, error: r.ok ? null : r.error }, resultBytes.get(id));
    }
    if (done.length) await this.shared.notifier.publish('command_done', { ids: done });
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
