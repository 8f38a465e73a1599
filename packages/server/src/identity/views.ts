import { riskFactorsOf, rolesOf, type Core, type EntityRow, type IdentityIncident, type TimelineRow } from '@riposte/core';
import type { EntityLoader } from './loader.ts';

/** What every resolver may use: the core, who is calling, and the per-request entity loader. */
export interface GraphqlContext {
  core: Core;
  caller: string;
  entities: EntityLoader;
}

/** GraphQL objects over stored rows; fields that need another query are functions, resolved only when asked for. */
export function entityView(e: EntityRow) {
  const isUser = e.type === 'USER';
  const roles = rolesOf(e);
  const local = e.data_source === 'LOCAL';
  const account = isUser
    ? local
      ? { __typename: 'LocalAccountDescriptor', hostName: e.domain, userName: e.sam_account_name }
      : { __typename: 'ActiveDirectoryAccountDescriptor', domain: e.domain, samAccountName: e.sam_account_name, ou: e.ou, department: e.department, creationTime: e.created_at }
    : { __typename: 'ActiveDirectoryAccountDescriptor', domain: e.domain, samAccountName: e.sam_account_name, ou: null, department: null, creationTime: e.created_at };
  return {
    __typename: isUser ? 'UserEntity' : 'EndpointEntity',
    entityId: e.entity_id,
    type: e.type,
    primaryDisplayName: e.primary_display_name,
    secondaryDisplayName: e.secondary_display_name,
    riskScore: Number(e.risk_score),
    riskScoreSeverity: e.risk_severity,
    riskFactors: riskFactorsOf(e),
    roles: roles.map((type) => ({ type })),
    hasRole: ({ type }: { type: string }) => roles.includes(type),
    watched: e.watched === 1,
    archived: e.archived === 1,
    creationTime: e.created_at,
    accounts: [
      {
        ...account,
        lastLogon: e.last_logon,
        passwordAttributes: { lastChange: e.password_last_set, mayNeverExpire: e.password_never_expires === 1 },
        enabled: e.enabled === 1,
        dataSource: e.data_source,
        archived: e.archived === 1,
      },
    ],
    groups: async (_args: unknown, ctx: GraphqlContext) =>
      (await ctx.core.identity.entities.groupsOf(e.entity_id)).map((g) => ({ groupId: g.group_id, name: g.name, domain: g.domain, privileged: g.privileged === 1 })),
    openIncidents: async ({ first }: { first: number }, ctx: GraphqlContext) => {
      // Incidents naming this entity, newest first; the stage filter and the entity test run in SQL and here.
      const page = await ctx.core.identity.timeline.incidents({ lifeCycleStages: ['NEW', 'IN_PROGRESS'] }, 1000);
      const mine = page.nodes.filter((i) => i.entityIds.includes(e.entity_id)).slice(0, first);
      return { nodes: mine.map(incidentView), pageInfo: { hasNextPage: false, endCursor: null } };
    },
    emailAddresses: e.email ? [e.email] : [],
    hostName: e.host_name ?? e.primary_display_name,
    lastIpAddress: e.last_ip,
    agentId: e.agent_id,
    operatingSystemInfo: e.os_name ? { displayName: e.os_name } : null,
  };
}

const load = (id: string | null) => async (_a: unknown, ctx: GraphqlContext) => {
  const row = await ctx.entities.load(id);
  return row ? entityView(row) : null;
};

export function incidentView(i: IdentityIncident) {
  return {
    ...i,
    compromisedEntities: async (_a: unknown, ctx: GraphqlContext) => (await Promise.all(i.entityIds.map((id) => ctx.entities.load(id)))).filter((r): r is EntityRow => !!r).map(entityView),
  };
}

const incidentById = (id: string | null) => async (_a: unknown, ctx: GraphqlContext) => {
  if (!id) return null;
  const i = await ctx.core.identity.incidents.get(id);
  return i ? incidentView(i) : null;
};

export function timelineView(r: TimelineRow) {
  const base = { eventId: r.event_id, eventType: r.event_type, timestamp: r.timestamp };
  switch (r.event_type) {
    case 'POLICY_RULE_MATCH':
      return {
        ...base,
        __typename: 'TimelinePolicyRuleMatchEvent',
        eventLabel: r.simulated ? 'Policy rule match (simulation)' : 'Policy rule match',
        eventSeverity: r.result === 'BLOCK' ? 'HIGH' : 'MEDIUM',
        ruleName: r.rule_name ?? '',
        ruleId: r.rule_id ?? '',
        triggerLabel: `${r.protocol} authentication of ${r.user_name}`,
        actionLabel: r.result,
        simulated: r.simulated === 1,
        // Whether the action was carried out: never in simulation mode.
        successful: r.simulated === 0,
        resultDescription: r.description,
        sourceEntity: load(r.user_entity_id),
        targetEntity: load(r.target_entity_id),
        incident: incidentById(r.incident_id),
      };
    case 'NEW_INCIDENT':
      return { ...base, __typename: 'TimelineNewIncidentEvent', eventLabel: r.description, eventSeverity: 'HIGH', incident: incidentById(r.incident_id) };
    default:
      return {
        ...base,
        __typename: 'TimelineAuthenticationEvent',
        eventLabel: `${r.result === 'SUCCESS' ? 'Successful' : r.result === 'BLOCKED' ? 'Blocked' : 'Failed'} ${r.protocol} authentication`,
        eventSeverity: r.result === 'SUCCESS' ? 'NORMAL' : 'MEDIUM',
        authenticationType: r.protocol,
        protocolType: r.protocol,
        result: r.result,
        userName: r.user_name,
        userEntity: load(r.user_entity_id),
        endpointEntity: load(r.endpoint_entity_id),
        targetEndpointEntity: load(r.target_entity_id),
        ipAddress: r.source_ip,
        hostName: r.source_host,
        targetHostName: r.target_host,
        service: r.service,
      };
  }
}
