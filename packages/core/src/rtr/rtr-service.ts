import type { Kysely } from 'kysely';
import type { Notifier } from '../notify/index.ts';
import type { Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CommandService } from '../commands/index.ts';
import type { ResponseGuard } from '../guard/index.ts';
import { queryPage } from '../fql/index.ts';
import { RtrBatches } from './batches.ts';
import { RtrCommandLog } from './command-log.ts';
import { RtrFiles } from './files.ts';
import { RtrOutputFiles } from './output-files.ts';
import { rtrSessionFqlSchema } from './fql-schema.ts';
import { toSession } from './rows.ts';
import { RtrSessions } from './sessions.ts';
import type { RtrAuditSession, RtrListQuery } from './index.ts';

/** Live response over one store; wired into Core as `core.rtr`. */
export class RtrService {
  readonly sessions: RtrSessions;
  readonly batches: RtrBatches;
  readonly log: RtrCommandLog;
  readonly files: RtrFiles;
  /** Whole outputs of run/runscript that passed the host's cap, kept as session files. */
  readonly outputs: RtrOutputFiles;

  private readonly unsubscribe: () => void;

  constructor(private readonly deps: { db: Kysely<Database>; commands: CommandService; guard: ResponseGuard; audit: AuditService; notifier: Notifier }) {
    this.sessions = new RtrSessions(deps.db, deps.guard, deps.audit, deps.commands);
    this.batches = new RtrBatches(deps.db, this.sessions, deps.audit);
    this.log = new RtrCommandLog(deps.db, deps.commands, this.sessions, deps.audit);
    this.files = new RtrFiles(deps.db, deps.commands, this.sessions);
    this.outputs = new RtrOutputFiles(deps.db);
    this.unsubscribe = deps.notifier.subscribe('command_done', ({ ids }) => void this.log.advanceAfter(ids).catch(() => {}));
  }

  close(): void {
    this.unsubscribe();
  }

  /**
   * RTRAuditSessions: every client's sessions (deleted and expired too) matching a filter, newest
   * first by default, each with its logged commands — and their internal commands when
   * `withCommands` (so the dialect can show what they answered).
   */
  async auditSessions(q: RtrListQuery, withCommands: boolean): Promise<{ sessions: RtrAuditSession[]; total: number; offset: number; limit: number }> {
    const { rows, ...bounds } = await queryPage(this.deps.db.selectFrom('rtr_sessions'), rtrSessionFqlSchema, q, 'created_at|desc', (query) => query.selectAll('rtr_sessions'));
    const sessions = rows.map(toSession);
    const entries = await this.log.forSessions(sessions.map((s) => s.id));
    const views = withCommands ? await this.log.views(entries) : entries.map((entry) => ({ entry }));
    const bySession = new Map<string, RtrAuditSession['logs']>();
    for (const v of views) bySession.set(v.entry.session_id, [...(bySession.get(v.entry.session_id) ?? []), v]);
    return { sessions: sessions.map((s) => ({ ...s, logs: bySession.get(s.id) ?? [] })), ...bounds };
  }
}
