import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { chunks, type Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CommandService } from '../commands/index.ts';
import type { ResponseGuard } from '../guard/index.ts';
import { queryIds, type IdPage } from '../fql/index.ts';
import { ServiceError } from '../util/errors.ts';
import { nowIso, plusMs } from '../util/ids.ts';
import { rtrSessionFqlSchema } from './fql-schema.ts';
import { hostFacts, initialPwd, toSession, type HostFacts } from './rows.ts';
import type { RtrSessionsTable } from './tables.ts';
import { actorName, type Actor } from '../actor.ts';
import { QUEUED_SESSION_MS, SESSION_IDLE_MS, type RtrListQuery, type RtrSession } from './index.ts';

export interface OpenSessionInput {
  device_id: string;
  origin?: string;
  queue_offline?: boolean;
}

export interface OpenedSession {
  session: RtrSession;
  /** Other live sessions on the same host (any client). */
  existing_sessions: number;
  /** This client's most recent command lines on the host, oldest first. */
  previous_commands: string[];
}

/** See `renew`. */
const RENEW_SLACK_MS = 60_000;

const notFound = (id: string) => new ServiceError('not_found', `session ${id.slice(0, 64)} not found`);

/** Single sessions: open, use, pulse, list, delete. Batches build on `prepare` and `insert`. */
export class RtrSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly guard: ResponseGuard,
    private readonly audit: AuditService,
    private readonly commands: CommandService,
  ) {}

  async open(input: OpenSessionInput, caller: Actor): Promise<OpenedSession> {
    const { rows, refused } = await this.prepare([input.device_id], caller, { origin: input.origin ?? '', queue_offline: !!input.queue_offline, batch_id: '' });
    if (refused.length) throw refused[0].error;
    const row = rows[0];
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('rtr_sessions').values(row).execute();
      await this.audit.record(
        { actor: caller, action: 'rtr_session.create', target_type: 'rtr_session', target_id: row.id, device_id: row.device_id, details: { origin: row.origin, offline_queued: !!row.offline_queued } },
        trx,
      );
    });
    const [existing, previous] = await Promise.all([this.liveCount(row.device_id, row.id), this.previousCommands(row.device_id, caller)]);
    return { session: toSession(row), existing_sessions: existing, previous_commands: previous };
  }

  /**
   * Session rows for hosts that may have one, and a refusal for each that may not (unknown host,
   * policy, offline without queueing). Writes nothing.
   */
  async prepare(
    deviceIds: readonly string[],
    caller: Actor,
    opts: { origin: string; queue_offline: boolean; batch_id: string },
  ): Promise<{ rows: RtrSessionsTable[]; refused: { device_id: string; error: ServiceError }[]; facts: Map<string, HostFacts> }> {
    const facts = await hostFacts(this.db, deviceIds);
    const refusals = await this.guard.refusals([...facts.keys()], 'session');
    const now = nowIso();
    const rows: RtrSessionsTable[] = [];
    const refused: { device_id: string; error: ServiceError }[] = [];
    for (const device_id of new Set(deviceIds)) {
      const host = facts.get(device_id);
      if (!host) {
        refused.push({ device_id, error: new ServiceError('not_found', `host ${device_id.slice(0, 64)} not found`) });
        continue;
      }
      const refusal = refusals.get(device_id);
      if (refusal) {
        refused.push({ device_id, error: refusal });
        continue;
      }
      if (!host.online && !opts.queue_offline) {
        refused.push({ device_id, error: new ServiceError('host_offline', 'Sensor appears to be offline') });
        continue;
      }
      const queued = !host.online;
      rows.push({
        id: crypto.randomUUID(),
        device_id,
        client_id: caller.id,
        client_name: actorName(caller),
        origin: opts.origin,
        batch_id: opts.batch_id,
        queue_offline: opts.queue_offline ? 1 : 0,
        offline_queued: queued ? 1 : 0,
        platform: host.platform,
        hostname: host.hostname,
        pwd: initialPwd(host.platform),
        created_at: now,
        updated_at: now,
        expires_at: plusMs(now, queued ? QUEUED_SESSION_MS : SESSION_IDLE_MS),
        deleted_at: null,
      });
    }
    return { rows, refused, facts };
  }

  /**
   * The caller's session. Another client's session, or an unknown id, is a 404 alike; with
   * `live`, a deleted or expired session is a 404 that says so (only its owner learns that).
   */
  async get(id: string, caller: Actor, opts: { live?: boolean } = {}): Promise<RtrSession> {
    const row = await this.db.selectFrom('rtr_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.client_id !== caller.id) throw notFound(id);
    if (opts.live) {
      if (row.deleted_at) throw new ServiceError('not_found', `session ${id} has been deleted; start a new session`);
      if (row.expires_at <= nowIso()) throw new ServiceError('not_found', `session ${id} has expired after ${SESSION_IDLE_MS / 60_000} minutes without use; start a new session`);
    }
    return toSession(row);
  }

  /** The caller's sessions among `ids` (any state), in the order asked. */
  async getMany(ids: readonly string[], caller: Actor): Promise<RtrSession[]> {
    const found = new Map<string, RtrSession>();
    for (const chunk of chunks([...new Set(ids)])) {
      const rows = await this.db.selectFrom('rtr_sessions').selectAll().where('id', 'in', chunk).where('client_id', '=', caller.id).execute();
      for (const r of rows) found.set(r.id, toSession(r));
    }
    return [...new Set(ids)].map((id) => found.get(id)).filter((s): s is RtrSession => !!s);
  }

  /** Push the idle expiry of live sessions forward (never shortening a queued session's week). */
  async touch(ids: readonly string[]): Promise<void> {
    const now = nowIso();
    const until = plusMs(now, SESSION_IDLE_MS);
    for (const chunk of chunks([...new Set(ids)])) {
      await this.db
        .updateTable('rtr_sessions')
        .set({ expires_at: until, updated_at: now })
        .where('id', 'in', chunk)
        .where('deleted_at', 'is', null)
        .where('expires_at', '<', until)
        .execute();
    }
  }

  /**
   * Sessions were just used: push their idle expiry forward. One renewed less than a minute ago
   * is left alone (a batch command to 10,000 hosts does not rewrite 10,000 sessions each time);
   * its expiry is then at most a minute short of the full idle time.
   */
  async renew(sessions: readonly RtrSession[]): Promise<void> {
    const threshold = plusMs(nowIso(), SESSION_IDLE_MS - RENEW_SLACK_MS);
    await this.touch(sessions.filter((s) => !s.deleted_at && s.expires_at < threshold).map((s) => s.id));
  }

  /** RTR_PulseSession: the caller's most recent live session on the host, its expiry extended. */
  async pulse(deviceId: string, caller: Actor): Promise<OpenedSession> {
    const row = await this.db
      .selectFrom('rtr_sessions')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('client_id', '=', caller.id)
      .where('deleted_at', 'is', null)
      .where('expires_at', '>', nowIso())
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) throw new ServiceError('not_found', `no live session on host ${deviceId.slice(0, 64)} for this API client; start one with RTR_InitSession`);
    await this.touch([row.id]);
    const session = await this.get(row.id, caller);
    await this.settlePwd([session]);
    const [existing, previous] = await Promise.all([this.liveCount(row.device_id, row.id), this.previousCommands(row.device_id, caller)]);
    return { session, existing_sessions: existing, previous_commands: previous };
  }

  /** End a session: it no longer takes commands, and its queued commands are cancelled. */
  async delete(id: string, caller: Actor): Promise<void> {
    const session = await this.get(id, caller);
    if (session.deleted_at) throw notFound(id);
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('rtr_sessions').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
      await this.audit.record({ actor: caller, action: 'rtr_session.delete', target_type: 'rtr_session', target_id: id, device_id: session.device_id }, trx);
    });
    await this.cancelQueued([id]);
  }

  /** Cancel the still-queued commands of sessions (they would otherwise reach the host later). */
  async cancelQueued(sessionIds: readonly string[]): Promise<void> {
    for (const chunk of chunks([...new Set(sessionIds)])) {
      // Status is checked here, not in SQL, for the same reason as in settlePwd.
      const rows = await this.db.selectFrom('commands').select(['id', 'status']).where('session_id', 'in', chunk).execute();
      for (const q of rows) if (q.status === 'queued') await this.commands.cancel(q.id).catch(() => {}); // ended meanwhile: nothing to cancel
    }
  }

  /** RTR_ListAllSessions: the caller's live sessions matching an FQL filter, sorted and paged. */
  async list(caller: Actor, q: RtrListQuery): Promise<IdPage> {
    const base = this.db
      .selectFrom('rtr_sessions')
      .where('rtr_sessions.client_id', '=', caller.id)
      .where('rtr_sessions.deleted_at', 'is', null)
      .where('rtr_sessions.expires_at', '>', nowIso());
    return queryIds(base, rtrSessionFqlSchema, q, 'created_at|desc');
  }

  /**
   * Bring sessions' directories up to date: each follows the result of its latest completed `cd`
   * (the agent checks the directory exists; a failed cd changes nothing). Updates the records
   * passed in, and the rows that moved.
   */
  async settlePwd(sessions: RtrSession[]): Promise<void> {
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const moved = new Map<string, string[]>();
    for (const chunk of chunks([...byId.keys()])) {
      // Looked up by (session_id, name), which the commands_session_name index leads with; the
      // status is checked here, on the few cd commands a session has.
      const rows = await this.db
        .selectFrom('commands')
        .select(['session_id', 'result_cwd', 'created_at', 'status'])
        .where('session_id', 'in', chunk)
        .where('name', '=', 'cd')
        .orderBy('created_at')
        .execute();
      const latest = new Map<string, string>();
      for (const r of rows) if (r.status === 'complete' && r.result_cwd) latest.set(r.session_id, r.result_cwd);
      for (const [id, cwd] of latest) {
        const s = byId.get(id)!;
        if (s.pwd === cwd) continue;
        s.pwd = cwd;
        moved.set(cwd, [...(moved.get(cwd) ?? []), id]);
      }
    }
    // A cd across a batch moves most hosts to the same place: one UPDATE per destination.
    for (const [cwd, ids] of moved) {
      for (const chunk of chunks(ids)) await this.db.updateTable('rtr_sessions').set({ pwd: cwd }).where('id', 'in', chunk).execute();
    }
  }

  private async liveCount(deviceId: string, exceptId: string): Promise<number> {
    const [{ n }] = await this.db
      .selectFrom('rtr_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', deviceId)
      .where('id', '!=', exceptId)
      .where('deleted_at', 'is', null)
      .where('expires_at', '>', nowIso())
      .execute();
    return Number(n);
  }

  /** This client's last 20 command lines on the host: from single sessions and from batch commands. */
  private async previousCommands(deviceId: string, caller: Actor): Promise<string[]> {
    const single = await this.db
      .selectFrom('rtr_commands')
      .select(['command_string', 'created_at'])
      .where('device_id', '=', deviceId)
      .where('client_id', '=', caller.id)
      .orderBy('created_at', 'desc')
      .limit(20)
      .execute();
    const batched = await this.db
      .selectFrom('commands')
      .innerJoin('rtr_fanouts', 'rtr_fanouts.id', 'commands.batch_id')
      .select(['rtr_fanouts.command_string', 'commands.created_at'])
      .where('commands.device_id', '=', deviceId)
      .where('rtr_fanouts.client_id', '=', caller.id)
      .orderBy('commands.created_at', 'desc')
      .limit(20)
      .execute();
    return [...single, ...batched]
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
      .slice(0, 20)
      .map((r) => r.command_string)
      .reverse();
  }
}
