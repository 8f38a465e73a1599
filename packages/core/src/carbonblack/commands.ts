import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/index.ts';
import type { CommandRecord, CommandService } from '../commands/index.ts';
import type { RtrService } from '../rtr/index.ts';
import type { AuditService } from '../audit/index.ts';
import { badRequest, forbidden, ServiceError } from '../util/errors.ts';
import { commandSpec } from './catalog.ts';
import type { CbFiles } from './files.ts';
import { keyActor, type CbSessions } from './sessions.ts';
import type { CbCommandsTable } from './tables.ts';
import type { CbApiKey, CbCommandInput, CbCommandView, CbSessionRef } from './index.ts';

/** Attempts at taking the next command number when callers issue into one session at once. */
const SEQ_ATTEMPTS = 20;

/** Commands of a session: issue (numbered from 0), list, status with long poll, cancel. */
export class CbCommands {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly rtr: RtrService,
    private readonly commands: CommandService,
    private readonly sessions: CbSessions,
    private readonly files: CbFiles,
    private readonly audit: AuditService,
  ) {}

  async issue(session: CbSessionRef, input: CbCommandInput, key: CbApiKey): Promise<CbCommandView> {
    const spec = commandSpec(input.name);
    requireGrant(key, spec.grant, input.name);
    if (spec.windowsOnly && session.platform !== 'windows') {
      throw badRequest(`"${input.name}" is not supported on ${session.platform} devices (registry commands exist on Windows only); see the session's supported_commands`);
    }
    for (const field of spec.requires) {
      if (input[field] === undefined || input[field] === '') throw badRequest(`"${input.name}" needs the field ${field === 'path' ? 'path (or object)' : field}`);
    }
    const upload = input.name === 'put file' ? await this.files.upload(session.id, input.file_id!) : undefined;
    const internal = spec.build(input, session.platform, upload);
    const shown = shownInput(input);

    const rtrSession = await this.sessions.rtrSession(session);
    const res = await this.rtr.log.issue(
      [{ session: rtrSession, base_command: input.name, command_string: commandLine(input), tier: 'carbonblack', name: internal.name, args: internal.args, capability: spec.capability, timeout_ms: spec.timeoutMs, queue_offline: true }],
      keyActor(key),
    );
    if (res.refused.length) throw res.refused[0].error;
    const command = res.issued[0].command;
    // Numbered once stored: a refused command takes no number.
    const fileId = input.name === 'get file' ? crypto.randomUUID() : '';
    const row = await this.number({ session_id: session.id, command_id: command.id, name: input.name, input: JSON.stringify(shown), api_key_id: key.id, file_id: fileId, created_at: command.created_at });
    if (fileId) await this.files.recordGet(session.id, fileId, command.id, input.path!, input.offset ?? 0, input.get_count ?? 0);
    await this.sessions.keepAlive(session);
    return this.toView(row, command);
  }

  async list(session: CbSessionRef): Promise<CbCommandView[]> {
    const rows = await this.db.selectFrom('cb_commands').selectAll().where('session_id', '=', session.id).orderBy('seq').execute();
    const byId = new Map((await this.commands.getMany(rows.map((r) => r.command_id))).map((c) => [c.id, c]));
    const out: CbCommandView[] = [];
    for (const r of rows) {
      const c = byId.get(r.command_id);
      if (c) out.push(await this.toView(r, c));
    }
    return out;
  }

  /** A command of the session; with `waitS`, answered as soon as it ends or after that many seconds. */
  async get(session: CbSessionRef, seqText: string, waitS = 0): Promise<CbCommandView> {
    const row = await this.row(session, seqText);
    const command = waitS > 0 ? await this.commands.wait(row.command_id, waitS * 1000) : await this.commands.get(row.command_id);
    if (!command) throw notFound(session, seqText);
    return this.toView(row, command);
  }

  /** Cancel a PENDING command (one not yet handed to the device); anything else is a 400 saying its status. */
  async cancel(session: CbSessionRef, seqText: string, key: CbApiKey): Promise<CbCommandView> {
    const row = await this.row(session, seqText);
    requireGrant(key, commandSpec(row.name).grant, row.name);
    const current = await this.commands.get(row.command_id);
    if (!current) throw notFound(session, seqText);
    if (current.status !== 'queued') {
      throw badRequest(`command ${row.seq} is ${cbStatus(current)}; only PENDING commands can be cancelled`);
    }
    const cancelled = await this.commands.cancel(row.command_id);
    const actor = keyActor(key);
    await this.audit.record({ actor, action: 'cb_command.cancel', target_type: 'cb_session', target_id: String(session.id), device_id: session.device_id, details: { command: row.seq, name: row.name, command_id: row.command_id } });
    return this.toView(row, cancelled);
  }

  private async row(session: CbSessionRef, seqText: string): Promise<Selectable<CbCommandsTable>> {
    if (!/^\d{1,9}$/.test(seqText)) throw notFound(session, seqText);
    const row = await this.db.selectFrom('cb_commands').selectAll().where('session_id', '=', session.id).where('seq', '=', Number(seqText)).executeTakeFirst();
    if (!row) throw notFound(session, seqText);
    return row;
  }

  private async toView(row: Selectable<CbCommandsTable>, command: CommandRecord): Promise<CbCommandView> {
    const file = row.file_id ? await this.files.settleGet(row.file_id, command) : undefined;
    return { seq: Number(row.seq), name: row.name, input: JSON.parse(row.input), created_at: row.created_at, command, ...(file ? { file } : {}) };
  }

  /** Give a stored command the session's next number (the primary key settles callers issuing at once). */
  private async number(row: Omit<CbCommandsTable, 'seq'>): Promise<Selectable<CbCommandsTable>> {
    for (let attempt = 0; attempt < SEQ_ATTEMPTS; attempt++) {
      const last = await this.db.selectFrom('cb_commands').select((eb) => eb.fn.max('seq').as('m')).where('session_id', '=', row.session_id).executeTakeFirst();
      const seq = last?.m === null || last?.m === undefined ? 0 : Number(last.m) + 1;
      try {
        await this.db.insertInto('cb_commands').values({ ...row, seq }).execute();
        return { ...row, seq };
      } catch (err) {
        if (!/unique|duplicate|constraint/i.test((err as Error).message)) throw err;
      }
    }
    throw new ServiceError('conflict', 'too many commands issued into this session at once; try again');
  }
}

