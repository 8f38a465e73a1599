import { sql, type ExpressionBuilder, type Kysely, type OperandExpression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database } from '../db/index.ts';
import { badRequest } from '../util/errors.ts';
import { CursorCodec } from './cursors.ts';
import { keysetPage, MAX_PAGE, type IdentityPage } from './keyset.ts';
import type { RiskFactor } from './risk.ts';

export type EntityRow = Database['identity_entities'];
export type EntityColumn = keyof EntityRow;
type SortColumn = (typeof ENTITY_SORT_KEYS)[keyof typeof ENTITY_SORT_KEYS];
/** A row read with only some columns; the id, the type and the sort keys are always there. */
export type EntityProjection<C extends EntityColumn> = Pick<EntityRow, C | 'entity_id' | 'type' | SortColumn>;
type Eb = ExpressionBuilder<Database, 'identity_entities'>;
type Condition = OperandExpression<SqlBool>;
const NOTHING = sql<SqlBool>`1 = 0`;

export const ENTITY_SORT_KEYS = { RISK_SCORE: 'risk_score', PRIMARY_DISPLAY_NAME: 'primary_display_name', SECONDARY_DISPLAY_NAME: 'secondary_display_name', CREATION_TIME: 'created_at' } as const;
export const ROLES = ['BuiltinAdministratorRole', 'AdminAccountRole', 'HumanUserAccountRole', 'ProgrammaticUserAccountRole'] as const;

export interface EntityQuery {
  types?: string[];
  archived?: boolean;
  learned?: boolean;
  watched?: boolean;
  enabled?: boolean;
  entityIds?: string[];
  primaryDisplayNames?: string[];
  secondaryDisplayNames?: string[];
  domains?: string[];
  samAccountNames?: string[];
  roles?: string[];
  riskFactorTypes?: string[];
  riskSeverities?: string[];
  minRiskScore?: number;
  maxRiskScore?: number;
  stale?: boolean;
  hasAgedPassword?: boolean;
  hasNeverExpiringPassword?: boolean;
  sortKey?: keyof typeof ENTITY_SORT_KEYS;
  sortOrder?: 'ASCENDING' | 'DESCENDING';
}

/** Roles follow from the directory's flags. */
export function rolesOf(e: EntityRow): string[] {
  if (e.type !== 'USER') return [];
  const roles: string[] = [];
  if (e.builtin_admin) roles.push('BuiltinAdministratorRole');
  if (e.privileged) roles.push('AdminAccountRole');
  roles.push(e.service_account ? 'ProgrammaticUserAccountRole' : 'HumanUserAccountRole');
  return roles;
}

export function riskFactorsOf(e: EntityRow): RiskFactor[] {
  return JSON.parse(e.risk_factors) as RiskFactor[];
}

function hasFactor(eb: Eb, type: string) {
  return eb('risk_factors', 'like', `%"type":"${type.replace(/[^A-Z_]/g, '')}"%`);
}

function roleCondition(eb: Eb, role: string) {
  switch (role) {
    case 'BuiltinAdministratorRole': return eb.and([eb('type', '=', 'USER'), eb('builtin_admin', '=', 1)]);
    case 'AdminAccountRole': return eb.and([eb('type', '=', 'USER'), eb('privileged', '=', 1)]);
    case 'HumanUserAccountRole': return eb.and([eb('type', '=', 'USER'), eb('service_account', '=', 0)]);
    case 'ProgrammaticUserAccountRole': return eb.and([eb('type', '=', 'USER'), eb('service_account', '=', 1)]);
    default: throw badRequest(`unknown role "${role}"; roles are ${ROLES.join(', ')}`);
  }
}

