import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { chunks, type Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import { ServiceError } from '../util/errors.ts';
import { nowIso, plusMs } from '../util/ids.ts';
import { INSERT_CHUNK, toSession } from './rows.ts';
import type { RtrSessions } from './sessions.ts';
import type { Actor } from '../actor.ts';
import { SESSION_IDLE_MS, type RtrSession } from './index.ts';

export interface RtrBatch {
  id: string;
  client_id: string;
  queue_offline: boolean;
  created_at: string;
  expires_at: string;
  /** Its live sessions, one per host. */
  sessions: RtrSession[];
}

const notFound = (id: string) => new ServiceError('not_found', `batch ${id.slice(0, 64)} not found`);

/**
 * Batches: sessions opened together over many hosts (up to 10,000). Everything is done in bulk —
 * host lookups, inserts and expiry updates per chunk, never per host.
 */
export class RtrBatches {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessions: RtrSessions,
    private readonly audit: AuditService,
  ) {}

  /**
   * Open sessions on hosts, in a new batch or added to an existing one. Hosts that cannot have a
   * session are refused per host; when none can, nothing is written and `batch` is undefined.
   */
  async init(
    deviceIds: readonly string[],
    caller: Actor,
    opts: { queue_offline: boolean; existing_batch_id?: string; origin?: string },
  ): Promise<{ batch?: RtrBatch; created: RtrSession[]; refused: { device_id: string; error: ServiceError }[] }> {
    const existing = opts.existing_batch_id ? await this.get(opts.existing_batch_id, caller) : undefined;
    const already = new Set(existing?.sessions.map((s) => s.device_id));
    const batchId = existing?.id ?? crypto.randomUUID();
    const wanted = [...new Set(deviceIds)].filter((id) => !already.has(id));
    const queueOffline = opts.queue_offline || !!existing?.queue_offline;
    const { rows, refused } = await this.sessions.prepare(wanted, caller, { origin: opts.origin ?? '', queue_offline: queueOffline, batch_id: batchId });
    if (rows.length === 0 && !existing) return { created: [], refused };
    const now = nowIso();
    const expires = plusMs(now, SESSION_IDLE_MS);
    await this.db.transaction().execute(async (trx) => {
      if (existing) await trx.updateTable('rtr_batches').set({ updated_at: now, expires_at: expires }).where('id', '=', batchId).execute();
      else await trx.insertInto('rtr_batches').values({ id: batchId, client_id: caller.id, queue_offline: queueOffline ? 1 : 0, created_at: now, updated_at: now, expires_at: expires }).execute();
      for (const chunk of chunks(rows, INSERT_CHUNK)) await trx.insertInto('rtr_sessions').values(chunk).execute();
      await this.audit.record(
        { actor: caller, action: existing ? 'rtr_batch.extend' : 'rtr_batch.create', target_type: 'rtr_batch', target_id: batchId, details: { hosts: rows.length, refused: refused.length } },
        trx,
      );
    });
    if (existing) await this.touch(batchId);
    const created = rows.map(toSession);
    return { batch: await this.get(batchId, caller), created, refused };
  }

  /** The caller's live batch and its live sessions; unknown, foreign and expired batches are 404s. */
  async get(batchId: string, caller: Actor): Promise<RtrBatch> {
    const row = await this.db.selectFrom('rtr_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    if (!row || row.client_id !== caller.id) throw notFound(batchId);
    const now = nowIso();
    if (row.expires_at <= now) throw new ServiceError('not_found', `batch ${batchId} has expired after ${SESSION_IDLE_MS / 60_000} minutes without use; start a new batch`);
    const sessions = await this.db
      .selectFrom('rtr_sessions')
      .selectAll()
      .where('batch_id', '=', batchId)
      .where('deleted_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('device_id')
      .execute();
    return { id: row.id, client_id: row.client_id, queue_offline: !!row.queue_offline, created_at: row.created_at, expires_at: row.expires_at, sessions: sessions.map(toSession) };
  }

  /** Extend a batch and all its live sessions: two statements whatever its size. */
  async touch(batchId: string): Promise<void> {
    const now = nowIso();
    const until = plusMs(now, SESSION_IDLE_MS);
    await this.db.updateTable('rtr_batches').set({ updated_at: now, expires_at: until }).where('id', '=', batchId).execute();
    await this.db
      .updateTable('rtr_sessions')
      .set({ updated_at: now, expires_at: until })
      .where('batch_id', '=', batchId)
      .where('deleted_at', 'is', null)
      .where('expires_at', '<', until)
      .execute();
  }

  /** BatchRefreshSessions: drop some hosts from the batch, keep the rest alive. */
  async refresh(batchId: string, caller: Actor, hostsToRemove: readonly string[]): Promise<RtrBatch> {
    const batch = await this.get(batchId, caller);
    const removing = new Set(hostsToRemove);
    const removed = batch.sessions.filter((s) => removing.has(s.device_id)).map((s) => s.id);
    const now = nowIso();
    if (removed.length) {
      await this.db.transaction().execute(async (trx) => {
        for (const chunk of chunks(removed)) await trx.updateTable('rtr_sessions').set({ deleted_at: now, updated_at: now }).where('id', 'in', chunk).execute();
        await this.audit.record({ actor: caller, action: 'rtr_batch.remove_hosts', target_type: 'rtr_batch', target_id: batchId, details: { hosts: removed.length } }, trx);
      });
      await this.sessions.cancelQueued(removed);
    }
    await this.touch(batchId);
    return this.get(batchId, caller);
  }
}
