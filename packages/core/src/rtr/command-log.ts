import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { chunks, type Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CommandRecord, CommandService, IssueAlsoWrite, IssueInput } from '../commands/index.ts';
import { ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import { INSERT_CHUNK, toEntry } from './rows.ts';
import type { RtrCommandsTable, RtrFanoutsTable, RtrFilesTable } from './tables.ts';
import type { RtrSessions } from './sessions.ts';
import type { Actor } from '../actor.ts';
import type { RtrCommandEntry, RtrCommandView, RtrIssueItem, RtrIssueResult, RtrIssued, RtrSession } from './index.ts';

/** A fan-out host's log row: its command (cloud_request_id = command id) under the fan-out's line. */
function fanoutRow(command: Pick<CommandRecord, 'id' | 'session_id' | 'device_id' | 'cwd' | 'created_at'>, fanout: RtrFanoutsTable): RtrCommandsTable {
  return {
    id: command.id,
    session_id: command.session_id,
    device_id: command.device_id,
    client_id: fanout.client_id,
    command_id: command.id,
    base_command: fanout.base_command,
    command_string: fanout.command_string,
    tier: fanout.tier,
    current_directory: command.cwd,
    batch_id: fanout.batch_id,
    fanout_id: fanout.id,
    stdout: null,
    stderr: null,
    chain: null,
    chain_command_id: '',
    created_at: command.created_at,
    updated_at: command.created_at,
  };
}

/**
 * The log of what ran in each session, keyed by cloud_request_id, and the one path by which RTR
 * commands reach the command engine: a whole fan-out is one `issueMany`, whose transaction also
 * holds its log (one rtr_fanouts row for a batch command, a row per command otherwise), pending
 * `get` files and audit event.
 */
export class RtrCommandLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly commands: CommandService,
    private readonly sessions: RtrSessions,
    private readonly audit: AuditService,
  ) {}

  async issue(items: RtrIssueItem[], caller: Actor, opts: { batch_id?: string; fanout_id?: string } = {}): Promise<RtrIssueResult> {
    if (items.length === 0) return { issued: [], refused: [] };
    const inputs: IssueInput[] = items.map((it) => ({
      device_id: it.session.device_id,
      name: it.name,
      args: it.args,
      cwd: it.session.pwd,
      timeout_ms: it.timeout_ms,
      queue_offline: it.queue_offline,
      issued_by: caller.id,
      session_id: it.session.id,
      capability: it.capability,
    }));
    // A fan-out's hosts are logged by their own commands plus one rtr_fanouts row; chained lines
    // (put-and-run) keep a row per host, which records each host's follow-up.
    const fanout: RtrFanoutsTable | undefined =
      opts.fanout_id && !items.some((it) => it.chain)
        ? { id: opts.fanout_id, batch_id: opts.batch_id ?? '', client_id: caller.id, base_command: items[0].base_command, command_string: items[0].command_string, tier: items[0].tier, created_at: nowIso() }
        : undefined;
    const issued: RtrIssued[] = [];
    // The log, pending files and audit event are written in the commands' own transaction (which
    // only happens when at least one command is stored).
    const logTogether: IssueAlsoWrite = async (trx, res) => {
      const bySession = new Map(res.commands.map((c) => [c.session_id, c]));
      const now = nowIso();
      const logRows: RtrCommandsTable[] = [];
      const fileRows: Omit<RtrFilesTable, 'id'>[] = [];
      for (const it of items) {
        const command = bySession.get(it.session.id);
        if (!command) continue;
        // cloud_request_id is the internal command's id: one id names the work everywhere.
        const row: RtrCommandsTable = fanout ? fanoutRow(command, fanout) : {
          id: command.id,
          session_id: it.session.id,
          device_id: it.session.device_id,
          client_id: caller.id,
          command_id: command.id,
          base_command: it.base_command,
          command_string: it.command_string,
          tier: it.tier,
          current_directory: it.session.pwd,
          batch_id: opts.batch_id ?? '',
          fanout_id: opts.fanout_id ?? '',
          stdout: null,
          stderr: null,
          chain: it.chain ? JSON.stringify(it.chain) : null,
          chain_command_id: '',
          created_at: now,
          updated_at: now,
        };
        logRows.push(row);
        if (it.file) {
          fileRows.push({
            session_id: it.session.id,
            device_id: it.session.device_id,
            client_id: caller.id,
            cloud_request_id: command.id,
            command_id: command.id,
            fanout_id: opts.fanout_id ?? '',
            path: it.file.path,
            name: it.file.name,
            sha256: '',
            size: 0,
            status: 'pending',
            error_message: '',
            created_at: now,
            updated_at: now,
            deleted_at: null,
          });
        }
        issued.push({ entry: toEntry(row), command, queued_offline: res.offline.has(it.session.device_id) });
      }
      if (fanout) await trx.insertInto('rtr_fanouts').values(fanout).execute();
      else for (const chunk of chunks(logRows, INSERT_CHUNK)) await trx.insertInto('rtr_commands').values(chunk).execute();
      for (const chunk of chunks(fileRows, INSERT_CHUNK)) await trx.insertInto('rtr_files').values(chunk).execute();
      const first = logRows[0];
      await this.audit.record(
        opts.fanout_id
          ? { actor: caller, action: 'rtr_batch.command', target_type: 'rtr_batch', target_id: opts.batch_id ?? '', details: { fanout_id: opts.fanout_id, base_command: first.base_command, command_string: first.command_string, hosts: logRows.length } }
          : { actor: caller, action: 'rtr_command.execute', target_type: 'rtr_session', target_id: first.session_id, device_id: first.device_id, details: { cloud_request_id: first.id, base_command: first.base_command, command_string: first.command_string, tier: first.tier } },
        trx,
      );
    };
    const res = await this.commands.issueMany(inputs, opts.fanout_id ?? '', logTogether);
    const stored = new Set(res.commands.map((c) => c.session_id));
    const refusedByDevice = new Map(res.refused.map((r) => [r.device_id, r.error]));
    const refused: RtrIssueResult['refused'] = items
      .filter((it) => !stored.has(it.session.id))
      .map((it) => ({ session: it.session, error: refusedByDevice.get(it.session.device_id) ?? new ServiceError('conflict', 'the command was not issued') }));
    if (issued.length) await this.sessions.renew(items.map((it) => it.session));
    return { issued, refused };
  }

  /** Log a command the server answered itself (help, history, clear): complete at once. */
  async recordAnswered(
    session: RtrSession,
    caller: Actor,
    line: { base_command: string; command_string: string; tier: string },
    output: { stdout: string; stderr: string },
  ): Promise<RtrCommandEntry> {
    const now = nowIso();
    const row: RtrCommandsTable = {
      id: crypto.randomUUID(),
      session_id: session.id,
      device_id: session.device_id,
      client_id: caller.id,
      command_id: '',
      ...line,
      current_directory: session.pwd,
      batch_id: session.batch_id,
      fanout_id: '',
      stdout: output.stdout,
      stderr: output.stderr,
      chain: null,
      chain_command_id: '',
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('rtr_commands').values(row).execute();
    await this.sessions.renew([session]);
    return toEntry(row);
  }

  /** One of the caller's commands by cloud_request_id, with where it stands; another client's is a 404. */
  async get(cloudRequestId: string, caller: Actor): Promise<{ view: RtrCommandView; session: RtrSession }> {
    const row =
      (await this.db.selectFrom('rtr_commands').selectAll().where('id', '=', cloudRequestId).executeTakeFirst()) ??
      (await this.fanoutRows('commands.id', [cloudRequestId]))[0];
    if (!row || row.client_id !== caller.id) throw new ServiceError('not_found', `cloud_request_id ${cloudRequestId.slice(0, 64)} not found`);
    const session = await this.sessions.get(row.session_id, caller);
    const [view] = await this.views([toEntry(row)]);
    return { view: await this.advance(view, session, caller), session };
  }

  /** Entries with their internal commands, loaded in chunks (no query per entry). */
  async views(entries: RtrCommandEntry[]): Promise<RtrCommandView[]> {
    const ids = entries.flatMap((e) => [e.command_id, e.chain_command_id]).filter((id) => id && !id.startsWith('!'));
    const records = new Map((await this.commands.getMany(ids)).map((c) => [c.id, c]));
    return entries.map((entry) => {
      if (!entry.chain) return { entry, command: records.get(entry.command_id) };
      return { entry, first: records.get(entry.command_id), command: records.get(entry.chain_command_id) };
    });
  }

  /** The logged commands of sessions, oldest first. */
  async forSessions(sessionIds: readonly string[]): Promise<RtrCommandEntry[]> {
    const rows: RtrCommandsTable[] = [];
    for (const chunk of chunks([...new Set(sessionIds)])) {
      rows.push(...(await this.db.selectFrom('rtr_commands').selectAll().where('session_id', 'in', chunk).execute()));
      rows.push(...(await this.fanoutRows('commands.session_id', chunk)));
    }
    rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.map(toEntry);
  }

  /** The log rows of fan-out commands, made from each host's command and its fan-out's line. */
  private async fanoutRows(column: 'commands.id' | 'commands.session_id', values: readonly string[]): Promise<RtrCommandsTable[]> {
    const rows = await this.db
      .selectFrom('commands')
      .innerJoin('rtr_fanouts', 'rtr_fanouts.id', 'commands.batch_id')
      .select(['commands.id as command_id', 'commands.session_id', 'commands.device_id', 'commands.cwd', 'commands.created_at as command_created_at'])
      .select(['rtr_fanouts.id', 'rtr_fanouts.batch_id', 'rtr_fanouts.client_id', 'rtr_fanouts.base_command', 'rtr_fanouts.command_string', 'rtr_fanouts.tier', 'rtr_fanouts.created_at'])
      .where(column, 'in', values)
      .execute();
    return rows.map((r) => fanoutRow({ id: r.command_id, session_id: r.session_id, device_id: r.device_id, cwd: r.cwd, created_at: r.command_created_at }, r));
  }

  /**
   * put-and-run chains whose put just ended: start their runs now, without waiting for anyone to
   * look. Every replica hears the same completion; the claim in `advance` lets one of them win.
   */
  async advanceAfter(commandIds: readonly string[]): Promise<void> {
    for (const chunk of chunks([...new Set(commandIds)])) {
      const rows = await this.db
        .selectFrom('rtr_commands')
        .selectAll()
        .where('command_id', 'in', chunk)
        .where('chain_command_id', '=', '')
        .where('chain', 'is not', null)
        .execute();
      for (const row of rows) {
        const caller: Actor = { id: row.client_id };
        const session = await this.sessions.get(row.session_id, caller).catch(() => undefined);
        if (!session) continue; // gone: the next look reports it
        const [view] = await this.views([toEntry(row)]);
        await this.advance(view, session, caller);
      }
    }
  }

  /**
   * put-and-run: once the put has landed, run it. Started when the put completes (advanceAfter)
   * or when someone looks (status check, audit), claimed with a conditional update so that two
   * concurrent starts issue one run.
   */
  private async advance(view: RtrCommandView, session: RtrSession, caller: Actor): Promise<RtrCommandView> {
    const { entry, first } = view;
    if (!entry.chain || entry.chain_command_id || first?.status !== 'complete') return view;
    const claim = `!claim:${crypto.randomUUID()}`;
    const claimed = await this.db.updateTable('rtr_commands').set({ chain_command_id: claim }).where('id', '=', entry.id).where('chain_command_id', '=', '').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return (await this.views([toEntry((await this.db.selectFrom('rtr_commands').selectAll().where('id', '=', entry.id).executeTakeFirstOrThrow()))]))[0];
    const executable = String(first.result?.path ?? '');
    const res = await this.commands.issueMany([
      {
        device_id: session.device_id,
        name: entry.chain.name,
        args: { ...entry.chain.args, executable },
        cwd: entry.current_directory,
        timeout_ms: entry.chain.timeout_ms,
        queue_offline: true,
        issued_by: caller.id,
        session_id: session.id,
        capability: 'put-and-run',
      },
    ]);
    const next: CommandRecord | undefined = res.commands[0];
    const update = next ? { chain_command_id: next.id } : { chain_command_id: '!failed', stderr: `${res.refused[0]?.error.message ?? 'the run could not be issued'}\n` };
    await this.db.updateTable('rtr_commands').set({ ...update, updated_at: nowIso() }).where('id', '=', entry.id).execute();
    return { entry: { ...entry, ...update }, first, command: next };
  }
}
