import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { badRequest } from '../util/errors.ts';
import { CursorCodec } from './cursors.ts';
import { accountKey } from './ids.ts';
import { incidentOf, type IdentityIncident } from './incidents.ts';
import { checkFirst, keysetPage, type IdentityPage } from './keyset.ts';

export type TimelineRow = Database['identity_events'];

export interface TimelineQuery {
  entityIds?: string[];
  samAccountNames?: string[];
  startTime?: string;
  endTime?: string;
  categories?: string[];
  types?: string[];
  sortOrder?: 'ASCENDING' | 'DESCENDING';
}

export interface IncidentQuery {
  createdAfter?: string;
  updatedAfter?: string;
  severities?: string[];
  lifeCycleStages?: string[];
  types?: string[];
  sortKey?: 'END_TIME' | 'START_TIME';
  sortOrder?: 'ASCENDING' | 'DESCENDING';
}

/** ISO 8601, or a duration relative to now as the vendor writes it (`P-7D`, `PT-2H`). */
export function parseTimeArg(value: string, now = Date.now()): string {
  const rel = /^P(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+)S)?)?$/.exec(value);
  if (rel && value !== 'P' && value !== 'PT') {
    const [, d = '0', h = '0', m = '0', s = '0'] = rel;
    return new Date(now + ((+d * 24 + +h) * 60 + +m) * 60_000 + +s * 1000).toISOString();
  }
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw badRequest(`invalid time "${value}": ISO 8601 or a relative duration such as P-7D`);
  return new Date(t).toISOString();
}

/** The timeline (authentications, policy matches, incident notices) and incident lists, in keyset pages. */
export class IdentityTimeline {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cursors: () => Promise<CursorCodec>,
  ) {}

  async page(q: TimelineQuery, first: number, after?: string): Promise<IdentityPage<TimelineRow>> {
    checkFirst(first);
    const desc = (q.sortOrder ?? 'DESCENDING') === 'DESCENDING';
    const start = q.startTime ? parseTimeArg(q.startTime) : undefined;
    const end = q.endTime ? parseTimeArg(q.endTime) : undefined;
    const codec = await this.cursors();
    const hash = CursorCodec.queryHash({ ...q, start, end, desc });
    let query = this.db.selectFrom('identity_events').selectAll();
    if (q.entityIds || q.samAccountNames) {
      const ids = q.entityIds ?? [];
      const names = (q.samAccountNames ?? []).map(accountKey);
      let users: string[] = [];
      if (names.length) users = (await this.db.selectFrom('identity_entities').select('entity_id').where('type', '=', 'USER').where('name_key', 'in', names).execute()).map((r) => r.entity_id);
      const all = [...ids, ...users];
      if (!all.length) return { nodes: [], hasNextPage: false, endCursor: null };
      query = query.where((eb) => eb.or([eb('user_entity_id', 'in', all), eb('endpoint_entity_id', 'in', all), eb('target_entity_id', 'in', all)]));
    }
    if (start) query = query.where('timestamp', '>=', start);
    if (end) query = query.where('timestamp', '<=', end);
    if (q.categories?.length) query = query.where('category', 'in', q.categories);
    if (q.types?.length) query = query.where('event_type', 'in', q.types);
    return keysetPage(query, { codec, hash, after, first, desc, sort: 'timestamp', id: 'event_id' });
  }

  async incidents(q: IncidentQuery, first: number, after?: string): Promise<IdentityPage<IdentityIncident>> {
    const column = q.sortKey === 'START_TIME' ? 'start_time' : 'end_time';
    const desc = (q.sortOrder ?? 'DESCENDING') === 'DESCENDING';
    const codec = await this.cursors();
    const hash = CursorCodec.queryHash({ ...q, column, desc });
    let query = this.db.selectFrom('identity_incidents').selectAll();
    if (q.createdAfter) query = query.where('start_time', '>=', parseTimeArg(q.createdAfter));
    if (q.updatedAfter) query = query.where('updated_at', '>=', parseTimeArg(q.updatedAfter));
    if (q.severities?.length) query = query.where('severity', 'in', q.severities);
    if (q.lifeCycleStages?.length) query = query.where('lifecycle_stage', 'in', q.lifeCycleStages);
    if (q.types?.length) query = query.where('type', 'in', q.types);
    const page = await keysetPage(query, { codec, hash, after, first, desc, sort: column, id: 'incident_id' });
    return { ...page, nodes: page.nodes.map(incidentOf) };
  }
}
