import { riskFactorsOf, rolesOf, type EntityColumn, type EntityRow } from '@riposte/core';
import type { GraphqlContext } from './views.ts';
import { incidentView } from './views.ts';

/**
 * A GraphQL entity over a stored row. Every field is a getter or method on the prototype, so a
 * page of a hundred nodes builds a hundred small objects and computes only the fields the query
 * asks for (GraphQL's default resolver reads `node[field]`, calling it when it is a function).
 */
export class EntityNode {
  constructor(private readonly e: EntityRow) {}

  get __typename() {
    return this.e.type === 'USER' ? 'UserEntity' : 'EndpointEntity';
  }
  get entityId() {
    return this.e.entity_id;
  }
  get type() {
    return this.e.type;
  }
  get primaryDisplayName() {
    return this.e.primary_display_name;
  }
  get secondaryDisplayName() {
    return this.e.secondary_display_name;
  }
  get riskScore() {
    return Number(this.e.risk_score);
  }
  get riskScoreSeverity() {
    return this.e.risk_severity;
  }
  get riskFactors() {
    return riskFactorsOf(this.e);
  }
  get roles() {
    return rolesOf(this.e).map((type) => ({ type }));
  }
  hasRole({ type }: { type: string }) {
    return rolesOf(this.e).includes(type);
  }
  get watched() {
    return this.e.watched === 1;
  }
  get archived() {
    return this.e.archived === 1;
  }
  get creationTime() {
    return this.e.created_at;
  }
  get emailAddresses() {
    return this.e.email ? [this.e.email] : [];
  }
  get hostName() {
    return this.e.host_name ?? this.e.primary_display_name;
  }
  get lastIpAddress() {
    return this.e.last_ip;
  }
  get agentId() {
    return this.e.agent_id;
  }
  get operatingSystemInfo() {
    return this.e.os_name ? { displayName: this.e.os_name } : null;
  }

  get accounts() {
    const e = this.e;
    const common = {
      lastLogon: e.last_logon,
      passwordAttributes: { lastChange: e.password_last_set, mayNeverExpire: e.password_never_expires === 1 },
      enabled: e.enabled === 1,
      dataSource: e.data_source,
      archived: e.archived === 1,
    };
    if (e.type === 'USER' && e.data_source === 'LOCAL') return [{ __typename: 'LocalAccountDescriptor', hostName: e.domain, userName: e.sam_account_name, ...common }];
    const user = e.type === 'USER';
    return [
      {
        __typename: 'ActiveDirectoryAccountDescriptor',
        domain: e.domain,
        samAccountName: e.sam_account_name,
        ou: user ? e.ou : null,
        department: user ? e.department : null,
        creationTime: e.created_at,
        ...common,
      },
    ];
  }

  async groups(_args: unknown, ctx: GraphqlContext) {
    return (await ctx.core.identity.entities.groupsOf(this.e.entity_id)).map((g) => ({ groupId: g.group_id, name: g.name, domain: g.domain, privileged: g.privileged === 1 }));
  }

  async openIncidents({ first }: { first: number }, ctx: GraphqlContext) {
    // Incidents naming this entity, newest first; the stage filter runs in SQL, the entity test here.
    const page = await ctx.core.identity.timeline.incidents({ lifeCycleStages: ['NEW', 'IN_PROGRESS'] }, 1000);
    const mine = page.nodes.filter((i) => i.entityIds.includes(this.e.entity_id)).slice(0, first);
    return { nodes: mine.map(incidentView), pageInfo: { hasNextPage: false, endCursor: null } };
  }
}

/** The columns each field of an entity reads (every column its getter touches); a field not listed here reads the whole row. */
const FIELD_COLUMNS: Record<string, readonly EntityColumn[]> = {
  __typename: [],
  entityId: [],
  type: [],
  primaryDisplayName: ['primary_display_name'],
  secondaryDisplayName: ['secondary_display_name'],
  riskScore: ['risk_score'],
  riskScoreSeverity: ['risk_severity'],
  riskFactors: ['risk_factors'],
  roles: ['builtin_admin', 'privileged', 'service_account'],
  hasRole: ['builtin_admin', 'privileged', 'service_account'],
  watched: ['watched'],
  archived: ['archived'],
  creationTime: ['created_at'],
  emailAddresses: ['email'],
  hostName: ['host_name', 'primary_display_name'],
  lastIpAddress: ['last_ip'],
  agentId: ['agent_id'],
  operatingSystemInfo: ['os_name'],
  groups: [],
  openIncidents: [],
};

/** The columns a set of requested entity fields needs, or undefined for every column. */
export function entityColumns(fields: ReadonlySet<string>): EntityColumn[] | undefined {
  const columns = new Set<EntityColumn>();
  for (const f of fields) {
    const need = FIELD_COLUMNS[f];
    if (!need) return undefined;
    for (const c of need) columns.add(c);
  }
  return [...columns];
}
