import { riskFactorsOf, rolesOf, type EntityColumn, type EntityRow } from '@riposte/core';
import type { GraphqlContext } from './views.ts';
import { incidentView } from './views.ts';

type Method = (e: EntityRow, args: Record<string, unknown>, ctx: GraphqlContext) => unknown;

/**
 * How each field of an entity is computed from its stored row, and the columns it reads (a field
 * without `columns` reads the whole row). A value is computed once per node, when the query asks for it.
 */
const FIELDS: Record<string, { columns?: readonly EntityColumn[]; value?: (e: EntityRow) => unknown; method?: Method }> = {
  entityId: { columns: [], value: (e) => e.entity_id },
  type: { columns: [], value: (e) => e.type },
  primaryDisplayName: { columns: ['primary_display_name'], value: (e) => e.primary_display_name },
  secondaryDisplayName: { columns: ['secondary_display_name'], value: (e) => e.secondary_display_name },
  riskScore: { columns: ['risk_score'], value: (e) => Number(e.risk_score) },
  riskScoreSeverity: { columns: ['risk_severity'], value: (e) => e.risk_severity },
  riskFactors: { columns: ['risk_factors'], value: riskFactorsOf },
  roles: { columns: ['builtin_admin', 'privileged', 'service_account'], value: (e) => rolesOf(e).map((type) => ({ type })) },
  hasRole: { columns: ['builtin_admin', 'privileged', 'service_account'], method: (e, args) => rolesOf(e).includes(args.type as string) },
  watched: { columns: ['watched'], value: (e) => e.watched === 1 },
  archived: { columns: ['archived'], value: (e) => e.archived === 1 },
  creationTime: { columns: ['created_at'], value: (e) => e.created_at },
  emailAddresses: { columns: ['email'], value: (e) => (e.email ? [e.email] : []) },
  hostName: { columns: ['host_name', 'primary_display_name'], value: (e) => e.host_name ?? e.primary_display_name },
  lastIpAddress: { columns: ['last_ip'], value: (e) => e.last_ip },
  agentId: { columns: ['agent_id'], value: (e) => e.agent_id },
  operatingSystemInfo: { columns: ['os_name'], value: (e) => (e.os_name ? { displayName: e.os_name } : null) },
  accounts: { value: accountsOf },
  groups: { columns: [], method: groupsOf },
  openIncidents: { columns: [], method: openIncidentsOf },
};

const ALL_FIELDS: ReadonlySet<string> = new Set(Object.keys(FIELDS));

/**
 * A GraphQL entity over a stored row: a plain object holding the values of the fields the query
 * asks for (`fields`; every field when not known), and functions for the fields that take
 * arguments or read more data. Values are data properties, so an executor may read them as often
 * as it likes at no cost.
 */
export function entityNode(e: EntityRow, fields: ReadonlySet<string> = ALL_FIELDS): Record<string, unknown> {
  const node: Record<string, unknown> = { __typename: e.type === 'USER' ? 'UserEntity' : 'EndpointEntity' };
  for (const name of fields) {
    const f = FIELDS[name];
    if (f?.value) node[name] = f.value(e);
    else if (f?.method) {
      const method = f.method;
      node[name] = (args: Record<string, unknown>, ctx: GraphqlContext) => method(e, args, ctx);
    }
  }
  return node;
}

function accountsOf(e: EntityRow) {
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

async function groupsOf(e: EntityRow, _args: unknown, ctx: GraphqlContext) {
  return (await ctx.core.identity.entities.groupsOf(e.entity_id)).map((g) => ({ groupId: g.group_id, name: g.name, domain: g.domain, privileged: g.privileged === 1 }));
}

async function openIncidentsOf(e: EntityRow, args: Record<string, unknown>, ctx: GraphqlContext) {
  // Incidents naming this entity, newest first; the stage filter runs in SQL, the entity test here.
  const page = await ctx.core.identity.timeline.incidents({ lifeCycleStages: ['NEW', 'IN_PROGRESS'] }, 1000);
  const mine = page.nodes.filter((i) => i.entityIds.includes(e.entity_id)).slice(0, args.first as number);
  return { nodes: mine.map(incidentView), pageInfo: { hasNextPage: false, endCursor: null } };
}

/** The columns a set of requested entity fields needs, or undefined for every column. */
export function entityColumns(fields: ReadonlySet<string>): EntityColumn[] | undefined {
  const columns = new Set<EntityColumn>();
  for (const name of fields) {
    if (name === '__typename') continue;
    const need = FIELDS[name]?.columns;
    if (!need) return undefined;
    for (const c of need) columns.add(c);
  }
  return [...columns];
}
