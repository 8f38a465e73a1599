import { sql, type Kysely, type Selectable } from 'kysely';
import type { Actor } from '../actor.ts';
import type { Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CommandService } from '../commands/index.ts';
import type { RtrService } from '../rtr/index.ts';
import { platformOf } from '../platform.ts';
import { rtrSessionOfRow } from '../rtr/index.ts';
import { ServiceError } from '../util/errors.ts';
import { nowIso, plusMs } from '../util/ids.ts';
import type { CbDevices } from './devices.ts';
import type { CbSessionsTable } from './tables.ts';
import { CB_SESSION_TIMEOUT_S } from './limits.ts';
import type { CbApiKey, CbSession, CbSessionRef } from './index.ts';

const TIMEOUT_MS = CB_SESSION_TIMEOUT_S * 1000;
/** How long the start probe may wait for an offline device before the session is given up. */
const PROBE_MS = 60_000;
const WIRE_ID = /^(\d{1,15}):(\d{1,15})$/;

const notFound = (wireId: string) => new ServiceError('not_found', `session ${wireId.slice(0, 64)} not found`);

/** Who acts, in the RTR log and audit trail: the API key. */
export function keyActor(key: CbApiKey): Actor {
  return { id: `cb:${key.id}`, name: `Carbon Black API key ${key.name}` };
}

