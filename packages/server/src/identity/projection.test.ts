import { describe, expect, it } from 'vitest';
import { execute, isCompiledQuery, parse } from './graphql.ts';
import type { Core, EntityColumn, EntityRow } from '@riposte/core';
import { DocumentCache } from './documents.ts';
import { entityColumns, entityNode } from './entity-node.ts';
import { rootValue } from './resolvers.ts';
import { identitySchema } from './schema.ts';
import type { GraphqlContext } from './views.ts';

/** Runs `query` against resolvers whose identity service records the columns the entity page was asked for. */
async function columnsAskedFor(query: string): Promise<EntityColumn[] | undefined> {
  const asked: { called: boolean; columns?: readonly EntityColumn[] } = { called: false };
  const entities = {
    page: async (_q: unknown, _first: number, _after: unknown, columns?: readonly EntityColumn[]) => {
      Object.assign(asked, { called: true, columns });
      return { nodes: [], hasNextPage: false, endCursor: null };
    },
  };
  const core = { identity: { entities } } as unknown as Core;
  const result = await execute({ schema: identitySchema, document: parse(query), rootValue, contextValue: { core, caller: 'test' } as GraphqlContext });
  expect(result.errors).toBeUndefined();
  expect(asked.called).toBe(true);
  return asked.columns && [...asked.columns].sort();
}

describe('entity columns read for a GraphQL page', () => {
  it('are those behind the fields asked for, through edges, fragments and inline fragments', async () => {
    expect(await columnsAskedFor('{ entities(first: 5) { nodes { entityId riskScore riskFactors { type } } } }')).toEqual(['risk_factors', 'risk_score']);
    expect(await columnsAskedFor('{ entities(first: 5) { edges { node { primaryDisplayName } } pageInfo { endCursor } } }')).toEqual(['primary_display_name']);
    expect(await columnsAskedFor('{ entities { nodes { ...F ... on EndpointEntity { lastIpAddress hostName } } } } fragment F on Entity { watched roles { type } }')).toEqual(
      ['builtin_admin', 'host_name', 'last_ip', 'primary_display_name', 'privileged', 'service_account', 'watched'],
    );
  });

  it('are every column when a field reads more than a column of its own (accounts)', async () => {
    expect(await columnsAskedFor('{ entities { nodes { entityId accounts { enabled } } } }')).toBeUndefined();
    expect(entityColumns(new Set(['entityId', 'somethingNew']))).toBeUndefined();
  });
});

describe('DocumentCache', () => {
  it('parses and validates a query once, and keeps no invalid one', () => {
    const cache = new DocumentCache(identitySchema);
    const q = '{ domains }';
    const first = cache.get(q);
    expect(first.errors).toBeUndefined();
    expect(cache.get(q).document).toBe(first.document);
    const bad = cache.get('{ nope }');
    expect(bad.errors?.[0].message).toMatch(/Cannot query field "nope"/);
    expect(cache.get('{ nope }').document).toBeUndefined();
    expect(() => cache.get('{ domains')).toThrow(/Syntax Error/);
  });
});

describe('compiled operations', () => {
  it('are compiled once per document and operation, and an unknown operation is an error', () => {
    const cache = new DocumentCache(identitySchema);
    const { document } = cache.get('query A { domains } query B { domains }');
    const a = cache.compile(document!, 'A');
    expect(isCompiledQuery(a)).toBe(true);
    expect(cache.compile(document!, 'A')).toBe(a);
    expect(cache.compile(document!, 'B')).not.toBe(a);
    const none = cache.compile(document!, 'C');
    if (isCompiledQuery(none)) throw new Error('compiled an operation the document does not hold');
    expect(none.errors?.[0].message).toMatch(/Unknown operation named "C"/);
  });
});

describe('entity nodes', () => {
  it('hold the values of the fields asked for only, and functions for those that take arguments', () => {
    const row = { entity_id: 'e1', type: 'USER', risk_score: '0.5', risk_factors: '[{"type":"AGED_PASSWORD","severity":"NORMAL","score":0.15,"description":"d"}]', privileged: 1, builtin_admin: 0, service_account: 0 } as unknown as EntityRow;
    const node = entityNode(row, new Set(['entityId', 'riskScore', 'riskFactors', 'hasRole', '__typename']));
    expect(Object.keys(node).sort()).toEqual(['__typename', 'entityId', 'hasRole', 'riskFactors', 'riskScore']);
    expect(node).toMatchObject({ __typename: 'UserEntity', entityId: 'e1', riskScore: 0.5, riskFactors: [{ type: 'AGED_PASSWORD', score: 0.15 }] });
    const hasRole = node.hasRole as (args: Record<string, unknown>, ctx: GraphqlContext) => unknown;
    expect(hasRole({ type: 'AdminAccountRole' }, {} as GraphqlContext)).toBe(true);
    expect(hasRole({ type: 'ProgrammaticUserAccountRole' }, {} as GraphqlContext)).toBe(false);
  });
});
