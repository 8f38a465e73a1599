import type { GraphQLResolveInfo } from 'graphql';
import { badRequest, type IdentityPage, type EntityQuery, type IncidentQuery, type TimelineQuery } from '@riposte/core';
import { entityNode, entityColumns } from './entity-node.ts';
import { selectedFields } from './selection.ts';
import { incidentView, timelineView, type GraphqlContext } from './views.ts';

const DEFAULT_FIRST = 50;

type Args = Record<string, any>;

/** GraphQL hands explicit nulls for arguments given as null; the service's queries leave them out. */
function given<T extends Args>(args: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };
}

function entityQuery(args: Args): EntityQuery {
  const { accountQuery, riskScoreSeverities, first: _first, after: _after, ...rest } = given(args);
  const account = given<Args>(accountQuery ?? {});
  const merge = (x?: string[], y?: string[]) => (x || y ? [...(x ?? []), ...(y ?? [])] : undefined);
  return { ...rest, riskSeverities: riskScoreSeverities, domains: merge(rest.domains, account.domains), samAccountNames: merge(rest.samAccountNames, account.samAccountNames) };
}

function watchQuery(input: { entityQuery: Args }): EntityQuery {
  const q = entityQuery(input.entityQuery);
  if (!q.entityIds && !q.primaryDisplayNames && !q.samAccountNames && !q.domains && !q.types) throw badRequest('entityQuery must name the entities (entityIds, primaryDisplayNames, samAccountNames, domains or types)');
  return q;
}

/** A Relay connection over one page of the service; `edges` is built only when the query asks for it. */
function connection<R, V>(page: IdentityPage<R>, view: (row: R) => V) {
  const nodes = page.nodes.map(view);
  return {
    nodes,
    edges: () => nodes.map((node, i) => ({ node, cursor: i === nodes.length - 1 ? page.endCursor : null })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}

const paging = (args: Args): [number, string | undefined] => [args.first ?? DEFAULT_FIRST, args.after ?? undefined];

/** Root resolvers: each maps GraphQL arguments onto the identity service and wraps rows in views. */
export const rootValue = {
  async entities(args: Args, ctx: GraphqlContext, info: GraphQLResolveInfo) {
    // Only the columns behind the fields asked for of the nodes are read.
    const fields = new Set([...selectedFields(info, ['nodes']), ...selectedFields(info, ['edges', 'node'])]);
    const page = await ctx.core.identity.entities.page(entityQuery(args), ...paging(args), entityColumns(fields));
    return connection(page, (row) => entityNode(row, fields));
  },

  async entity({ entityId }: { entityId: string }, ctx: GraphqlContext, info: GraphQLResolveInfo) {
    const row = await ctx.entities.load(entityId);
    return row ? entityNode(row, selectedFields(info, [])) : null;
  },

  async timeline(args: Args, ctx: GraphqlContext) {
    const src = given<Args>(args.sourceEntityQuery ?? {});
    const sam = [...(src.samAccountNames ?? []), ...(src.accountQuery?.samAccountNames ?? [])];
    const { startTime, endTime, categories, types, sortOrder } = given(args);
    const q: TimelineQuery = { entityIds: src.entityIds, samAccountNames: sam.length || src.accountQuery ? sam : undefined, startTime, endTime, categories, types, sortOrder };
    return connection(await ctx.core.identity.timeline.page(q, ...paging(args)), timelineView);
  },

  async incidents(args: Args, ctx: GraphqlContext) {
    const { createdAfter, updatedAfter, severities, lifeCycleStages, types, sortKey, sortOrder } = given(args);
    const q: IncidentQuery = { createdAfter, updatedAfter, severities, lifeCycleStages, types, sortKey, sortOrder };
    return connection(await ctx.core.identity.timeline.incidents(q, ...paging(args)), incidentView);
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

  async addEntitiesToWatchList({ input }: { input: { entityQuery: Args } }, ctx: GraphqlContext, info: GraphQLResolveInfo) {
    const rows = await ctx.core.identity.entities.setWatched(watchQuery(input), true);
    const fields = selectedFields(info, ['updatedEntities']);
    return { updatedEntities: rows.map((r) => entityNode(r, fields)), failures: [] };
  },

  async removeEntitiesFromWatchList({ input }: { input: { entityQuery: Args } }, ctx: GraphqlContext, info: GraphQLResolveInfo) {
    const rows = await ctx.core.identity.entities.setWatched(watchQuery(input), false);
    const fields = selectedFields(info, ['updatedEntities']);
    return { updatedEntities: rows.map((r) => entityNode(r, fields)), failures: [] };
  },

  async setIncidentState({ input }: { input: { incidentId: string; lifeCycleStage: string; reason?: string } }, ctx: GraphqlContext) {
    return { incident: incidentView(await ctx.core.identity.incidents.setState(input.incidentId, input.lifeCycleStage, input.reason ?? undefined, ctx.caller)) };
  },

  async addCommentToIncident({ input }: { input: { incidentId: string; comment: string } }, ctx: GraphqlContext) {
    if (!input.comment.trim() || input.comment.length > 10_000) throw badRequest('comment must be 1 to 10,000 characters');
    return { incident: incidentView(await ctx.core.identity.incidents.addComment(input.incidentId, input.comment, ctx.caller)) };
  },
};
