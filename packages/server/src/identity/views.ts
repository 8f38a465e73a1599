import type { GraphQLResolveInfo } from 'graphql';
import type { Core, EntityRow, IdentityIncident, TimelineRow } from '@riposte/core';
import { entityNode } from './entity-node.ts';
import { selectedFields } from './selection.ts';
import type { EntityLoader } from './loader.ts';

/** What every resolver may use: the core, who is calling, and the per-request entity loader. */
export interface GraphqlContext {
  core: Core;
  caller: string;
  entities: EntityLoader;
}

/** Timeline and incident objects over stored rows; fields that need another query are functions, resolved only when asked for. */
const load = (id: string | null) => async (_a: unknown, ctx: GraphqlContext, info: GraphQLResolveInfo) => {
  const row = await ctx.entities.load(id);
  return row ? entityNode(row, selectedFields(info, [])) : null;
};

export function incidentView(i: IdentityIncident) {
  return {
    ...i,
    compromisedEntities: async (_a: unknown, ctx: GraphqlContext, info: GraphQLResolveInfo) => {
      const fields = selectedFields(info, []);
      return (await Promise.all(i.entityIds.map((id) => ctx.entities.load(id)))).filter((r): r is EntityRow => !!r).map((r) => entityNode(r, fields));
    },
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