/** Entity lists in Relay pages, ordered by a sort key with the entity id as tiebreaker (keyset paging). */
export class IdentityEntities {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cursors: () => Promise<CursorCodec>,
  ) {}

  private conditions(q: EntityQuery) {
    return (eb: Eb) => {
      const c: Condition[] = [];
      const inList = (col: 'entity_id' | 'primary_display_name' | 'secondary_display_name' | 'domain' | 'name_key' | 'type' | 'risk_severity', values?: string[], lower = false) => {
        if (values === undefined) return;
        if (!values.length) c.push(NOTHING);
        else c.push(lower ? eb(eb.fn('lower', [col]), 'in', values.map((v) => v.toLowerCase())) : eb(col, 'in', values));
      };
      inList('type', q.types);
      inList('entity_id', q.entityIds);
      inList('primary_display_name', q.primaryDisplayNames, true);
      inList('secondary_display_name', q.secondaryDisplayNames, true);
      inList('domain', q.domains?.map((d) => d.toUpperCase()));
      inList('name_key', q.samAccountNames?.map((s) => s.toLowerCase()));
      inList('risk_severity', q.riskSeverities);
      if (q.archived !== undefined) c.push(eb('archived', '=', q.archived ? 1 : 0));
      if (q.watched !== undefined) c.push(eb('watched', '=', q.watched ? 1 : 0));
      if (q.enabled !== undefined) c.push(eb('enabled', '=', q.enabled ? 1 : 0));
      // Every entity riposte holds came from a directory a sensor reported; none was learned from traffic alone.
      if (q.learned === true) c.push(NOTHING);
      if (q.minRiskScore !== undefined) c.push(eb('risk_score', '>=', q.minRiskScore));
      if (q.maxRiskScore !== undefined) c.push(eb('risk_score', '<=', q.maxRiskScore));
      if (q.roles?.length) c.push(eb.or(q.roles.map((r) => roleCondition(eb, r))));
      if (q.riskFactorTypes?.length) c.push(eb.or(q.riskFactorTypes.map((t) => hasFactor(eb, t))));
      const flag = (v: boolean | undefined, type: string) => {
        if (v !== undefined) c.push(v ? hasFactor(eb, type) : eb.not(hasFactor(eb, type)));
      };
      flag(q.stale, 'STALE_ACCOUNT');
      flag(q.hasAgedPassword, 'AGED_PASSWORD');
      flag(q.hasNeverExpiringPassword, 'PASSWORD_NEVER_EXPIRES');
      return eb.and(c);
    };
  }

  /**
   * One page in SQL (filter, order and limit all there, on the indexes of migration 0014). With
   * `columns`, only those (and the id, type and sort key) are read: a list that shows a few fields
   * of many rows need not move every column of each.
   */
  async page<C extends EntityColumn = EntityColumn>(q: EntityQuery, first: number, after?: string, columns?: readonly C[]): Promise<IdentityPage<EntityProjection<C>>> {
    const sortKey = q.sortKey ?? 'PRIMARY_DISPLAY_NAME';
    const sort = ENTITY_SORT_KEYS[sortKey];
    if (!sort) throw badRequest(`unknown sortKey ${sortKey}`);
    const desc = (q.sortOrder ?? (sortKey === 'RISK_SCORE' ? 'DESCENDING' : 'ASCENDING')) === 'DESCENDING';
    const codec = await this.cursors();
    const hash = CursorCodec.queryHash({ ...q, sortKey, desc });
    const from = this.db.selectFrom('identity_entities');
    const query: SelectQueryBuilder<Database, 'identity_entities', EntityProjection<C>> = columns
      ? from.select([...new Set<EntityColumn>(['entity_id', 'type', ...Object.values(ENTITY_SORT_KEYS), ...columns])])
      : from.selectAll();
    return keysetPage(query.where(this.conditions(q)), { codec, hash, after, first, desc, sort, id: 'entity_id' });
  }

  async get(ids: readonly string[]): Promise<EntityRow[]> {
    if (!ids.length) return [];
    return this.db.selectFrom('identity_entities').selectAll().where('entity_id', 'in', [...ids]).execute();
  }

  async setWatched(q: EntityQuery, watched: boolean): Promise<EntityRow[]> {
    const rows = await this.db.selectFrom('identity_entities').select('entity_id').where(this.conditions(q)).limit(MAX_PAGE + 1).execute();
    if (rows.length > MAX_PAGE) throw badRequest(`the entity query matches more than ${MAX_PAGE} entities; narrow it`);
    const ids = rows.map((r) => r.entity_id);
    if (ids.length) await this.db.updateTable('identity_entities').set({ watched: watched ? 1 : 0 }).where('entity_id', 'in', ids).execute();
    return this.get(ids);
  }

  async groupsOf(entityId: string): Promise<{ group_id: string; name: string; domain: string; privileged: number }[]> {
    return this.db
      .selectFrom('identity_group_members as m')
      .innerJoin('identity_groups as g', 'g.group_id', 'm.group_id')
      .select(['g.group_id', 'g.name', 'g.domain', 'g.privileged'])
      .where('m.entity_id', '=', entityId)
      .orderBy('g.name')
      .execute();
  }
}