/** The shared session of each device: start or join, look up, keep alive, close. */
export class CbSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly rtr: RtrService,
    private readonly commands: CommandService,
    private readonly devices: CbDevices,
    private readonly audit: AuditService,
  ) {}

  /** The device's live session, joined; or a new one (whose `pwd` probe makes it ACTIVE). */
  async start(cbDeviceId: number, key: CbApiKey): Promise<CbSession> {
    const device = await this.devices.get(cbDeviceId);
    if (device.live_response_disabled) throw disabledError(cbDeviceId);
    const existing = await this.liveRow(device.host.device_id);
    if (existing) {
      await this.touch(existing.id);
      return this.view(existing.id);
    }
    const actor = keyActor(key);
    // A timed-out session is closed at the moment it timed out, making room for the new one.
    await this.db.updateTable('cb_sessions').set({ closed_at: sql.ref('expires_at') as any }).where('device_id', '=', device.host.device_id).where('closed_at', 'is', null).execute();
    // The RTR session checks the response policy (RealTimeFunctionality) and holds the command log.
    const { session } = await this.rtr.sessions.open({ device_id: device.host.device_id, origin: 'carbonblack', queue_offline: true }, actor);
    const now = nowIso();
    let id: number;
    try {
      const row = await this.db
        .insertInto('cb_sessions')
        .values({ device_id: session.device_id, rtr_session_id: session.id, probe_command_id: '', created_by: key.id, created_at: now, expires_at: plusMs(now, TIMEOUT_MS), closed_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = Number(row.id);
    } catch (err) {
      // Another caller started the device's session at the same moment: join it.
      await this.endRtr(session.id);
      const raced = await this.liveRow(device.host.device_id);
      if (raced) return this.view(raced.id);
      throw err;
    }
    const probe = await this.rtr.log.issue(
      [{ session, base_command: 'pwd', command_string: 'pwd', tier: 'carbonblack', name: 'pwd', args: {}, timeout_ms: PROBE_MS, queue_offline: true }],
      actor,
    );
    if (probe.refused.length) {
      await this.db.updateTable('cb_sessions').set({ closed_at: nowIso() }).where('id', '=', id).execute();
      await this.endRtr(session.id);
      throw probe.refused[0].error;
    }
    await this.db.updateTable('cb_sessions').set({ probe_command_id: probe.issued[0].command.id }).where('id', '=', id).execute();
    await this.audit.record({ actor, action: 'cb_session.start', target_type: 'cb_session', target_id: String(id), device_id: session.device_id });
    return this.view(id);
  }

  /** A live session by its wire id (`{n}:{device_id}`); with `touch` its timeout starts again. */
  async get(wireId: string, opts: { touch?: boolean } = {}): Promise<CbSession> {
    const row = await this.liveByWireId(wireId);
    if (opts.touch) await this.touch(row.id);
    return this.view(row.id);
  }

  /** Every live session, oldest first. */
  async list(): Promise<CbSession[]> {
    const rows = await this.db.selectFrom('cb_sessions').select('id').where('closed_at', 'is', null).where('expires_at', '>', nowIso()).orderBy('id').execute();
    return Promise.all(rows.map((r) => this.view(r.id)));
  }

  async close(wireId: string, key: CbApiKey): Promise<void> {
    const row = await this.liveByWireId(wireId);
    await this.closeRows([row], key, 'cb_session.close');
  }

  /** Disable live response on devices for good, closing their sessions; the first device's last session, if any. */
  async disableDevices(cbDeviceIds: readonly number[], key: CbApiKey): Promise<{ device: number; session?: CbSession }> {
    const devices = [];
    for (const n of cbDeviceIds) devices.push(await this.devices.get(n));
    const ids = devices.map((d) => d.host.device_id);
    await this.devices.disable(ids, key.id);
    const actor = keyActor(key);
    for (const d of devices) {
      await this.audit.record({ actor, action: 'cb_live_response.disable', target_type: 'host', target_id: d.host.device_id, device_id: d.host.device_id });
      const live = await this.liveRow(d.host.device_id);
      if (live) await this.closeRows([live], key, 'cb_session.close');
    }
    const last = await this.db.selectFrom('cb_sessions').select('id').where('device_id', '=', ids[0]).orderBy('id', 'desc').limit(1).executeTakeFirst();
    return { device: cbDeviceIds[0], session: last ? await this.view(last.id) : undefined };
  }

  /** A live session for commands and files: checked like `get`, without its view or a touch. */
  async ref(wireId: string): Promise<CbSessionRef> {
    const row = await this.liveByWireId(wireId);
    return { id: Number(row.id), device_id: row.device_id, cb_device_id: row.cb_device_id, rtr_session_id: row.rtr_session_id, platform: platformOf(row.platform_name), expires_at: row.expires_at };
  }

  /** A live session's row by wire id; anything else (malformed, unknown, closed, timed out) is a 404. */
  async liveByWireId(wireId: string): Promise<Selectable<CbSessionsTable> & { cb_device_id: number; platform_name: string }> {
    const m = WIRE_ID.exec(wireId);
    if (!m) throw notFound(wireId);
    const row = await this.db
      .selectFrom('cb_sessions')
      .innerJoin('hosts', 'hosts.device_id', 'cb_sessions.device_id')
      .leftJoin('cb_disabled_devices', 'cb_disabled_devices.device_id', 'cb_sessions.device_id')
      .selectAll('cb_sessions')
      .select(['hosts.cb_device_id', 'hosts.platform_name', 'cb_disabled_devices.disabled_at'])
      .where('cb_sessions.id', '=', Number(m[1]))
      .where('hosts.cb_device_id', '=', Number(m[2]))
      .executeTakeFirst();
    if (!row) throw notFound(wireId);
    if (row.closed_at) throw new ServiceError('not_found', `session ${wireId} has been closed; start a new session`);
    if (row.expires_at <= nowIso()) throw new ServiceError('not_found', `session ${wireId} timed out after ${CB_SESSION_TIMEOUT_S} seconds without use; start a new session`);
    if (row.disabled_at) throw disabledError(Number(m[2]));
    const { disabled_at: _d, ...rest } = row;
    return { ...rest, cb_device_id: Number(row.cb_device_id) };
  }

  /** A command was issued: the timeout starts again, unless it did so less than a minute ago (one write saved per command). */
  async keepAlive(s: CbSessionRef): Promise<void> {
    if (s.expires_at < plusMs(nowIso(), TIMEOUT_MS - 60_000)) await this.touch(s.id);
  }

  async touch(id: number): Promise<void> {
    await this.db.updateTable('cb_sessions').set({ expires_at: plusMs(nowIso(), TIMEOUT_MS) }).where('id', '=', id).where('closed_at', 'is', null).execute();
  }

  async view(id: number): Promise<CbSession> {
    const r = await this.db
      .selectFrom('cb_sessions')
      .innerJoin('hosts', 'hosts.device_id', 'cb_sessions.device_id')
      .select(['cb_sessions.id', 'cb_sessions.device_id', 'cb_sessions.rtr_session_id', 'cb_sessions.probe_command_id', 'cb_sessions.created_at', 'cb_sessions.expires_at', 'cb_sessions.closed_at'])
      .select(['hosts.cb_device_id', 'hosts.platform_name', 'hosts.hostname', 'hosts.os_version', 'hosts.local_ip', 'hosts.connection_ip', 'hosts.last_seen'])
      .select((eb) => eb.selectFrom('cb_commands').select(sql<number>`count(*)`.as('n')).whereRef('cb_commands.session_id', '=', 'cb_sessions.id').as('commands'))
      .where('cb_sessions.id', '=', id)
      .executeTakeFirstOrThrow();
    const probe = r.probe_command_id ? await this.commands.get(r.probe_command_id) : undefined;
    const answered = probe?.status === 'complete';
    return {
      id: Number(r.id),
      device_id: r.device_id,
      cb_device_id: Number(r.cb_device_id),
      rtr_session_id: r.rtr_session_id,
      status: r.closed_at ? 'CLOSED' : answered ? 'ACTIVE' : 'PENDING',
      platform: platformOf(r.platform_name),
      hostname: r.hostname,
      os_version: r.os_version,
      address: r.connection_ip || r.local_ip,
      cwd: answered ? String(probe!.result?.cwd ?? probe!.result_cwd ?? '') : '',
      device_check_in_time: r.last_seen,
      current_command_index: Number(r.commands ?? 0),
      created_at: r.created_at,
      expires_at: r.expires_at,
    };
  }

  private async liveRow(deviceId: string): Promise<Selectable<CbSessionsTable> | undefined> {
    return this.db
      .selectFrom('cb_sessions')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('closed_at', 'is', null)
      .where('expires_at', '>', nowIso())
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  private async closeRows(rows: Selectable<CbSessionsTable>[], key: CbApiKey, action: string): Promise<void> {
    const actor = keyActor(key);
    for (const row of rows) {
      await this.db.updateTable('cb_sessions').set({ closed_at: nowIso() }).where('id', '=', row.id).execute();
      await this.endRtr(row.rtr_session_id);
      await this.audit.record({ actor, action, target_type: 'cb_session', target_id: String(row.id), device_id: row.device_id });
    }
  }

  /** End the RTR session underneath (whoever opened it): it takes no more commands and its queued ones are cancelled. */
  private async endRtr(rtrSessionId: string): Promise<void> {
    const now = nowIso();
    await this.db.updateTable('rtr_sessions').set({ deleted_at: now, updated_at: now }).where('id', '=', rtrSessionId).where('deleted_at', 'is', null).execute();
    await this.rtr.sessions.cancelQueued([rtrSessionId]);
  }

  /** The RTR session record of a CB session (for issuing its commands). */
  async rtrSession(s: CbSessionRef) {
    const row = await this.db.selectFrom('rtr_sessions').selectAll().where('id', '=', s.rtr_session_id).executeTakeFirstOrThrow();
    return rtrSessionOfRow(row);
  }
}

function disabledError(cbDeviceId: number): ServiceError {
  return new ServiceError('forbidden', `live response is disabled on device ${cbDeviceId}; it was turned off with POST /liveresponse/kill and cannot be turned back on`);
}
