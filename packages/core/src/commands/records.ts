import type { Selectable } from 'kysely';
import type { CommandStatus, CommandsTable } from '../db/index.ts';
import type { AgentResult, CommandRecord } from './index.ts';

type Row = Selectable<CommandsTable>;

/** `args` when the caller has them parsed already. */
export function toRecord(r: Row | CommandsTable, args?: Record<string, unknown>): CommandRecord {
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

/**
 * The texts stored as they are (cwd, error) with any NUL character replaced: PostgreSQL text
 * cannot hold one, and one agent's NUL would otherwise fail the write of its whole batch. (NULs
 * inside `data` are escaped by JSON.)
 */
export function withoutNul(r: AgentResult): AgentResult {
  const clean = (s: string) => (s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s);
  if (r.ok) return r.cwd.includes('\0') ? { ...r, cwd: clean(r.cwd) } : r;
  return { ok: false, cwd: clean(r.cwd), error: { code: clean(r.error.code), message: clean(r.error.message) } };
}