/** The vendor's command status for an internal command. */
export function cbStatus(c: Pick<CommandRecord, 'status'>): 'PENDING' | 'IN_PROGRESS' | 'COMPLETE' | 'ERROR' | 'CANCELLED' {
  switch (c.status) {
    case 'queued':
      return 'PENDING';
    case 'sent':
    case 'running':
      return 'IN_PROGRESS';
    case 'complete':
      return 'COMPLETE';
    case 'cancelled':
      return 'CANCELLED';
    default:
      return 'ERROR';
  }
}

function requireGrant(key: CbApiKey, grant: string, what: string): void {
  if (!key.grants.has(grant)) {
    const [perm, op] = grant.split(':');
    throw forbidden(`API key ${key.id} lacks permission ${perm} (${op}), which "${what}" needs`);
  }
}

const notFound = (session: CbSessionRef, seq: string) => new ServiceError('not_found', `command ${seq.slice(0, 20)} not found in session ${session.id}:${session.cb_device_id}`);

/** The `input` the API shows: the body with `path` as `object` (the vendor's name) and no session id. */
function shownInput(input: CbCommandInput): Record<string, unknown> {
  const { path, pid, ...rest } = input;
  const out: Record<string, unknown> = { ...rest };
  if (path !== undefined) out.object = path;
  if (pid !== undefined) out.object = pid;
  return out;
}

/** How the command reads in the RTR log (RTRAuditSessions' command_string). */
function commandLine(input: CbCommandInput): string {
  const target = input.path ?? (input.pid !== undefined ? String(input.pid) : '');
  return target ? `${input.name} ${target}` : input.name;
}
