import { chunks, type CommandStatus } from '../db/index.ts';
import { notFound, ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import type { CommandRecord } from './index.ts';
import { toRecord } from './records.ts';
import type { CommandsShared } from './shared.ts';
import { OPEN_STATUSES, TERMINAL_STATUSES } from './statuses.ts';

/** How often a waiter re-reads the database in case a notification never came. */
const WAIT_POLL_MS = 1000;
/**
 * Commands this process issued are re-read only every so many polls: their notification can be
 * lost only when a PostgreSQL listener reconnects, and re-reading a 10,000-host fan-out every
 * second would stall the very results it waits for.
 */
const OWN_POLL_EVERY = 5;

/** Reading commands, waiting for them to end, and cancelling them. */
export class CommandReader {
  constructor(private readonly shared: CommandsShared) {}

  async get(id: string): Promise<CommandRecord | undefined> {
    const row = await this.shared.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Records in the order asked (unknown ids left out); ends this process wrote come from memory. */
  async getMany(ids: readonly string[]): Promise<CommandRecord[]> {
    const unique = [...new Set(ids)];
    const byId = new Map<string, CommandRecord>();
    const read: string[] = [];
    for (const id of unique) {
      const known = this.shared.recent.final(id);
      if (known) byId.set(id, known);
      else read.push(id);
    }
    for (const chunk of chunks(read)) {
      const rows = await this.shared.db.selectFrom('commands').selectAll().where('id', 'in', chunk).execute();
      for (const r of rows) byId.set(r.id, toRecord(r));
    }
    return unique.map((id) => byId.get(id)).filter((c): c is CommandRecord => !!c);
  }

  async listForSession(sessionId: string): Promise<CommandRecord[]> {
    const rows = await this.shared.db.selectFrom('commands').selectAll().where('session_id', '=', sessionId).orderBy('created_at').execute();
    return rows.map((r) => toRecord(r));
  }

  /** Wait until every command is terminal or `timeoutMs` passes; answers their latest records. */
  async waitAll(ids: readonly string[], timeoutMs: number): Promise<CommandRecord[]> {
    const pending = new Set(ids);
    let wake: () => void = () => {};
    const done = new Promise<void>((resolve) => (wake = resolve));
    const unsubscribe = this.shared.notifier.subscribe('command_done', ({ ids: finished }) => {
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
        for (const id of ids) if (this.shared.recent.hasEnded(id)) pending.delete(id);
        ids = ids.filter((id) => pending.has(id) && !this.shared.recent.isOpenHere(id));
      }
      for (const chunk of chunks(ids)) {
        const rows = await this.shared.db.selectFrom('commands').select(['id', 'status']).where('id', 'in', chunk).execute();
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
    const res = await this.shared.db
      .updateTable('commands')
      .set({ status: 'cancelled', completed_at: now, error_code: 'cancelled', error_message: 'cancelled by request' })
      .where('id', '=', id)
      .where('status', 'in', OPEN_STATUSES)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return (await this.get(id))!;
    // Told to the agent even when the command still reads 'queued': its 'sent' mark may not be written yet.
    await this.shared.notifier.publish('cancel', { id, device_id: current.device_id });
    await this.shared.notifier.publish('command_done', { ids: [id] });
    return (await this.get(id))!;
  }
}
