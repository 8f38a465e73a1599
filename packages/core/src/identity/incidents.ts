import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { badRequest, notFound } from '../util/errors.ts';
import { nowIso, timeOrderedUuid } from '../util/ids.ts';

export const LIFECYCLE_STAGES = ['NEW', 'IN_PROGRESS', 'DISMISS', 'FALSE_POSITIVE', 'RESOLVED'] as const;
/** Detections of one kind about one subject this close together extend one incident. */
const MERGE_WINDOW_MS = 60 * 60_000;

export interface RaiseIncident {
  type: string;
  severity: string;
  /** What makes two detections the same incident (a source address, a rule and user). */
  subject: string;
  description: string;
  ruleId: string | null;
  entityIds: string[];
  at: string;
}

export interface IdentityIncident {
  incidentId: string;
  type: string;
  severity: string;
  lifeCycleStage: string;
  startTime: string;
  endTime: string;
  description: string;
  ruleId: string | null;
  entityIds: string[];
  comments: { author: string; text: string; timestamp: string }[];
  markedAsRead: boolean;
}

export function incidentOf(r: Database['identity_incidents']): IdentityIncident {
  return {
    incidentId: r.incident_id, type: r.type, severity: r.severity, lifeCycleStage: r.lifecycle_stage, startTime: r.start_time, endTime: r.end_time,
    description: r.description, ruleId: r.rule_id, entityIds: JSON.parse(r.entity_ids), comments: JSON.parse(r.comments), markedAsRead: r.marked_as_read === 1,
  };
}

/** Identity-based incidents: raised by detections and enforcing policy matches, worked through their life cycle. */
export class IdentityIncidents {
  constructor(private readonly db: Kysely<Database>) {}

  /** Opens an incident, or extends the open one about the same subject; its id. */
  async raise(d: RaiseIncident): Promise<string> {
    const since = new Date(Date.parse(d.at) - MERGE_WINDOW_MS).toISOString();
    const open = await this.db
      .selectFrom('identity_incidents')
      .selectAll()
      .where('type', '=', d.type)
      .where('subject', '=', d.subject)
      .where('end_time', '>=', since)
      .where('lifecycle_stage', 'in', ['NEW', 'IN_PROGRESS'])
      .orderBy('end_time', 'desc')
      .executeTakeFirst();
    if (open) {
      const entities = [...new Set([...JSON.parse(open.entity_ids), ...d.entityIds])];
      await this.db
        .updateTable('identity_incidents')
        .set({ end_time: d.at > open.end_time ? d.at : open.end_time, entity_ids: JSON.stringify(entities), description: d.description, updated_at: nowIso() })
        .where('incident_id', '=', open.incident_id)
        .execute();
      return open.incident_id;
    }
    const id = timeOrderedUuid();
    await this.db
      .insertInto('identity_incidents')
      .values({
        incident_id: id, type: d.type, severity: d.severity, lifecycle_stage: 'NEW', start_time: d.at, end_time: d.at, updated_at: nowIso(), subject: d.subject,
        description: d.description, rule_id: d.ruleId, entity_ids: JSON.stringify(d.entityIds), comments: '[]', marked_as_read: 0,
      })
      .execute();
    await this.db
      .insertInto('identity_events')
      .values({
        event_id: timeOrderedUuid(), event_type: 'NEW_INCIDENT', category: 'THREAT', timestamp: d.at, sensor_device_id: null, user_entity_id: d.entityIds[0] ?? null,
        user_name: '', domain: '', endpoint_entity_id: null, target_entity_id: null, source_ip: null, source_host: null, target_host: null, protocol: '',
        result: d.type, service: null, rule_id: d.ruleId, rule_name: null, simulated: 0, incident_id: id, description: d.description,
      })
      .execute();
    return id;
  }

  async get(id: string): Promise<IdentityIncident | undefined> {
    const r = await this.db.selectFrom('identity_incidents').selectAll().where('incident_id', '=', id).executeTakeFirst();
    return r && incidentOf(r);
  }

  /** A resolved incident cannot change stage (as the vendor's). */
  async setState(id: string, stage: string, reason: string | undefined, author: string): Promise<IdentityIncident> {
    if (!(LIFECYCLE_STAGES as readonly string[]).includes(stage)) throw badRequest(`unknown lifeCycleStage "${stage}"`);
    const current = await this.get(id);
    if (!current) throw notFound(`no incident with id ${id}`);
    if (current.lifeCycleStage === 'RESOLVED' && stage !== 'RESOLVED') throw badRequest('a resolved incident cannot change stage');
    const comments = reason ? [...current.comments, { author, text: reason, timestamp: nowIso() }] : current.comments;
    await this.db.updateTable('identity_incidents').set({ lifecycle_stage: stage, comments: JSON.stringify(comments), updated_at: nowIso() }).where('incident_id', '=', id).execute();
    return (await this.get(id))!;
  }

  async addComment(id: string, text: string, author: string): Promise<IdentityIncident> {
    const current = await this.get(id);
    if (!current) throw notFound(`no incident with id ${id}`);
    const comments = [...current.comments, { author, text, timestamp: nowIso() }];
    await this.db.updateTable('identity_incidents').set({ comments: JSON.stringify(comments), updated_at: nowIso() }).where('incident_id', '=', id).execute();
    return (await this.get(id))!;
  }
}
