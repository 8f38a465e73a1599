import type { Kysely } from 'kysely';
import { chunks, type Database } from '../db/index.ts';
import type { CommandRecord, CommandService } from '../commands/index.ts';
import { TERMINAL_STATUSES } from '../commands/index.ts';
import { ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import { toFile } from './rows.ts';
import type { RtrSessions } from './sessions.ts';
import type { Actor } from '../actor.ts';
import type { RtrFile } from './index.ts';

/**
 * Files retrieved with `get`. A row is written when the get is issued (pending) and completed —
 * path, name, digest and size as the blob store holds them — the first time anyone looks after
 * the command ended, so no background job is needed and nothing is missed.
 */
export class RtrFiles {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly commands: CommandService,
    private readonly sessions: RtrSessions,
  ) {}

  /** A session's files (the caller's session, live or not); pending ones only when asked. */
  async list(sessionId: string, caller: Actor, opts: { includePending?: boolean } = {}): Promise<RtrFile[]> {
    await this.sessions.get(sessionId, caller);
    await this.settle({ session_id: sessionId });
    let q = this.db.selectFrom('rtr_files').selectAll().where('session_id', '=', sessionId).where('deleted_at', 'is', null);
    if (!opts.includePending) q = q.where('status', '=', 'complete');
    return (await q.orderBy('id').execute()).map(toFile);
  }

  /** A retrieved file of the caller's session by digest (the newest, if retrieved twice). */
  async find(sessionId: string, sha256: string, caller: Actor): Promise<RtrFile> {
    await this.sessions.get(sessionId, caller);
    await this.settle({ session_id: sessionId });
    const row = await this.db
      .selectFrom('rtr_files')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('sha256', '=', sha256.toLowerCase())
      .where('status', '=', 'complete')
      .where('deleted_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) throw new ServiceError('not_found', `no file with sha256 ${sha256.slice(0, 64)} was retrieved in session ${sessionId.slice(0, 64)}`);
    return toFile(row);
  }

  /** Forget retrieved files of a session; the BlobCollector removes their bytes once nothing else refers to them. */
  async delete(ids: readonly number[], sessionId: string, caller: Actor): Promise<number[]> {
    await this.sessions.get(sessionId, caller);
    const rows = await this.db.selectFrom('rtr_files').select('id').where('session_id', '=', sessionId).where('deleted_at', 'is', null).where('id', 'in', [...ids]).execute();
    const found = rows.map((r) => Number(r.id));
    if (found.length === 0) throw new ServiceError('not_found', `file ${ids.join(', ').slice(0, 100)} not found in session ${sessionId.slice(0, 64)}`);
    const now = nowIso();
    await this.db.updateTable('rtr_files').set({ deleted_at: now, updated_at: now }).where('id', 'in', found).execute();
    return found;
  }

  /** The files of one batch get fan-out (BatchGetCmd's batch_get_cmd_req_id), settled. */
  async forFanout(fanoutId: string, caller: Actor): Promise<RtrFile[]> {
    await this.settle({ fanout_id: fanoutId });
    const rows = await this.db.selectFrom('rtr_files').selectAll().where('fanout_id', '=', fanoutId).where('client_id', '=', caller.id).orderBy('id').execute();
    return rows.map(toFile);
  }

  /**
   * Complete pending rows whose get has ended. A completed get's digest and size are those of the
   * upload this very command completed, as the server hashed the bytes it received (and for the
   * host the command was for) — never what the agent's result claims, so an agent cannot point its
   * "retrieved file" at a blob it did not send. Written a chunk at a time; a chunk that fails is
   * written row by row, so one host's bad row cannot hold back the others'.
   */
  async settle(where: { session_id: string } | { fanout_id: string }): Promise<void> {
    let q = this.db.selectFrom('rtr_files').select(['id', 'command_id']).where('status', '=', 'pending');
    q = 'session_id' in where ? q.where('session_id', '=', where.session_id) : q.where('fanout_id', '=', where.fanout_id);
    const pending = await q.execute();
    if (pending.length === 0) return;
    const done = (await this.commands.getMany(pending.map((p) => p.command_id))).filter((c) => TERMINAL_STATUSES.includes(c.status));
    if (done.length === 0) return;
    const uploads = await this.completedUploads(done);
    const now = nowIso();
    const update = (c: CommandRecord) => {
      const upload = uploads.get(c.id);
      if (c.status !== 'complete') return { status: 'error', error_message: c.error?.message ?? c.status, updated_at: now };
      if (!upload) return { status: 'error', error_message: 'the agent reported the file retrieved, but no upload of it reached the server', updated_at: now };
      const r = c.result ?? {};
      const path = typeof r.path === 'string' ? r.path : undefined;
      const name = typeof r.name === 'string' ? r.name : undefined;
      return { status: 'complete', ...(path ? { path } : {}), ...(name ? { name } : {}), sha256: upload.sha256, size: upload.size, updated_at: now };
    };
    const write = (trx: Kysely<Database>, c: CommandRecord) => trx.updateTable('rtr_files').set(update(c)).where('command_id', '=', c.id).where('status', '=', 'pending').execute();
    for (const group of chunks(done)) {
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const c of group) await write(trx, c);
        });
      } catch {
        for (const c of group) {
          try {
            await write(this.db, c);
          } catch {
            await this.db.updateTable('rtr_files').set({ status: 'error', error_message: 'the retrieved file could not be recorded', updated_at: now }).where('command_id', '=', c.id).where('status', '=', 'pending').execute();
          }
        }
      }
    }
  }

  /** The completed upload of each command, made by the host the command was for. */
  private async completedUploads(commands: readonly CommandRecord[]): Promise<Map<string, { sha256: string; size: number }>> {
    const deviceOf = new Map(commands.filter((c) => c.status === 'complete').map((c) => [c.id, c.device_id]));
    const out = new Map<string, { sha256: string; size: number }>();
    for (const ids of chunks([...deviceOf.keys()])) {
      const rows = await this.db
        .selectFrom('transfers')
        .select(['command_id', 'device_id', 'sha256', 'size'])
        .where('command_id', 'in', ids)
        .where('direction', '=', 'upload')
        .where('status', '=', 'complete')
        .orderBy('completed_at')
        .execute();
      for (const r of rows) if (deviceOf.get(r.command_id) === r.device_id) out.set(r.command_id, { sha256: r.sha256, size: Number(r.size) });
    }
    return out;
  }
}
