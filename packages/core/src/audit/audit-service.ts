import type { Kysely } from 'kysely';
import type { Actor } from '../actor.ts';
import type { Database } from '../db/index.ts';
import { newId, nowIso } from '../util/ids.ts';

export interface AuditInput {
  /** Who acted: recorded as its id and its name ('' when it has none). */
  actor: Actor;
  /** Dotted verb, e.g. `response_policy.update`, `put_file.create`. */
  action: string;
  /** Kind and id of the object acted on. */
  target_type: string;
  target_id: string;
  /** Host the action concerns, if any. */
  device_id?: string;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown>;
}

export interface AuditEvent extends Omit<AuditInput, 'actor' | 'before' | 'after' | 'details'> {
  id: string;
  actor: string;
  actor_name: string;
  timestamp: string;
  before: unknown;
  after: unknown;
  details: Record<string, unknown>;
}

export class AuditService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Record an event; pass the transaction of the change so both commit or neither does. */
  async record(input: AuditInput, trx: Kysely<Database> = this.db): Promise<void> {
    await trx
      .insertInto('audit_events')
      .values({
        id: newId(),
        timestamp: nowIso(),
        actor: input.actor.id,
        actor_name: input.actor.name ?? '',
        action: input.action,
        target_type: input.target_type,
        target_id: input.target_id,
        device_id: input.device_id ?? '',
        before: input.before === undefined ? null : JSON.stringify(input.before),
        after: input.after === undefined ? null : JSON.stringify(input.after),
        details: JSON.stringify(input.details ?? {}),
      })
      .execute();
  }

  /** Events about one object, newest first. */
  async forTarget(target_type: string, target_id: string, limit = 100): Promise<AuditEvent[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_type', '=', target_type)
      .where('target_id', '=', target_id)
      .orderBy('timestamp', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      ...r,
      device_id: r.device_id || undefined,
      before: r.before === null ? undefined : JSON.parse(r.before),
      after: r.after === null ? undefined : JSON.parse(r.after),
      details: JSON.parse(r.details),
    }));
  }
}
