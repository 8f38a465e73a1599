import { badRequest, type EntityQuery } from '@riposte/core';
import { entityView, incidentView, timelineView, type GraphqlContext } from './views.ts';

const DEFAULT_FIRST = 50;

interface AccountQuery {
  samAccountNames?: string[];
  domains?: string[];
}

function entityQuery(a: Record<string, any>): EntityQuery {
  const account: AccountQuery = a.accountQuery ?? {};
  const merge = (x?: string[], y?: string[]) => (x || y ? [...(x ?? []), ...(y ?? [])] : undefined);
  return {
    types: a.types ?? undefined,
    archived: a.archived ?? undefined,
    learned: a.learned ?? undefined,
    watched: a.watched ?? undefined,
    enabled: a.enabled ?? undefined,
    entityIds: a.entityIds ?? undefined,
    primaryDisplayNames: a.primaryDisplayNames ?? undefined,
    secondaryDisplayNames: a.secondaryDisplayNames ?? undefined,
    domains: merge(a.domains, account.domains),
    samAccountNames: merge(a.samAccountNames, account.samAccountNames),
    roles: a.roles ?? undefined,
    riskFactorTypes: a.riskFactorTypes ?? undefined,
    riskSeverities: a.riskScoreSeverities ?? undefined,
    minRiskScore: a.minRiskScore ?? undefined,
    maxRiskScore: a.maxRiskScore ?? undefined,
    stale: a.stale ?? undefined,
    hasAgedPassword: a.hasAgedPassword ?? undefined,
    hasNeverExpiringPassword: a.hasNeverExpiringPassword ?? undefined,
    sortKey: a.sortKey ?? undefined,
    sortOrder: a.sortOrder ?? undefined,
  };
}

function watchQuery(input: { entityQuery: Record<string, any> }): EntityQuery {
  const q = entityQuery(input.entityQuery);
  if (!q.entityIds && !q.primaryDisplayNames && !q.samAccountNames && !q.domains && !q.types) throw badRequest('entityQuery must name the entities (entityIds, primaryDisplayNames, samAccountNames, domains or types)');
  return q;
}

/** Root resolvers: each maps GraphQL arguments onto the identity service and wraps rows in views. */
export const rootValue = {
  async entities(args: Record<string, any>, ctx: GraphqlContext) {
    const page = await ctx.core.identity.entities.page(entityQuery(args), args.first ?? DEFAULT_FIRST, args.after ?? undefined);
    const nodes = page.nodes.map(entityView);
    return { nodes, edges: nodes.map((node, i) => ({ node, cursor: i === nodes.length - 1 ? page.endCursor : null })), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  },

  async entity({ entityId }: { entityId: string }, ctx: GraphqlContext) {
    const row = await ctx.entities.load(entityId);
    return row ? entityView(row) : null;
  },

  async timeline(args: Record<string, any>, ctx: GraphqlContext) {
    const src = args.sourceEntityQuery ?? {};
    const sam = [...(src.samAccountNames ?? []), ...(src.accountQuery?.samAccountNames ?? [])];
    const page = await ctx.core.identity.timeline.page(
      {
        entityIds: src.entityIds ?? undefined,
        samAccountNames: sam.length || src.accountQuery ? sam : undefined,
        startTime: args.startTime ?? undefined,
        endTime: args.endTime ?? undefined,
        categories: args.categories ?? undefined,
        types: args.types ?? undefined,
        sortOrder: args.sortOrder ?? undefined,
      },
      args.first ?? DEFAULT_FIRST,
      args.after ?? undefined,
    );
    return { nodes: page.nodes.map(timelineView), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  },

  async incidents(args: Record<string, any>, ctx: GraphqlContext) {
    const page = await ctx.core.identity.timeline.incidents(
      {
        createdAfter: args.createdAfter ?? undefined,
        updatedAfter: args.updatedAfter ?? undefined,
        severities: args.severities ?? undefined,
        lifeCycleStages: args.lifeCycleStages ?? undefined,
        types: args.types ?? undefined,
        sortKey: args.sortKey ?? undefined,
        sortOrder: args.sortOrder ?? undefined,
      },
      args.first ?? DEFAULT_FIRST,
      args.after ?? undefined,
    );
    return { nodes: page.nodes.map(incidentView), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  },

  async incident({ incidentId }: { incidentId: string }, ctx: GraphqlContext) {
    const i = await ctx.core.identity.incidents.get(incidentId);
    return i ? incidentView(i) : null;
  },

  securityAssessment({ domain }: { domain?: string }, ctx: GraphqlContext) {
    return ctx.core.identity.assess(domain ?? undefined);
  },

  async domains(_a: unknown, ctx: GraphqlContext) {
    const rows = await ctx.core.store.db.selectFrom('identity_entities').select('domain').distinct().orderBy('domain').execute();
    return rows.map((r) => r.domain);
  },

  async addEntitiesToWatchList({ input }: { input: { entityQuery: Record<string, any> } }, ctx: GraphqlContext) {
    const rows = await ctx.core.identity.entities.setWatched(watchQuery(input), true);
    return { updatedEntities: rows.map(entityView), failures: [] };
  },

  async removeEntitiesFromWatchList({ input }: { input: { entityQuery: Record<string, any> } }, ctx: GraphqlContext) {
    const rows = await ctx.core.identity.entities.setWatched(watchQuery(input), false);
    return { updatedEntities: rows.map(entityView), failures: [] };
  },

  async setIncidentState({ input }: { input: { incidentId: string; lifeCycleStage: string; reason?: string } }, ctx: GraphqlContext) {
    return { incident: incidentView(await ctx.core.identity.incidents.setState(input.incidentId, input.lifeCycleStage, input.reason ?? undefined, ctx.caller)) };
  },

  async addCommentToIncident({ input }: { input: { incidentId: string; comment: string } }, ctx: GraphqlContext) {
    if (!input.comment.trim() || input.comment.length > 10_000) throw badRequest('comment must be 1 to 10,000 characters');
    return { incident: incidentView(await ctx.core.identity.incidents.addComment(input.incidentId, input.comment, ctx.caller)) };
  },
};
